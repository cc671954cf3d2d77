"""Plain numbers: exact reading, bounds, tolerance and percent policies."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.numbers import MAX_DIGITS, Number, close, numbers_equal, parse_number


@pytest.mark.parametrize(
    ("text", "value", "exact", "percent"),
    [
        ("42", Fraction(42), True, False),
        ("-42", Fraction(-42), True, False),
        ("+42", Fraction(42), True, False),
        ("1,234,567", Fraction(1234567), True, False),
        ("0.5", Fraction(1, 2), False, False),
        (".5", Fraction(1, 2), False, False),
        ("5.", Fraction(5), False, False),
        ("1,234.50", Fraction(246900, 200), False, False),
        ("1.5e3", Fraction(1500), False, False),
        ("2.5E-3", Fraction(1, 400), False, False),
        (r"3\times10^{8}", Fraction(300_000_000), True, False),
        (r"3.0\cdot10^8", Fraction(300_000_000), False, False),
        (r"\frac{3}{4}", Fraction(3, 4), True, False),
        (r"\frac{-3}{4}", Fraction(-3, 4), True, False),
        (r"-\frac{3}{-4}", Fraction(3, 4), True, False),
        (r"\frac{1.5}{3}", Fraction(1, 2), False, False),
        ("3/4", Fraction(3, 4), True, False),
        (r"3\frac{1}{2}", Fraction(7, 2), True, False),
        (r"-3\frac{1}{2}", Fraction(-7, 2), True, False),
        (r"0.\overline{3}", Fraction(1, 3), True, False),
        (r"1.2\overline{45}", Fraction(137, 110), True, False),
        ("20%", Fraction(20), True, True),
        ("-12.5%", Fraction(-25, 2), False, True),
    ],
)
def test_parse(text: str, value: Fraction, exact: bool, percent: bool) -> None:
    number = parse_number(text)
    assert number is not None
    assert (number.value, number.exact, number.percent) == (value, exact, percent)


def test_infinity() -> None:
    assert parse_number(r"\infty") == Number(math.inf)
    assert parse_number(r"-\infty") == Number(-math.inf)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x",
        "1/0",
        r"\frac{1}{0}",
        "1,23",
        "1.2.3",
        "---5",
        r"3\frac{3}{2}",
        "1e99999",
        "5x",
        "(5)",
    ],
)
def test_not_plain_numbers(text: str) -> None:
    assert parse_number(text) is None


def test_bounds() -> None:
    assert parse_number("9" * MAX_DIGITS) is not None
    assert parse_number("9" * (MAX_DIGITS + 1)) is None
    assert parse_number(r"1\times10^{1000}") is not None
    assert parse_number(r"1\times10^{1001}") is None


DEFAULT = MathConfig()


def _eq(a: str, b: str, config: MathConfig = DEFAULT) -> bool:
    x, y = parse_number(a), parse_number(b)
    assert x is not None and y is not None
    return numbers_equal(x, y, config)


def test_exactness() -> None:
    assert not _eq("10001", "10000", MathConfig(rel_tol=0.1))  # integers: always exact
    assert _eq("0.333333", "1/3")  # just inside rel_tol=1e-6, computed exactly
    assert not _eq("0.33333", "1/3")
    assert not _eq("1234567.89", "1234567.88")  # same places: exact
    assert _eq("1234567.89", "1234567.890")
    assert _eq("0.5", r"\frac{1}{2}")
    assert not _eq("0", "0.000001")
    assert _eq("0", "0.0000000001")  # abs_tol=1e-9


@pytest.mark.parametrize(
    ("policy", "pairs_equal"),
    [
        ("either", [("20%", "20", True), ("20%", "0.2", True), ("20%", "20%", True)]),
        ("value", [("20%", "20", False), ("20%", "0.2", True), ("20%", "20%", True)]),
        ("strip", [("20%", "20", True), ("20%", "0.2", False), ("20%", "20%", True)]),
    ],
)
def test_percent_policy(policy: str, pairs_equal: list[tuple[str, str, bool]]) -> None:
    config = MathConfig(percent=policy)  # type: ignore[arg-type]
    for a, b, expected in pairs_equal:
        assert _eq(a, b, config) is expected
        assert _eq(b, a, config) is expected


def test_close_handles_infinities_and_overflow() -> None:
    config = MathConfig()
    assert close(math.inf, math.inf, config, exact=False)
    assert not close(math.inf, -math.inf, config, exact=False)
    assert not close(Fraction(10) ** 400, 1.0, config, exact=False)
    assert close(1 + 1e-12j, 1.0, config, exact=False)
