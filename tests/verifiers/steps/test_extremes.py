"""The largest power, multiple or prime below a number, the smallest above it."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.extremes import find_extremes


@pytest.mark.parametrize(
    "text",
    [
        "The largest power of 2 that is less than or equal to 87 is 64 (which is 2^6).",
        "the largest power of $7$ which is less than $441$ is $7^3 = 343$, and",
        "The largest power of 4 that is less than $527$ is $4^4$, which equals $256$.",
        "The largest power of $13$ which is smaller than $53$ is $13$, and",
        "the largest multiple of 13 less than 53 is $4 \\cdot 13 = 52$.",
        "the greatest multiple of $125$ which is less than $555$ is $4$.",  # its count
        "The smallest multiple of 7 greater than 50 is 56.",
        "The smallest power of 2 that is at least 64 is 64.",
        "the largest power of 2 less than 1,000 is 512",
        "The largest prime less than 100 is 97.",
        "The smallest prime number greater than 20 is 23.",
        "the largest prime number that is at most 97 is 97",
    ],
)
def test_right_extremes_are_verified(text: str) -> None:
    claims = find_extremes(text)
    assert [c.status for c in claims] == ["verified"], claims


@pytest.mark.parametrize(
    "text",
    [
        # PRM800K phase-1 test, a step rated wrong: 7^3 = 343 is below 629 too
        "The largest power of 7 that is smaller than 629 is $7^2=49$.",
        "the largest multiple of 13 less than 53 is 39.",
        "The smallest power of 3 greater than 100 is 81.",  # not above the bound
        "The largest power of 2 less than 64 is 64.",  # "less than" is strict
        "the largest power of 3 less than 100 is 72.",  # no power of 3
        "the greatest multiple of 125 less than 555 is 3.",  # nor its count
        # ProcessBench math-814, step 1 (the first error): "less than" is strict
        "The largest prime number less than 97 is 97 itself.",
        "The smallest prime greater than 20 is 29.",  # 23 is nearer
        "The largest prime less than 50 is 49.",  # no prime
    ],
)
def test_wrong_extremes_are_refuted(text: str) -> None:
    assert check_text(text).status == "refuted", check_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "If the largest power of 2 less than 87 is 32, then we are wrong.",  # supposed
        "We need the largest power of 2 less than 87, which is what we find next.",
        "the largest power of 3 less than $n$ is $3^k$",  # no digits
        "the smallest power of 2 less than 87 is 1",  # no such claim to decide
    ],
)
def test_what_is_not_claimed_in_digits_is_not_read(text: str) -> None:
    assert find_extremes(text) == []


def test_a_hostile_run_of_claims_is_bounded() -> None:
    text = "the largest power of 2 less than 87 is 64, " * 2000
    assert len(find_extremes(text)) == 16
