"""Normalization (one spelling per meaning, never an exception, linear time) and the
well-formedness checks."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.normalize import normalize_answer
from stepscore.verifiers.math.wellformed import brace_pairs, malformed_reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # delimiters and wrappers
        ("$5$", "5"),
        ("$$5$$", "5"),
        (r"\(5\)", "5"),
        (r"\[5\]", "5"),
        (r"\boxed{\frac{1}{2}}", r"\frac{1}{2}"),
        ("**5**", "5"),
        ("5.", "5"),
        ("  5 ", "5"),
        # spelling of commands
        (r"\dfrac12", r"\frac{1}{2}"),
        (r"\tfrac{3}{4}", r"\frac{3}{4}"),
        (r"\cfrac{3}{4}", r"\frac{3}{4}"),
        (r"\frac 1 2", r"\frac{1}{2}"),
        (r"\frac\pi4", r"\frac{\pi}{4}"),
        (r"\frac{1}2", r"\frac{1}{2}"),
        (r"\frac{\frac12}{3}", r"\frac{\frac{1}{2}}{3}"),
        (r"\sqrt2", r"\sqrt{2}"),
        (r"\sqrt 5", r"\sqrt{5}"),
        (r"\sqrt[3]8", r"\sqrt[3]{8}"),
        (r"\dbinom{5}{2}", r"\binom{5}{2}"),
        (r"x \leq 3", r"x\le3"),
        (r"x \geqslant 3", r"x\ge3"),
        (r"x \neq 3", r"x\ne3"),
        (r"\lbrace 1 \rbrace", r"\{1\}"),
        (r"\varnothing", r"\emptyset"),
        (r"\{\}", r"\emptyset"),
        (r"\left( 1, 2 \right)", "(1, 2)"),
        (r"\left. x \right|", "x|"),
        (r"\Big( x \Big)", "(x)"),
        (r"\displaystyle \frac{1}{2}", r"\frac{1}{2}"),
        (r"1\!000", "1000"),
        (r"1\,000", "1000"),
        ("1 000 000", "1000000"),
        ("10{,}000", "10,000"),
        (r"5,\!000", "5,000"),
        ("~5", "5"),
        (r"\hspace{1em}5", "5"),
        # numbers, exponents, bases
        ("3 1/2", r"3\frac{1}{2}"),
        ("3 4/3", "34/3"),  # not a proper fraction: no mixed number
        ("2^10", "2^{10}"),
        (r"\log_2 8", r"\log_{2}8"),
        ("1011_2", "1011"),
        ("1011_{(2)}", "1011"),
        ("A3_{16}", "A3"),
        ("x_1", "x_{1}"),
        ("a_{12}", "a_{12}"),  # a letter alone is a variable, not a base-12 digit
        # currency, percent, units, degrees
        (r"\$5", "5"),
        (r"-\$0.50", "-0.50"),
        ("€5", "5"),
        (r"20\%", "20%"),
        ("20 percent", "20%"),
        (r"5\text{ cm}", "5"),
        (r"15\mbox{ cm}^2", "15"),
        (r"90\text{ square units}", "90"),
        ("18 dollars", "18"),
        ("5 cm^2", "5"),
        (r"8\sqrt{3} \text { square inches}", r"8\sqrt{3}"),
        (r"9\text{ a.m.}", "9a.m"),  # a time keeps its a.m.
        (r"\text{4:30 p.m.}", "4:30p.m"),
        (r"1+2\mathrm{i}", "1+2i"),  # i is not a unit
        (r"30^\circ", "30"),
        (r"30^{\circ}", "30"),
        ("30°", "30"),
        (r"\cos 30^\circ", r"\cos\frac{30\pi}{180}"),
        # text and connectives
        (r"\text{Monday}", "Monday"),
        (r"\textbf{(C)}", "(C)"),
        (r"\text{B, E, G}", "B, E, G"),
        (r"7, -2, \text{ and } -5", "7, -2, -5"),
        (r"12\text{ and }13", "12, 13"),
        ("x < 1 or x > 2", "x<1, x>2"),
        ("no solution", "no solution"),
        (r"\pi r^2", r"\pi r^{2}"),
        # infinity and reals
        ("infinity", r"\infty"),
        (r"+\infty", r"\infty"),
        ("oo", r"\infty"),
        (r"\infin", r"\infty"),
        (r"\mathbb{R}", r"(-\infty,\infty)"),
        # unicode
        ("−5", "-5"),
        ("½", "1/2"),
        ("π", r"\pi"),
        ("√2", r"\sqrt{2}"),
        ("x ≤ 3", r"x\le3"),
        ("١٢٣", "123"),
        ("1\x002", "12"),
        ("\ufeff5\u200b", "5"),
    ],
)
def test_spellings(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_units_kept_on_request() -> None:
    keep = MathConfig(units="keep")
    assert normalize_answer(r"5\text{ cm}", keep) == "5cm"
    assert normalize_answer("18 dollars", keep) == "18dollars"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (r"\frac{1}{2", "unbalanced braces"),
        ("}{", "unbalanced braces"),
        (r"\frac", "\\frac without its arguments"),
        (r"\frac{1}", "\\frac without its arguments"),
        (r"\sqrt", "\\sqrt without its arguments"),
        ("x^{2}^{3}", "a double exponent"),
        ("x^", "an exponent or subscript without its argument"),
        ("{" * 70 + "}" * 70, "nested deeper than 64"),
        ("(" * 70 + ")" * 70, "nested deeper than 64"),
        (r"\begin{pmatrix}1", "\\begin without \\end"),
    ],
)
def test_malformed(text: str, reason: str) -> None:
    assert malformed_reason(text) == reason


@pytest.mark.parametrize("text", ["[1,2)", r"\{1\}", r"\frac{1}{2}", r"\sqrt[3]{2}", "(1,2]", ""])
def test_well_formed(text: str) -> None:
    assert malformed_reason(text) is None


def test_brace_pairs() -> None:
    assert brace_pairs(r"{a{b}}\{c\}{") == {0: 5, 2: 4}


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_never_raises_and_is_idempotent_on_its_output(text: str) -> None:
    once = normalize_answer(text)
    assert isinstance(once, str)
    malformed_reason(once)
    assert normalize_answer(once) == normalize_answer(normalize_answer(once))


def test_linear_time_on_hostile_input() -> None:
    for text in ("{" * 100_000, r"\frac{" * 20_000, r"\text{" * 20_000, "1 " * 100_000):
        start = time.perf_counter()
        normalize_answer(text)
        assert time.perf_counter() - start < 1.0


def test_type_error_on_non_str() -> None:
    with pytest.raises(TypeError):
        normalize_answer(5)  # type: ignore[arg-type]
