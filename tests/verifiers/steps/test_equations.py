"""One equation rewritten line by line (expanding, factoring, dividing through)."""

from __future__ import annotations

import pytest

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import check_steps, check_text

VERIFIED = [
    "\\[ 2x + 6 = 10 \\] \\[ x + 3 = 5 \\]",
    "\\[ x^2 - 5x + 6 = 0 \\] \\[ (x-2)(x-3) = 0 \\]",
    "\\( x^2 - 5x + 6 = 0 \\) factors as \\( (x-2)(x-3) = 0 \\)",
    "\\[ (x+1)^2 = x^2 + 5 \\] \\[ x^2 + 2x + 1 = x^2 + 5 \\]",
    "\\( -2 + 4a + 8 = 0 \\implies 4a = -6 \\)",  # an arrow joins the lines of a derivation
    "So ((J + 10) + J) + 2J + 10 = 100. This simplifies to 4J + 20 = 100.",  # plain text
    # decimals: each number the rewrite writes may be rounded at its last place
    "So 1.5x = 1000, which gives x = 666.67",
    "So 1.5x = 1000, which gives x = 667",
    "So 0.33x = 100. Dividing, x = 300.",  # 0.33 may be a third, rounded
    "So 0.3x + 2 = 5. Subtracting, 0.3x = 3.",
    "So x * $1.5 = $300. Dividing both sides by $1.5, x = 200.",  # amounts of money
]
REFUTED = [
    "\\[ x^2 - 2x - 7 = 0 \\] \\[ (x - 7)(x + 5) = 0 \\]",
    "\\[ 16 + x = 27 \\] \\[ x = 8 \\]",
    "\\( -x^2 - x + 1 = 2x^2 - 1 \\) simplifies to \\( 0 = 3x^2 - x + 2 \\)",
    "\\[ z^2 + z = 0 \\] \\[ \\Rightarrow (z+1)^2 - 1 = 0 \\]",
    # ProcessBench math-487, step 1 (the first error): -2 + 4a + 8 = 0 gives 4a = -6
    "\\( -2 + 4a + 8 = 0 \\implies 4a = -10 \\)",
    # ProcessBench gsm8k-197, step 2 (the first error), in plain text: 4J + 20, not 5J + 20
    "So ((J + 10) + J) + 2J + 10 = 100. This simplifies to 5J + 20 = 100.",
    # ProcessBench gsm8k-73, step 1 (the first error): 0.99 + 1.01 + 1 is 3, not 3.01
    "an equation: 0.99B + 1.01B + B = 4500. Combine like terms: 3.01B = 4500.",
    "So 1.5x = 1000, which gives x = 670",  # 666.67: not a rounding of 670
    "So 0.33x = 100. Dividing, x = 350.",
    # ProcessBench gsm8k-65, step 4 (the first error): $150 * (2/2) is $150, not $300
    "(2/3)x * $1.5 * (2/2) = $150 * (2/2). This simplifies to: (4/6)x * $1.5 = $300.",
]
NOT_TRANSITIONS = [
    "\\[ x + y = 10 \\] \\[ x - y = 2 \\]",  # a system in two unknowns
    "\\(x = 0\\), \\(x = 9\\), and \\(x = -8\\)",  # values found
    "\\[ x = \\frac{5 + 3}{2} \\] \\[ x = \\frac{5 - 3}{2} \\]",  # the two roots
    "\\[ x^2 = 4 \\] \\[ x = 2 \\]",  # the degree changes: a solving step
    "\\[ x - 3 = 2 \\] or \\[ x - 3 = -2 \\]",  # cases
    "\\[ \\sqrt{x} = 3 \\] \\[ x = 9 \\]",  # not a polynomial
    "from \\( x = -2 \\) to \\( x = 1 \\)",
    "\\( x + y = 10 \\implies 2x = 12 \\)",  # two unknowns: may use another equation
    "Solve Equation 1 for x: -14 = x + 2 -16 = x. So, x = -16.",  # two run together
]


@pytest.mark.parametrize("text", VERIFIED)
def test_equivalent_rewrites_are_verified(text: str) -> None:
    assert check_text(text).status == "verified", check_text(text)


@pytest.mark.parametrize("text", REFUTED)
def test_rewrites_that_change_the_equation_are_refuted(text: str) -> None:
    verdict = check_text(text)
    assert verdict.status == "refuted", verdict
    assert verdict.reason.startswith("the rewritten equation is not equivalent")


@pytest.mark.parametrize("text", NOT_TRANSITIONS)
def test_systems_cases_and_solving_steps_are_not_refuted(text: str) -> None:
    assert check_text(text).status != "refuted", check_text(text)


def test_rewrites_joined_by_we_have_or_expanding_and_simplifying_are_read() -> None:
    text = (
        "Subtracting \\( 3x \\) from both sides, we have \\( x^2 - 3x = 1 \\). "
        "Factoring the left-hand side, we have \\( (x - 1)(x - 3) = 0 \\)."
    )
    assert check_text(text).status == "refuted"
    text = "\\((49 - a^2)(4 - a^2) = 144a^2\\). Expanding and simplifying, we have "
    assert check_text(text + "\\(196 - 53a^2 + a^4 = 144a^2\\)").status == "verified"
    assert check_text(text + "\\(196 - 8a^2 + a^4 = 144a^2\\)").status == "refuted"


def test_equations_in_two_unknowns_are_rewrites_only_when_the_step_says_so() -> None:
    system = "\\[ x + y = 10 \\] \\[ x - y = 2 \\]"
    assert check_text(system).status == "unverifiable"
    said = "\\[ x^2 + 2x + y^2 = 3 \\] Simplifying, \\[ x^2 + y^2 + 2x - 4 = 0 \\]"
    assert check_text(said).status == "refuted"


def test_simplifying_the_left_side_rewrites_the_equation_the_step_before_ended_on() -> None:
    before = "The perimeter is the sum: \\[ (3a-1) + (a^2+1) + (a^2+2) = 16. \\]"
    steps = [before, "Simplifying the left side, we get: \\[ a^2 + 3a + 2 = 16. \\]"]
    assert [v.status for v in check_steps(Trace.from_steps(steps))][1] == "refuted"
    right = [before, "Simplifying the left side, we get: \\[ 2a^2 + 3a + 2 = 16. \\]"]
    assert [v.status for v in check_steps(Trace.from_steps(right))][1] == "verified"


def test_an_unknown_set_alone_in_latex_is_read_in_the_prose() -> None:
    """Only the unknown in LaTeX (``150 + \\( x \\) = 500``): the prose holds the equations."""
    wrong = (
        r"Simplifying the equation, we get: 150 + \( x \) = 500. Subtracting 150 from both "
        r"sides, we get: \( x \) = 350 - 150."
    )
    verdict = check_text(wrong)
    assert verdict.status == "refuted"
    (claim,) = [c for c in verdict.claims if c.status == "refuted"]
    assert (claim.expression, claim.asserted) == ("150 + x = 500", "x = 350 - 150")
    assert wrong[claim.span[0] : claim.span[1]].startswith("150 + \\( x \\) = 500")
    right = wrong.replace("350 - 150", "500 - 150")
    assert check_text(right).status == "verified"
    assert check_text(r"We get 2 $x$ + 3 = 11, so $x$ = 4.").status == "verified"


def test_equations_in_several_unknowns_whose_constant_changed_are_refuted() -> None:
    """The same variable part (up to a factor) with another constant: no system writes
    that, so the second equation rewrites the first, wrongly."""
    wrong = (
        r"We expand: \[ x^2 - 10x + 25 + y^2 - 14y + 49 = 13, \] "
        r"\[ x^2 + y^2 - 10x - 14y + 74 = 0. \]"
    )
    verdict = check_text(wrong)
    assert verdict.status == "refuted"
    assert check_text(r"We get $2 + c = 2b - 11$, so $c - 2b = -9$.").status == "refuted"
    assert check_text(wrong.replace("74", "61")).status != "refuted"
    assert check_text(r"\[ x + y = 5 \] \[ x - y = 1 \]").status != "refuted"  # a system
    assert check_text(r"\[ 2x + 2y = 10 \] \[ x + y = 5 \]").status != "refuted"
    listed = r"So we can have $1+a=b$, $1+b=a$, $\frac{1}{b} + \frac{1}{a} = 1$, and so on."
    assert check_text(listed).status != "refuted"  # cases listed
