"""Numbers written in other bases, as the step checker reads them."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.bases import find_base_claims


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("we find that $441_{10} = 1200_7$.", "verified"),
        ("we find that $441_{10} = 1202_7$.", "refuted"),  # 1202_7 is 443
        ("So $\\boxed{(1011)_2} = 11$.", "verified"),
        ("So, in base 3, 87 can be written as 10020.", "verified"),
        ("So, in base 3, 87 can be written as 10000. It has 5 digits.", "refuted"),
        ("10020 in base 3 is 87.", "verified"),  # either way round
        ("The number 2A in base 16 is 42.", "verified"),
    ],
)
def test_base_claims(text: str, status: str) -> None:
    assert [c.status for c in find_base_claims(text)] == [status]
    assert check_text(text).status == status


@pytest.mark.parametrize(
    "text",
    [
        "the terms $a_{10} = 646$ and $x_2 = 3$",  # subscripts, not bases
        "$3.5_{10} = 15_5$",  # 5 is no digit of base 5: not read as a base
        "Since $12_3 < 10$, we stop.",  # not an equality
        "In base 10, the answer is 12.",  # no number written in the base
    ],
)
def test_what_is_not_a_base_claim(text: str) -> None:
    assert find_base_claims(text) == []
