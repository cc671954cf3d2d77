"""Complex arithmetic, factorizations, counted lists and restated values."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.complex_claims import find_complex_claims
from stepscore.verifiers.steps.counts import find_counts
from stepscore.verifiers.steps.divisibility import find_divisibility
from stepscore.verifiers.steps.factorizations import find_factorizations
from stepscore.verifiers.steps.identities import decide_rewrite
from stepscore.verifiers.steps.named import find_named_values
from stepscore.verifiers.steps.restated import find_restated


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("\\( (5 - 8i)(30 + 48i) = 534 \\)", "verified"),
        ("\\( (5 - 8i)(30 + 48i) = 534 + 240i \\)", "refuted"),
        ("\\( \\frac{1}{-5i} = \\frac{i}{5} \\)", "verified"),
        ("\\( \\frac{1}{-5i} = \\frac{-i}{25} \\)", "refuted"),
        ("\\( (1 + i)^2 = 2 + 2i = 2i \\)", "unverifiable"),  # the chain's ends agree
        ("\\( (1 + 0.5i)^2 = 0.75 + 1.1i \\)", "unverifiable"),  # decimals: maybe rounded
    ],
)
def test_complex_links(text: str, status: str) -> None:
    assert find_complex_claims(text)[0].status == status


@pytest.mark.parametrize(
    "text",
    [
        "\\( a_i = 2i + 1 = 7 \\)",  # an index
        "\\( \\sum_{i=1}^{3} i = 5 \\)",
        "For \\( i = 2 \\), \\( 3i = 5 \\)",
        "\\( e^{i\\pi} + 1 = 0 \\)",  # e: a constant or an unknown?
    ],
)
def test_complex_links_skip_an_index(text: str) -> None:
    assert find_complex_claims(text) == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Factoring, \\[ x^3 - 1 = (x - 1)(x^2 + x + 1). \\]", "verified"),
        ("Factoring, \\[ x^3 - 1 = (x + 1)(x^2 - x + 1). \\]", "refuted"),
        ("Dividing, \\[ x^3 - 4x^2 - 7x + 6 = (x-1)(x^2 - 3x - 6) \\]", "refuted"),
    ],
)
def test_factorizations(text: str, status: str) -> None:
    (found,) = find_factorizations(text)
    assert decide_rewrite(found)[0] == status


@pytest.mark.parametrize(
    "text",
    [
        "Expanding, \\( (x - 1)(x + 2) = x^2 + 4 \\)",  # maybe an equation to solve
        "Expanding, \\( (x - 1)(x + 2) = 2x^2 + 4 \\)",  # another leading coefficient
        "Factoring, \\( (q + 2)(p + 1) = qp + p + 2q + 2 \\)",  # two unknowns
        "\\( x^3 - 1 = (x + 1)(x^2 - x + 1) \\)",  # no word of factoring
        "Factoring, \\( x^2 - 1 = (x - 1)(x + 1) + 0.5 \\)",
    ],
)
def test_factorization_shapes_not_read(text: str) -> None:
    assert find_factorizations(text) == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("There are 5 odd integers in this range (1, 3, 5, 7, 9).", "verified"),
        ("There are 7 choices for the exponent of 3 (0, 2, 4, 6).", "refuted"),
        ("9 possible choices for the first digit (5, 6, 7, 8, or 9)", "refuted"),
        ("The four prime numbers: 2, 3, 5, and 7.", "verified"),
    ],
)
def test_counted_lists(text: str, status: str) -> None:
    assert [c.status for c in find_counts(text)] == [status]


@pytest.mark.parametrize(
    "text",
    [
        "There are 10 numbers (1, 2, \\ldots, 10).",
        "There are 2 ways to arrange the digits (1, 2, 3).",
        "There are 6 outcomes such as (1, 2).",
        "The 3 values (1, 1, 2) repeat.",
        "one die shows a prime number (2, 3, or 5)",
    ],
)
def test_counted_lists_not_read(text: str) -> None:
    assert find_counts(text) == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("\\[ S = 165 \\times \\frac{6}{11} \\] \\[ S = 90 \\]", "verified"),
        ("\\[ S = 165 \\times \\frac{6}{11} \\] \\[ S = 9 \\times 6 \\]", "refuted"),
        ("\\[ R = 2310 \\mod 42 \\] \\[ R = 0 \\]", "verified"),
        ("\\[ R = 2310 \\mod 42 \\] \\[ R = 18 \\]", "refuted"),
        ("\\[ n = \\frac{74}{3} \\] \\[ n = 24.6 \\]", "unverifiable"),
    ],
)
def test_restated_values(text: str, status: str) -> None:
    assert [c.status for c in find_restated(text)] == [status]


@pytest.mark.parametrize(
    "text",
    [
        "\\[ x = 3 \\] \\[ x = -3 \\]",  # two roots
        "\\[ x = \\frac{5 + 3}{2} \\] \\[ x = \\frac{5 - 3}{2} \\]",
        "\\[ x = 2 + 3 \\] or \\[ x = 7 \\]",  # words between
        "\\[ x = 2 + 3 \\] \\[ y = 7 \\]",  # another name
    ],
)
def test_restated_values_not_read(text: str) -> None:
    assert find_restated(text) == []


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("we have $$42\\cdot56=c,$$ or $c=2336$.", "refuted"),  # ProcessBench math
        ("so $3 \\times 4 = n$ and hence $n = 12$", "verified"),
        ("Then \\(\\frac{96}{4} = k\\), so \\(k = 24\\).", "verified"),
        ("This gives 7.5 * 3 = d, so d = 22 (rounded).", "verified"),  # rounding written
    ],
)
def test_named_values(text: str, status: str) -> None:
    assert [c.status for c in find_named_values(text, signalled="rounded" in text)] == [status]


@pytest.mark.parametrize(
    "text",
    [
        "Solve for x: -14 = x + 2 -16 = x. So, x = -16.",  # the tail of a longer side
        "let $n = 5$; then $3 \\times 4 = n$ and $n = 12$",  # named before
        "$3 \\times 4 = n$, so $n = 12 + 1$",  # the value is computed
        "$3 \\times 4 = n$ and $m = 13$",  # another name
        "$2 \\cdot x = y$ and $y = 10$",  # an unknown in the computation
    ],
)
def test_named_values_not_read(text: str) -> None:
    assert find_named_values(text) == []


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        (
            "we know $3! = 6$ is not divisible by $9$, but $4! = 24$ is divisible by $9$.",
            ["verified", "refuted"],
        ),  # ProcessBench math
        ("Since 111111111 is not divisible by 9 (the sum of its digits is 9)", ["refuted"]),
        ("So, \\(475,032\\) is divisible by 11.", ["refuted"]),
        ("Thus 36 is a multiple of 12 and 35 is not a multiple of 6.", ["verified", "verified"]),
        ("So \\(91\\) is divisible by \\(7\\).", ["verified"]),
    ],
)
def test_divisibility(text: str, statuses: list[str]) -> None:
    assert [c.status for c in find_divisibility(text)] == statuses


@pytest.mark.parametrize(
    "text",
    [
        "We look for \\(x\\) where \\(3x - 1\\) is divisible by \\(19\\).",  # an expression
        "so \\(k\\) is any integer such that \\(4m + 2\\) is divisible by \\(3\\).",
        "the number 10236 is not divisible by 3 and 6",  # by both, or by either?
        "24 is divisible by 2, 3 and 4",  # (true, but a list is not read)
        "If 25 is divisible by 3, then we are done.",  # supposed, not said
        "\\(a \\times 111111111\\) must be divisible by 9",
        "10 is divisible by 2k",
        "\\(2^{10}\\) is divisible by 4",  # an exponent, not the number
        "so 10^6 is divisible by 7",
        "\\(x_{12}\\) is divisible by 5",
    ],
)
def test_divisibility_not_read(text: str) -> None:
    assert find_divisibility(text) == []


def test_latex_operators_glued_to_numbers() -> None:
    """``\\cdot56`` is TeX's ``\\cdot 56``."""
    assert check_text("$42\\cdot56 = 2352$").status == "verified"
    assert check_text("$6\\times7=43$").status == "refuted"


def test_new_claims_reach_the_verdict() -> None:
    assert check_text("\\( (1 + i)(1 - i) = 3 \\)").status == "refuted"
    assert check_text("There are 3 choices (1, 2).").status == "refuted"
