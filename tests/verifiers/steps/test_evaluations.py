"""A function the text defines, evaluated (`evaluations`)."""

from __future__ import annotations

import pytest

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import check_steps
from stepscore.verifiers.steps.evaluations import definitions, find_evaluations

POLY = "If $f(x) = 8x^3 - 6x^2 - 4x + 5$, find the value of $f(-2)$."


def _statuses(problem: str, step: str) -> list[str]:
    return [e.status for e in find_evaluations(step, definitions([problem, step]), [problem])]


@pytest.mark.parametrize(
    "step",
    [
        "That means $f(-2) = -75$.",
        "\\[ f(-x) = -8x^3 - 6x^2 + 4x + 5 \\]",
        "So $f(x + 1) = 8(x+1)^3 - 6(x+1)^2 - 4(x+1) + 5$.",
    ],
)
def test_a_right_value_is_verified(step: str) -> None:
    assert _statuses(POLY, step) == ["verified"]


@pytest.mark.parametrize(
    ("problem", "step"),
    [
        # PRM800K phase-1 train, a step rated +1 that is wrong: f(-2) is -75
        (POLY, "That means $f(-2) = -91$."),
        # ProcessBench math-196, step 2 (the first error): f(-x) is not -f(x) here
        (
            "Is $f(x) = 7x^7 - 4x^4 + 1$ an even function, odd function, or neither?",
            "Notice that: \\[ f(-x) = -(7x^7 - 4x^4 + 1) = -f(x) \\]",
        ),
        ("What is the cube of 3?", "Let $p(x) = (x + 2)^3$. Then $p(1) = 9$."),  # in the step
    ],
)
def test_a_wrong_value_is_refuted(problem: str, step: str) -> None:
    assert _statuses(problem, step) == ["refuted"]
    assert check_steps(Trace.from_steps([step], prompt=problem))[0].status == "refuted"


@pytest.mark.parametrize(
    ("problem", "step"),
    [
        # by cases, in words or in an array
        ("Let $f(x) = x^2$ if $x > 0$ and $f(x) = -x$ otherwise.", "So $f(-2) = 5$."),
        (
            "Let \\[f(x) = \\left\\{ \\begin{array}{cl} 2x + 1 & \\text{if } x \\le 3, \\\\ "
            "8 - 4x & \\text{if } x > 3. \\end{array} \\right.\\]",
            "So $f(5) = 11$.",
        ),
        # a functional equation: the problem's f(n) = n is a condition, a step's form a guess
        (
            "The function $f$ satisfies \\[f(x) + f(y) = f(x + y) - xy - 1\\] for all real "
            "numbers $x$ and $y.$ If $f(1) = 1,$ then find all integers $n$ such that "
            "$f(n) = n.$",
            "Setting $x = y = 0,$ we get \\[2f(0) = f(0) - 1,\\]so $f(0) = -1.$",
        ),
        ("$f(f(x)) = 6x - 2005$ for all $x$.", "So $f(x) = x + 1$, and $f(2) = 7$."),
        # an equation to solve, not a definition; a parameter found; another letter
        ("Find all $x$ with $f(x) = 11$, where $f$ is linear.", "So $f(3) = 5$."),
        ("Let $f(x) = x^2 + ax$ with $f(2) = 10$.", "So $a = 3$ and $f(1) = 1 + 3$."),
        (POLY, "At a root $z_i$ of $Q$, $f(z_i) = 7$."),
        (POLY, "So $f(2) = f^{-1}(3)$."),
        (POLY, "We need $f(x) = 0$."),  # its own letter: an equation
    ],
)
def test_what_is_not_one_plain_definition_is_not_read(problem: str, step: str) -> None:
    assert _statuses(problem, step) == []


def test_a_value_that_holds_where_the_problem_relations_hold_is_not_refuted() -> None:
    problem = "Let $f(x) = x^3$, and let $w$ satisfy $w = 2$."
    step = "So $f(3w) = 216$."  # (f(3w) is 27w^3, which is 216 at w = 2)
    assert "refuted" not in _statuses(problem, step)
