"""One side of the latest equation worked on: "Expanding the left-hand side, we get ..."."""

from __future__ import annotations

import pytest

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import check_steps, check_text
from stepscore.verifiers.steps.sides import find_side_rewrites

# ProcessBench math-6, steps 1 and 2 (the first error): the product is 6y^3 + (2c + 9)y^2
# + ..., not 6y^3 + (6c)y^2 + ...
PRODUCT = (
    "First, let's set up the division: \\[ (2y + 3) \\cdot (3y^2 + cy + \\frac{5}{2}c) = "
    "6y^3 + 5y^2 - 16y + 8 \\]"
)
EXPANDED = (
    "Expanding the left-hand side, we get: \\[ 6y^3 + (6c)y^2 + (3 \\cdot \\frac{5}{2}c)y + "
    "(3 \\cdot 3 \\cdot \\frac{5}{2}c) \\]"
)


def test_a_side_expanded_wrongly_in_the_next_step_is_refuted() -> None:
    verdicts = check_steps(Trace.from_steps([PRODUCT, EXPANDED], prompt="Find the remainder."))
    assert [v.status for v in verdicts] == ["unverifiable", "refuted"], verdicts


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("\\[ (x + 1)^2 = 9 \\] Expanding the left side: \\[ x^2 + 2x + 1 \\]", "verified"),
        ("\\[ (x + 1)^2 = 9 \\] Expanding the left side: \\[ x^2 + x + 1 \\]", "refuted"),
        ("\\[ x + x + 3 = 7 \\] Simplifying the left side, we get \\[ 2x + 3 = 7 \\]", "verified"),
        ("\\[ 9 = (x - 2)(x + 2) \\] Expanding the right-hand side gives $x^2 - 4$", "verified"),
        ("\\[ 9 = (x - 2)(x + 2) \\] Expanding the right-hand side gives $x^2 + 4$", "refuted"),
    ],
)
def test_the_side_named_is_compared(text: str, status: str) -> None:
    assert check_text(text).status == status, check_text(text)


@pytest.mark.parametrize(
    "text",
    [
        # more is done than the words name: terms moved across, both sides divided
        "\\[ (x + 1)^2 = 9 \\] Expanding the left side and subtracting 9: \\[ x^2 + 2x - 8 \\]",
        "\\[ (x + 1)^2 = 9 \\] Expanding the left side, then dividing by 2: \\[ x^2 \\]",
        # the words name something on the side, not the side ("the denominator on ...")
        "\\[ \\frac{A}{x-1} = \\frac{x+2}{x^2-1} \\] First, factor the denominator on the"
        " right-hand side: \\[ x^2 - 1 = (x-1)(x+1) \\]",
        # no single equation before the words
        "\\[ a = b = c \\] Simplifying the left side: \\[ a \\]",
        "Simplifying the left side: \\[ x^2 + 1 \\]",
    ],
)
def test_what_the_words_do_not_name_alone_is_not_read(text: str) -> None:
    before = None
    assert find_side_rewrites(text, before) == []
