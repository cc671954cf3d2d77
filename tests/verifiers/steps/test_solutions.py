"""A value solved for, put back into the equation it came from (`solutions`)."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.solutions import find_solutions

SOLVED_RIGHT = [
    "Let $BD = x$. Then \\(\\frac{6}{10} = \\frac{x}{8 - x} \\Rightarrow x = 3\\).",
    "\\[ 3x^2 - x = 660 \\implies x = \\frac{-44}{3} \\]",
    "\\[ x^2 = 49 \\Rightarrow x = -7 \\]",  # one root of two: it still satisfies it
    "So \\(2^n = 64 \\Longrightarrow n = 6\\).",
    "\\(\\frac{1}{a} = -\\frac{1}{2} \\Rightarrow a = -2\\)",
    # across two lines of LaTeX, a connective (or nothing) between them
    "$$900 - 4y = 640,$$ which simplifies to: $$4y = 260,$$ and thus, $$y = 65.$$",
    "\\[ 2x = 10 \\\\ x = 5 \\]",  # the next row of a display
    "Then \\(3x - 1 = 8\\), so \\(x = 3\\).",
    "We have \\(x^2 = 49\\). Solving, we get \\(x = 7\\).",
    "We get 3x - 1 = 11, so x = 4.",  # plain text
    # the unknown named in math inside the prose between the lines
    "Setting this equal to zero gives us the equation \\( 8 - 4x = 0 \\). Solving for "
    "\\( x \\) gives us \\( x = 2 \\).",
    # a function elsewhere in the step: the equation itself applies none
    "If \\( x > 3 \\), then \\( f(x) = 8 - 4x \\). So \\( 8 - 4x = 0 \\), hence \\( x = 2 \\).",
]
# From ProcessBench (math) steps labelled as the first error.
SOLVED_WRONG = [
    "By the Angle Bisector Theorem, we have \\(\\frac{AB}{AC} = \\frac{BD}{DC} \\Rightarrow "
    "\\frac{6}{10} = \\frac{x}{8 - x} \\Rightarrow x = \\frac{24}{15} = \\frac{8}{5}\\).",
    "\\[ a^{-1} = -\\frac{1}{2} \\Rightarrow a = \\boxed{\\frac{2}{1}} \\]",
    "\\(2x + 3 = 11 \\implies x = 5\\)",
    # ProcessBench math-445, step 5 (the first error): 4y = 260 does not give y = 40
    "The correct simplification should be: $$900 - 4y = 640,$$ which simplifies to: "
    "$$4y = 260,$$ and thus, $$y = 40.$$",
    "Then \\(3x - 1 = 8\\), hence \\(x = 4\\).",
    "We get 3x - 1 = 11, so x = 5.",  # plain text
    "Solving \\(4x - 2x = 8\\), we find \\(x = -2\\).",  # MATH's reference, as written
    # PRM800K phase-1 train steps (rated +1 there; both values are wrong: x = -3/5, x = 4)
    "Equating both equations, we get $-3x+2=2x+5$. Solving for $x$, we get $x=1$.",
    "So if $x \\le 0$, then $f(x) = -1$ implies $-x + 3 = -1$, which gives $x = -2$.",
]
NOT_READ = [
    "\\(x^2 = 4 \\Rightarrow x = \\pm 2\\)",  # two values at once
    "\\(x^2 = 2 \\Rightarrow x \\approx 1.41\\)",  # rounded
    "\\(x^2 = 2 \\Rightarrow x = 1.41\\)",  # a decimal: maybe rounded
    "\\(x + y = 10 \\Rightarrow x = 4\\)",  # two unknowns
    "\\(f(x) = 3 \\Rightarrow x = 2\\)",  # a function's point, not a solution
    "\\(2x + 1 > 5 \\Rightarrow x = 3\\)",  # an inequality
    "\\(\\frac{1}{x - 2} = 1 \\Rightarrow x = 2\\)",  # undefined there: not decided
    "\\(x = 2 \\Rightarrow y = 5\\)",  # another letter
    "\\((x-2)^2 = 9 \\Rightarrow x = 2 \\pm 3\\)",  # two values (not x = 2)
    # across lines: alternatives paired by position, a list of values, no connective
    "so $x+3 = 6$ or $x+3 = -6$, so $x=3$ or $x=-9$.",
    "The solutions are \\(x = 0\\), \\(x = 9\\), and \\(x = -8\\).",
    "\\(3x = 9\\) and \\(x = 4\\)",
    # a letter alone between the lines that is not the one given a value
    "\\(3x = 9\\). Solving for \\( y \\) gives us \\( x = 4 \\).",
]


@pytest.mark.parametrize("text", SOLVED_RIGHT)
def test_a_value_that_satisfies_its_equation_is_verified(text: str) -> None:
    assert [s.status for s in find_solutions(text)] == ["verified"], find_solutions(text)
    assert check_text(text).status != "refuted"


@pytest.mark.parametrize("text", SOLVED_WRONG)
def test_a_value_that_does_not_is_refuted(text: str) -> None:
    assert [s.status for s in find_solutions(text)][-1] == "refuted", find_solutions(text)
    verdict = check_text(text)
    assert verdict.status == "refuted", verdict


@pytest.mark.parametrize("text", NOT_READ)
def test_what_is_not_one_exact_equation_and_its_value_is_not_read(text: str) -> None:
    assert find_solutions(text) == []


def test_a_value_too_large_to_write_out_is_named_by_its_size() -> None:
    (link,) = find_solutions("\\(x^2 = 7^{6000} \\Rightarrow x = 3\\)")
    assert link.status == "refuted" and "over 1,200 digits" in link.reason
    assert find_solutions("\\(x + 1 = 2 \\Rightarrow x = 7^{6000}\\)") == []
