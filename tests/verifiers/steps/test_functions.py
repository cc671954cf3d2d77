"""Claims written with trig functions, logarithms, floors, absolute values and moduli."""

from __future__ import annotations

from fractions import Fraction

import pytest

from stepscore.verifiers.steps import check_text
from stepscore.verifiers.steps.function_claims import find_function_claims
from stepscore.verifiers.steps.functions import side_value

VERIFIED = [
    "\\(\\sin 30^\\circ = \\frac{1}{2}\\)",
    "\\[ \\tan 45^\\circ = 1 \\]",
    "\\( \\cos \\frac{\\pi}{3} = 0.5 \\)",
    "\\( \\sin 20^\\circ \\approx 0.342 \\)",
    "\\( \\tan 315^\\circ = -\\tan 45^\\circ = -1 \\)",
    "\\( \\log_2 8 = 3 \\)",
    "\\( \\log_{10} 1000 = 3 \\)",
    "\\( \\log_4 2 = \\frac{1}{2} \\)",
    "\\( \\lfloor \\frac{100}{7} \\rfloor = 14 \\)",
    "\\( \\left\\lceil \\frac{100}{11} \\right\\rceil = 10 \\)",
    "\\( \\lfloor \\log_2 8 \\rfloor = 3 \\)",
    "\\( |-3| + |4 - 9| = 8 \\)",
    "\\( \\left| \\frac{\\sqrt{7}}{2} + \\frac{\\sqrt{7}}{2} \\right| = \\sqrt{7} \\)",
    "\\( 56 \\equiv 5 \\pmod{17} \\)",
    "\\( 2^{10} = 1024 = 1 \\pmod{11} \\)",
    "\\( 2310 \\bmod 42 = 0 \\)",
    "\\( 327 \\equiv 4 \\; (\\text{mod } 17) \\)",
    "\\( \\frac{1}{3} \\equiv 5 \\pmod 7 \\)",
]

REFUTED = [
    "\\(\\tan 30^\\circ = \\sqrt{3}\\)",
    "\\(\\cos 208^\\circ = \\cos (180^\\circ - 208^\\circ)\\)",
    "\\[ \\cos 10^\\circ \\cos 50^\\circ \\cos 70^\\circ = \\frac{1}{8} \\]",
    "\\( \\sin 52.5^\\circ = \\sqrt{\\frac{1 - \\cos 90^\\circ}{2}} \\)",
    "\\( \\log_5 49 = 2.64 \\)",
    "\\(\\lceil -8.8 \\rceil = -9\\)",
    "\\[ \\lceil 9.0909 \\rceil = 9 \\]",
    "\\( |2 - 7| = -5 \\)",
    "\\(195 \\mod 19 = 1\\)",
    "\\(n \\equiv 56 \\equiv \\boxed{6} \\pmod{17}\\)",
    "\\(13^{-1} \\equiv 15 \\pmod{19}\\)",
]

UNVERIFIABLE = [
    "\\( \\sin 30 = 0.5 \\)",  # degrees or radians?
    "\\( \\log 100 = 2 \\)",  # base 10 or e?
    "\\( \\log_10 100 = 3 \\)",  # LaTeX reads the base as 1
    "\\( \\cos 2\\pi/3 = -\\frac{1}{2} \\)",  # cos(2 pi)/3 or cos(2 pi/3)?
    "\\( \\log_2 8^3 = 3 \\)",  # log of 8^3, or (log 8)^3?
    "\\( \\sin^{-1} 1 = 90^\\circ \\)",
    "\\( \\sin 2x = 2 \\sin x \\cos x \\)",
    "\\( 20 \\text{ cm} + |-3| = 3 \\)",  # the sum starts before the word
    "\\( 7 \\not\\equiv 3 \\pmod 5 \\)",
    "\\( \\log_2 10 = 3 \\)",  # an integer for 3.32: maybe rounded
]


@pytest.mark.parametrize("text", VERIFIED)
def test_verified(text: str) -> None:
    verdict = check_text(text)
    assert verdict.status == "verified", verdict


@pytest.mark.parametrize("text", REFUTED)
def test_refuted(text: str) -> None:
    verdict = check_text(text)
    assert verdict.status == "refuted", verdict


@pytest.mark.parametrize("text", UNVERIFIABLE)
def test_unread_or_ambiguous_is_never_refuted(text: str) -> None:
    assert check_text(text).status == "unverifiable", check_text(text)


def test_exact_values_stay_exact() -> None:
    assert side_value("\\sin 30^\\circ").value == Fraction(1, 2)
    assert side_value("\\log_4 8").value == Fraction(3, 2)
    assert side_value("\\lceil -8.8 \\rceil").value == -8
    assert side_value("\\sin 20^\\circ").approximate


def test_a_floor_of_a_float_next_to_an_integer_is_not_read() -> None:
    assert side_value("\\lfloor \\sin^2 45^\\circ \\cdot 2 \\rfloor") is None


def test_a_modulus_reads_literally_or_as_a_congruence() -> None:
    # "49 = 5 mod 11" is a congruence; "2310 mod 42 = 0" is a residue: both stand.
    claims = find_function_claims("\\( 7^2 = 49 = 5 \\mod 11 \\)")
    assert [c.status for c in claims] == ["verified", "verified"]


def test_plain_arithmetic_is_left_to_the_token_finder() -> None:
    assert find_function_claims("\\( 3 + 4 = 7 \\)") == []
