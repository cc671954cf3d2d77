"""The symbolic path: sympy, via latex2sympy2_extended, for what evaluation cannot decide.

Only leaves (scalar expressions) and two-sided relations get here: shapes are compared
by `stepscore.verifiers.math.structures` first. Each side is parsed with
latex2sympy2_extended (the parser Math-Verify uses), keeping the case of symbols and
reading ``i`` as the imaginary unit and ``e`` as Euler's number, as the evaluator does.
Then:

1. the same sympy tree is equal;
2. otherwise both sides are evaluated numerically (``evalf``) at shared random points
   for their free symbols, with the config's tolerance when a side holds a decimal and
   ``1e-9`` otherwise: functions, logarithms and factorials are decided here;
3. where numbers cannot be had (undefined functions, nan), ``simplify(a - b) == 0``.

A reference that latex2sympy cannot parse raises `UnparsableReference`, which the caller
reports as a bad reference. This can be slow (``simplify``): it runs under the caller's
deadline, in a worker process. sympy and latex2sympy2_extended are imported on first use.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from stepscore.errors import StepscoreError
from stepscore.verifiers.math.arithmetic import points_for
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.numbers import close

__all__ = ["UnparsableReference", "sympy_leaf", "sympy_relation"]

log = logging.getLogger(__name__)

_TIGHT_TOL = 1e-9
_POINTS = 3


class UnparsableReference(StepscoreError, ValueError):
    """The reference's leaf does not parse; `stepscore.verifiers.math.equivalence` catches
    it and reports ``bad_reference`` (it never reaches a caller of the comparison)."""


def sympy_leaf(pred: str, gold: str, config: MathConfig) -> tuple[bool, str]:
    """Whether two scalar leaves are equal, by sympy; raises UnparsableReference."""
    g = _parse_gold(gold)
    p = _parse(pred)
    if p is None:
        return False, "symbolic: the answer does not parse"
    if p == g:
        return True, "symbolic: same expression"
    from sympy import Expr

    if not (isinstance(p, Expr) and isinstance(g, Expr)):
        return False, "symbolic: different objects"
    decided = _numeric_equal(p, g, config)
    if decided == "too large":
        return False, "symbolic: too large to compare"
    if decided is not None:
        return decided, "symbolic: " + ("equal in value" if decided else "different in value")
    return _simplifies_to_zero(p - g), "symbolic: by simplification"


def sympy_relation(
    pred: tuple[str, str], gold: tuple[str, str], kind: str, config: MathConfig
) -> tuple[bool, str]:
    """Whether ``lhs - rhs`` agree up to a nonzero (kind "=") or positive factor."""
    gl, gr = _parse_gold(gold[0]), _parse_gold(gold[1])
    pl, pr = _parse(pred[0]), _parse(pred[1])
    from sympy import Expr

    if pl is None or pr is None:
        return False, "symbolic: the answer does not parse"
    if not all(isinstance(x, Expr) for x in (pl, pr, gl, gr)):
        return False, "symbolic: not expressions"
    from sympy import nan, zoo

    fp, fg = pl - pr, gl - gr
    ratios = _numeric_ratios(fp, fg)
    if ratios is not None:
        first = ratios[0]
        positive = abs(first.imag) <= 1e-12 * abs(first) and first.real > 0
        tight = MathConfig(rel_tol=_TIGHT_TOL, abs_tol=config.abs_tol)
        same = all(close(r, first, tight, exact=False) for r in ratios[1:])
        if same and (kind == "=" or positive):
            return True, "symbolic: equivalent relations"
        return False, "symbolic: not equivalent relations"
    ratio = _simplify(fp / fg)
    if ratio.free_symbols or ratio.is_zero or ratio.has(nan, zoo):
        return False, "symbolic: not equivalent relations"
    if kind != "=" and ratio.is_positive is not True:
        return False, "symbolic: the inequalities point opposite ways"
    return True, "symbolic: equivalent relations"


def _numeric_ratios(fp: Any, fg: Any) -> list[complex] | None:
    """``fp / fg`` at random points where both are nonzero; None if it cannot be had."""
    from sympy import Rational

    symbols = sorted(fp.free_symbols | fg.free_symbols, key=str)
    if not symbols:
        return None
    by_name = {str(s): s for s in symbols}
    ratios = []
    for point in points_for(frozenset(by_name), _POINTS + 2):
        subs = {by_name[k]: Rational(v.numerator, v.denominator) for k, v in point.items()}
        a, b = _value(fp, subs), _value(fg, subs)
        if a is None or b is None or not (_finite(a) and _finite(b)):
            return None
        if abs(a) < 1e-12 and abs(b) < 1e-12:
            continue
        if abs(b) < 1e-12 or abs(a) < 1e-12:
            return [complex(1), complex(-1)]  # zero on one side only: not proportional
        ratios.append(a / b)
    return ratios if len(ratios) >= 2 else None


# --- parsing ----------------------------------------------------------------------------


def _parse_gold(text: str) -> Any:
    expr = _parse(text)
    if expr is None:
        raise UnparsableReference(text)
    return expr


def _parse(text: str) -> Any:
    """The sympy object for a normalized leaf, or None if it does not parse."""
    try:
        return _parse_cached(text)
    except Exception:
        log.debug("latex2sympy could not parse %r", text[:200], exc_info=True)
        return None


@functools.lru_cache(maxsize=2048)
def _parse_cached(text: str) -> Any:
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    from sympy import I, Symbol

    config = ConversionConfig(lowercase_symbols=False, interpret_as_mixed_fractions=False)
    latex = text.replace("%", "\\%").replace("\\\\%", "\\%")
    expr = latex2sympy(latex, normalization_config=None, conversion_config=config)
    if hasattr(expr, "subs") and Symbol("i") in getattr(expr, "free_symbols", ()):
        expr = expr.subs(Symbol("i"), I)
    return expr


# --- deciding ---------------------------------------------------------------------------


def _numeric_equal(a: Any, b: Any, config: MathConfig) -> bool | str | None:
    """Equal at shared random points; None when a value cannot be had, "too large" when
    one overflows (simplifying ``10^{10^{10}} - 1`` would compute it, so it is not tried).
    """
    from sympy import Float, Rational

    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    by_name = {str(s): s for s in symbols}
    inexact = a.has(Float) or b.has(Float)
    tol = config if inexact else MathConfig(rel_tol=_TIGHT_TOL, abs_tol=config.abs_tol)
    points = points_for(frozenset(by_name), _POINTS if symbols else 1)
    for point in points:
        subs = {by_name[k]: Rational(v.numerator, v.denominator) for k, v in point.items()}
        va, vb = _value(a, subs), _value(b, subs)
        if va is None or vb is None:
            return None
        if not (_finite(va) and _finite(vb)):
            return "too large"
        if not close(va, vb, tol, exact=False):
            return False
    return True


def _value(expr: Any, subs: dict[Any, Any]) -> complex | None:
    try:
        v = expr.evalf(30, subs=subs) if subs else expr.evalf(30)
        if not v.is_number:
            return None
        z = complex(v)
    except Exception:
        return None
    if z != z:
        return None
    return z


def _finite(z: complex) -> bool:
    return abs(z) != float("inf")


def _simplify(expr: Any) -> Any:
    from sympy import simplify

    try:
        return simplify(expr)
    except Exception:
        return expr


def _simplifies_to_zero(expr: Any) -> bool:
    simplified = _simplify(expr)
    return bool(getattr(simplified, "is_zero", False))
