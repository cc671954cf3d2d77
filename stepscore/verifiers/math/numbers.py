"""Plain numbers in a normalized answer, read exactly and compared by policy.

A plain number is what GSM8K golds and most model answers are: ``42``, ``-1,234``,
``0.5``, ``.5``, ``3.0\\times10^{8}``, ``2.5e-3``, ``\\frac{3}{4}``, ``-3/4``,
``3\\frac{1}{2}`` (a mixed number: the whole answer is an integer and a proper fraction
of integers), ``0.\\overline{3}`` (a repeating decimal, exactly 1/3), ``20%``,
``\\infty``. It is read as an exact `Fraction` with flags: ``exact`` is False when a
decimal point was written (the number may have been rounded, so the comparison allows
the config's tolerance), ``places`` counts the decimals written, and ``percent`` says
a ``%`` followed.

Reading is bounded: at most `MAX_DIGITS` digits and a power of ten up to `MAX_EXPONENT`;
anything larger is not a plain number (the evaluator or sympy, under a deadline, may
still handle it).

>>> parse_number("1,234.5")
Number(value=Fraction(2469, 2), exact=False, percent=False, places=1)
>>> parse_number("3\\\\frac{1}{2}").value
Fraction(7, 2)
>>> numbers_equal(parse_number("0.5"), parse_number("\\\\frac{1}{2}"), MathConfig())
True
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from fractions import Fraction

from stepscore.verifiers.math.config import MathConfig

__all__ = ["MAX_DIGITS", "MAX_EXPONENT", "Number", "close", "numbers_equal", "parse_number"]

MAX_DIGITS = 1000
MAX_EXPONENT = 1000

_INT = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_DECIMAL = rf"(?:{_INT}(?:\.\d*)?|\.\d+)"
_SCI = r"(?:(?:\\times|\\cdot|\*|x)10\^(?:\{([-+]?\d+)\}|([-+]?\d))|[eE]([-+]?\d+))"
_PLAIN = re.compile(rf"({_DECIMAL}){_SCI}?")
_FRAC = re.compile(r"\\frac\{([-+]?)(" + _DECIMAL + r")\}\{([-+]?)(" + _DECIMAL + r")\}")
_SLASH = re.compile(rf"({_DECIMAL})/({_DECIMAL})")
_MIXED = re.compile(r"(\d+)\\frac\{(\d+)\}\{(\d+)\}")
_REPEATING = re.compile(r"(\d*)\.(\d*)\\overline\{(\d{1,50})\}")
_INFINITY = "\\infty"


@dataclass(frozen=True, slots=True)
class Number:
    """A plain number: exact value (or +-inf as a float), and how it was written."""

    value: Fraction | float
    exact: bool = True
    percent: bool = False
    places: int = 0  # decimal places written (-1 when a power of ten was applied)


@functools.lru_cache(maxsize=8192)
def parse_number(s: str) -> Number | None:
    """The plain number ``s`` spells (normalized, no spaces), or None if it is not one."""
    if not s or len(s) > MAX_DIGITS + 64:
        return None
    percent = s.endswith("%")
    body = s[:-1] if percent else s
    sign = 1
    while body[:1] in ("-", "+"):
        sign = -sign if body[0] == "-" else sign
        body = body[1:]
    if len(s) - len(body) > 2:
        return None  # "---5" is not a number anyone writes
    parsed = _parse_unsigned(body)
    if parsed is None:
        return None
    value, exact, places = parsed
    return Number(sign * value, exact, percent, places)


def _parse_unsigned(body: str) -> tuple[Fraction | float, bool, int] | None:
    if body == _INFINITY:
        return math.inf, True, 0
    m = _PLAIN.fullmatch(body)
    if m:
        exponent = m[2] or m[3] or m[4]
        plain = _decimal(m[1], exponent)
        if plain is None:
            return None
        places = -1 if exponent else len(m[1]) - m[1].find(".") - 1 if "." in m[1] else 0
        return (*plain, places)
    m = _FRAC.fullmatch(body) or _SLASH.fullmatch(body)
    if m:
        if m.re is _FRAC:
            num, den = _decimal(m[2]), _decimal(m[4])
            flip = (m[1] == "-") != (m[3] == "-")
        else:
            num, den = _decimal(m[1]), _decimal(m[2])
            flip = False
        if num is None or den is None or den[0] == 0:
            return None
        value = num[0] / den[0]
        return (-value if flip else value), num[1] and den[1], -1
    m = _MIXED.fullmatch(body)
    if m and int(m[2]) < int(m[3]):
        return int(m[1]) + Fraction(int(m[2]), int(m[3])), True, 0
    m = _REPEATING.fullmatch(body)
    if m and len(m[1]) + len(m[2]) <= MAX_DIGITS:
        return _repeating(m[1], m[2], m[3]), True, 0
    return None


def _repeating(whole: str, fixed: str, period: str) -> Fraction:
    """``0.1\\overline{6}`` -> 1/6: an exact value, written with a repeating block."""
    head = Fraction(f"{whole or 0}.{fixed or 0}")
    scale = Fraction(1, 10 ** len(fixed))
    return head + scale * Fraction(int(period), 10 ** len(period) - 1)


def _decimal(text: str, exponent: str | None = None) -> tuple[Fraction, bool] | None:
    """``1,234.50`` -> (2469/2, inexact); with a power of ten applied, if small enough."""
    digits = text.replace(",", "")
    if len(digits) > MAX_DIGITS or digits in ("", "."):
        return None
    value = Fraction(digits)
    exact = "." not in digits
    if exponent is not None:
        power = int(exponent)
        if abs(power) > MAX_EXPONENT:
            return None
        value *= Fraction(10) ** power
    return value, exact


def numbers_equal(a: Number, b: Number, config: MathConfig) -> bool:
    """Whether two plain numbers are equal under the config's tolerance and percent policy.

    Two exact numbers (integers, fractions) must be equal exactly, and so must two
    decimals written to the same number of places (``1234567.89`` is not ``1234567.88``,
    however close); otherwise a decimal on either side allows the tolerance. A
    percentage is read per ``config.percent``: "either" accepts ``p%`` as ``p`` or as
    ``p/100``, "value" as ``p/100`` only, "strip" as ``p``.
    """
    exact = (a.exact and b.exact) or (a.places == b.places and a.places > 0)
    if a.percent == b.percent or config.percent == "strip":
        return close(a.value, b.value, config, exact=exact)
    if config.percent == "value":
        return close(_as_value(a), _as_value(b), config, exact=exact)
    return close(a.value, b.value, config, exact=exact) or close(
        _as_value(a), _as_value(b), config, exact=exact
    )


def _as_value(n: Number) -> Fraction | float:
    return n.value / 100 if n.percent else n.value


def close(
    a: Fraction | float | complex, b: Fraction | float | complex, config: MathConfig, *, exact: bool
) -> bool:
    """Equal exactly (``exact``), else within ``max(rel_tol * max(|a|, |b|), abs_tol)``.

    Exact Fractions are compared in exact arithmetic, so the tolerance boundary is exact
    too (``0.333333`` vs ``\\frac{1}{3}`` lies just inside ``rel_tol=1e-6``).
    """
    if exact and isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    if isinstance(a, float | complex) or isinstance(b, float | complex):
        if isinstance(a, float) and isinstance(b, float) and math.isinf(a) and math.isinf(b):
            return a == b
        try:
            a, b = complex(a), complex(b)
        except OverflowError:
            return False
        if not (_finite(a) and _finite(b)):
            return False
        return abs(a - b) <= max(config.rel_tol * max(abs(a), abs(b)), config.abs_tol)
    diff = abs(a - b)
    rel_tol, abs_tol = _exact_tolerances(config.rel_tol, config.abs_tol)
    return diff <= max(rel_tol * max(abs(a), abs(b)), abs_tol)


@functools.lru_cache(maxsize=64)
def _exact_tolerances(rel_tol: float, abs_tol: float) -> tuple[Fraction, Fraction]:
    """The tolerances as the decimals they were written as (1e-6 is exactly 1/10**6)."""
    return Fraction(repr(rel_tol)), Fraction(repr(abs_tol))


def _finite(z: complex) -> bool:
    return math.isfinite(z.real) and math.isfinite(z.imag)
