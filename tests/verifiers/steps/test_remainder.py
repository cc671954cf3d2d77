"""Division with a remainder: ``a ÷ b = q remainder r`` claims ``a = bq + r, 0 <= r < b``."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text


@pytest.mark.parametrize(
    "text",
    [
        "194 ÷ 11 = 17 with a remainder of 7",
        "$$355\\div 6=59\\;\\mathrm{R}\\;1$$",
        "1529 ÷ 6 = 254 R 5",
        "2863 \\div 1344 = 2 with remainder 175",
    ],
)
def test_right_quotient_and_remainder_are_verified(text: str) -> None:
    assert check_text(text).status == "verified"


@pytest.mark.parametrize(
    "text",
    [
        "194 ÷ 11 = 17 with a remainder of 9",  # 11 * 17 + 9 is 196
        "1529 ÷ 6 = 255 with a remainder of 4",  # the quotient is 254
        "355 ÷ 6 = 58 R 7",  # right total, but a remainder must be below 6
        "$$355\\div 6=58\\;\\mathrm{R}\\;5.$$",
    ],
)
def test_wrong_quotient_or_remainder_is_refuted(text: str) -> None:
    verdict = check_text(text)
    assert verdict.status == "refuted"
    assert "remainder" in verdict.reason


def test_a_remainder_without_its_number_is_not_refuted() -> None:
    assert check_text("13 ÷ 4 = 3 remainder").status == "unverifiable"
