"""Greatest common divisors, least common multiples and coprimality: read in function and
prose forms, decided, and left alone where supposed or continued."""

from __future__ import annotations

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.gcd_claims import find_gcd_claims


@pytest.mark.parametrize(
    ("text", "left", "status"),
    [
        (r"So $\gcd(116, 174) = 2$.", "gcd(116, 174)", "refuted"),
        (r"Then \gcd(187, 77) = 11.", "gcd(187, 77)", "verified"),
        ("gcd(12, 18) = 6", "gcd(12, 18)", "verified"),
        (r"\operatorname{lcm}(4, 6) = 24", "lcm(4, 6)", "refuted"),
        (r"\text{lcm}[4, 6] = 12", "lcm(4, 6)", "verified"),
        (r"\gcd(12, 18, 30) = 6", "gcd(12, 18, 30)", "verified"),
        ("The GCD of 12 and 18 is 3.", "gcd(12, 18)", "refuted"),
        ("the greatest common divisor of $12$ and $18$ is $6$.", "gcd(12, 18)", "verified"),
        ("The least common multiple of 4 and 6 is 12.", "lcm(4, 6)", "verified"),
        ("The HCF of 8 and 12 is 4.", "gcd(8, 12)", "verified"),
        ("Since 6 and 9 are relatively prime, ...", "6 and 9 are coprime", "refuted"),
        ("8 and 15 are coprime", "8 and 15 are coprime", "verified"),
        ("6 and 9 are not relatively prime.", "6 and 9 are not coprime", "verified"),
        (
            "411 and 333 do not share any other common factors",
            "411 and 333 are coprime",
            "refuted",
        ),
    ],
)
def test_claims_decided(text: str, left: str, status: str) -> None:
    (claim,) = find_gcd_claims(text)
    assert (claim.left, claim.status) == (left, status)
    assert check_text(text).status == status


@pytest.mark.parametrize(
    "text",
    [
        "If gcd(12, 18) = 3, then the fraction is not reduced.",  # supposed
        "We need 6 and 9 to be relatively prime.",
        "Whether 6 and 9 are relatively prime decides it.",
        r"\gcd(12, 18) = 6 \cdot k for some k",  # the value goes on
        "gcd(12,345, 5) = 5",  # 12,345 is one number
        "gcd(a, b) = 6",
        "x + 6 and 9 are relatively prime",  # 6 ends an expression
        r"so $2 \cdot \gcd(4, 6) = 4$",  # the gcd is a factor
        "So the product of the GCD and LCM of $8$ and $6$ is $48$.",  # a part of the product
        "",
    ],
)
def test_not_read(text: str) -> None:
    assert find_gcd_claims(text) == []
