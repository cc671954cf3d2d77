"""The expression grammar and the bounded evaluator: precedence, exactness, random
points, bounds."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

from stepscore.verifiers.math.arithmetic import (
    TooLarge,
    evaluate,
    points_for,
    proportional,
    same_value,
)
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.expression import MAX_TOKENS, compile_expression

CONFIG = MathConfig()


def value(text: str, **env: Fraction) -> Fraction | complex:
    expr = compile_expression(text)
    assert expr is not None, text
    return evaluate(expr, env)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1+2*3", Fraction(7)),
        ("-2^2", Fraction(-4)),  # unary minus binds looser than ^
        ("2^10", Fraction(1024)),  # a multi-digit exponent is one number
        ("2^{-1}", Fraction(1, 2)),
        ("1/2x", Fraction(1, 6)),  # with x = 3: implicit product binds tighter than /
        (r"\frac{1}{2}x", Fraction(3, 2)),
        ("2(3+4)", Fraction(14)),
        (r"2\cdot-3", Fraction(-6)),
        (r"6\div4", Fraction(3, 2)),
        (r"\sqrt{16}", Fraction(4)),
        (r"\sqrt{\frac{9}{4}}", Fraction(3, 2)),
        (r"\sqrt[3]{27}", Fraction(3)),
        ("8^{1/3}", Fraction(2)),
        ("5!", Fraction(120)),
        (r"\binom{6}{3}", Fraction(20)),
        ("x_{1}+x_1", Fraction(14)),  # with x_1 = 7
        (r"\alpha\beta", Fraction(6)),  # with alpha = 2, beta = 3
        ("0.5+0.25", Fraction(3, 4)),
        ("2^{100}", Fraction(2**100)),
    ],
)
def test_exact_values(text: str, expected: Fraction) -> None:
    env = {"x": Fraction(3), "x_1": Fraction(7), "alpha": Fraction(2), "beta": Fraction(3)}
    expr = compile_expression(text)
    assert expr is not None
    got = evaluate(expr, {k: v for k, v in env.items() if k in expr.variables})
    assert isinstance(got, Fraction) and got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"\pi", 3.141592653589793),
        ("e", 2.718281828459045),
        ("i^2", -1),
        (r"\sqrt{-4}", 2j),
        (r"\sqrt{2}^2", 2),
        ("(-8)^{1/3}", 1 + 1.7320508075688772j),  # the principal root, as in sympy
        (r"e^{i\pi}", -1),
    ],
)
def test_float_values(text: str, expected: complex) -> None:
    assert abs(complex(value(text)) - expected) < 1e-12


@pytest.mark.parametrize(
    "text",
    [r"\sin x", r"\log 8", "x=3", "(1,2)", "|x|", "2^3^2", "f'(x)", r"\frac{1}", "3%", "", "1,000"],
)
def test_outside_the_grammar(text: str) -> None:
    assert compile_expression(text) is None


def test_bounds() -> None:
    assert compile_expression("+".join(["1"] * (MAX_TOKENS // 2 + 1))) is None
    assert compile_expression("(" * 60 + "1" + ")" * 60) is None
    for text in (r"10^{10^{10}}", "2^{99999999}", "4000!", r"\binom{100000}{50000}"):
        start = time.perf_counter()
        with pytest.raises(TooLarge):
            value(text)
        assert time.perf_counter() - start < 0.05


def test_same_value() -> None:
    assert same_value(r"2\sqrt{3}", r"\sqrt{12}", CONFIG) == (True, "numeric: equal in value")
    assert same_value("(x+1)^2", "x^2+2x+1", CONFIG)[0] is True
    assert same_value("(x+1)^2", "x^2+1", CONFIG)[0] is False
    assert same_value(r"\sqrt{x^2}", "x", CONFIG)[0] is False  # x takes both signs
    assert same_value(r"10^{10^{10}}", "1", CONFIG)[0] is False
    assert same_value(r"\sin x", "x", CONFIG)[0] is None
    assert same_value(r"\frac{1}{x-x}", "1", CONFIG)[0] is None  # undefined everywhere
    assert same_value("1.4142", r"\sqrt{2}", CONFIG)[0] is False
    assert same_value("1.414214", r"\sqrt{2}", CONFIG)[0] is True


def test_points_are_seeded_and_take_both_signs() -> None:
    names = frozenset({"x", "y"})
    assert points_for(names) == points_for(names)
    for name in names:
        signs = {p[name] > 0 for p in points_for(names)}
        assert signs == {True, False}


def test_proportional() -> None:
    assert proportional(("y", "2x+1"), ("2y", "4x+2"), "=", CONFIG)[0] is True
    assert proportional(("y", "2x+1"), ("y", "3x"), "=", CONFIG)[0] is False
    assert proportional(("0", "x-3"), ("3", "x"), "<", CONFIG)[0] is True  # 0 < x-3, 3 < x
    assert proportional(("x", "3"), ("3", "x"), "<", CONFIG)[0] is False
    assert proportional(("1", "2"), ("2", "3"), "=", CONFIG)[0] is None  # no variables
