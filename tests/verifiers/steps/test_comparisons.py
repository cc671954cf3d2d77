"""Comparisons of two values (`comparisons`)."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.comparisons import find_comparisons

HOLDS = [
    "\\[ \\sqrt{50} < 8 \\le 2^3 \\]",
    "The triangle exists because \\(3 + 4 > 5\\), \\(3 + 5 > 4\\) and \\(4 + 5 > 3\\).",
    "\\(2(2)^2 - 3 = 5 \\neq 0\\), so 2 is not a root.",
    "Since $\\pi > 3$, the area exceeds 27.",
    "\\(1.41 < \\sqrt{2}\\)",
    "\\(\\frac{1}{3} \\geq 0.33\\)",
    # said in words
    "Since 12 is greater than 10, she has enough.",
    "$-\\sqrt{7}$ is not less than $-4$.",
    "99 is less than or equal to 100.",
]
# From ProcessBench (math) steps labelled as the first error, and PRM800K steps rated -1.
FAILS = [
    # math-875, step 1: the triangle inequality fails for (2, 4, 6)
    "(2, 4, 6) - This combination works because \\(2 + 4 > 6\\), \\(2 + 6 > 4\\), and "
    "\\(4 + 6 > 2\\).",
    # math-280, step 6: x = -3 is a root after all
    "Fourth, testing \\(x = -3\\):\n\\[2(-3)^4 + 4(-3)^3 - 5(-3)^2 + 2(-3) - 3 = 162 - 108 "
    "- 45 - 6 - 3 \\neq 0.\\]\nSo, \\(x = -3\\) is not a root.",
    "But $4 + 2 \\sqrt{2} < 6$, so we must have $n=5$.",
    "Yes, and since $220 > 1000$, we know that the $1000$th number will have $11$ digits.",
    "\\(3 < 5 < 4\\)",
    # said in words: math-339, step 1, and PRM800K steps rated -1
    "Since \\( \\pi \\) is greater than 4, we use the third case of the function definition.",
    "And $\\frac{17}{100}$ is bigger than $\\frac{1}{4}$. Let's try $\\frac{1}{5}$.",
    "There is only one solution because $-\\sqrt{7}$ is not greater than or equal to $-4$.",
]
NOT_READ = [
    "\\(x > 3\\)",  # an unknown
    "\\(5 \\not< 3\\)",  # negated
    "\\(\\sqrt{2} \\approx 1.41 > 1.4142\\)",  # next to a rounding: it decides the value
    "\\(1.41 > \\sqrt{2}\\)",  # within the rounding written
    "If \\(2 + 4 > 6\\), the sides make a triangle.",  # supposed
    "We need \\(2 + 4 > 6\\) for a triangle.",
    "So the inequality becomes $90/10 \\leq 105/(15)-0.5$.",  # a condition written out
    "It says $6*9.5/2 \\leq 15$.",
    "\\(5 \\text{ cm} > 6\\)",  # a unit: cut, not read as a value
    "If 12 is greater than 15, she stops.",  # supposed, in words
    "1,500 is less than 600 grams",  # not read from inside a number
    "Is 99 less than 100?",
    "\\(10^{400} < \\pi\\)",  # an exact side beyond a float, against an irrational one
]


@pytest.mark.parametrize("text", HOLDS)
def test_a_comparison_that_holds_is_verified(text: str) -> None:
    found = find_comparisons(text)
    assert found and all(c.status == "verified" for c in found), found
    assert check_text(text).status == "verified"


@pytest.mark.parametrize("text", FAILS)
def test_a_comparison_that_fails_is_refuted(text: str) -> None:
    assert any(c.status == "refuted" for c in find_comparisons(text)), find_comparisons(text)
    verdict = check_text(text)
    assert verdict.status == "refuted" and "comparison fails" in verdict.reason, verdict


@pytest.mark.parametrize("text", NOT_READ)
def test_what_is_not_two_values_asserted_is_not_read(text: str) -> None:
    assert all(c.status != "refuted" for c in find_comparisons(text))
    assert check_text(text).status != "refuted"


def test_the_step_that_asks_or_denies_is_not_refuted() -> None:
    assert check_text("Is \\(2 + 4 > 6\\)? No, so (2, 4, 6) fails.").status != "refuted"
    assert check_text("Since \\(2 + 4 > 6\\) is false, it fails.").status != "refuted"


def test_many_comparisons_are_read_up_to_a_bound() -> None:
    text = "\\[" + " < ".join(str(k) for k in range(200)) + "\\]"
    assert 0 < len(find_comparisons(text)) <= 16
