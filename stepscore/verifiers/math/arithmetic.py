"""A small, bounded evaluator for the arithmetic most answers are made of.

``2\\sqrt{3}`` and ``\\sqrt{12}``, ``\\frac{\\pi}{2}`` and ``0.5\\pi``, ``4a-2`` and
``-2+4a``: most non-numeric answers are sums and products of numbers, radicals, ``\\pi``,
``e``, ``i`` and a few variables. Evaluating both sides decides them in microseconds,
where sympy takes milliseconds to seconds; the symbolic path is left for functions
(``\\sin``, ``\\log``...) and anything else this grammar does not cover.

- Values are exact `Fraction`s while they can be (integers, fractions, perfect-power
  roots), so ``2^{100}`` and its 31 digits compare exactly; otherwise principal-branch
  complex floats (``\\sqrt{-4}`` is ``2i``, ``(-8)^{1/3}`` is ``1+\\sqrt{3}i``, as in
  sympy). ``e`` is Euler's number and ``i`` the imaginary unit, as MATH answers use them.
- Variables (single letters, Greek letters, with subscripts) are given the same random
  rational values on both sides, at several points: two expressions that agree at all
  of them are the same function (Schwartz-Zippel), and one point of disagreement proves
  them different. Exact points keep polynomials exact.
- The grammar and its precedence are `stepscore.verifiers.math.expression`'s.
- Everything is bounded: exact values have at most `MAX_BITS` bits, factorials and
  binomials are checked before they are computed; ``10^{10^{10}}`` is reported as too
  large, never computed.

>>> same_value("2\\\\sqrt{3}", "\\\\sqrt{12}", MathConfig())
(True, 'numeric: equal in value')
>>> same_value("4a-2", "2(2a-1)", MathConfig())[0], same_value("x^2", "x", MathConfig())[0]
(True, False)
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable, Mapping
from fractions import Fraction

from stepscore.errors import StepscoreError
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.expression import Expression, Node, compile_expression
from stepscore.verifiers.math.numbers import close

__all__ = [
    "MAX_BITS",
    "TooLarge",
    "Undefined",
    "evaluate",
    "points_for",
    "proportional",
    "same_value",
    "values_close",
]

MAX_BITS = 20_000
_TIGHT_TOL = 1e-9  # float noise allowance when neither side was written as a decimal
_POINTS = 3
_TOO_LARGE = "too large to evaluate"

Value = Fraction | complex


class Undefined(StepscoreError, ArithmeticError):
    """Division by zero or another value with no meaning at this point."""


class TooLarge(StepscoreError, ArithmeticError):
    """A value beyond the evaluator's bounds (``10^{10^{10}}``)."""


def evaluate(expr: Expression, env: Mapping[str, Fraction]) -> Value:
    """The value of ``expr`` with ``env`` for its variables; raises Undefined or TooLarge."""
    return _eval(expr.tree, env)


def points_for(names: frozenset[str], count: int = _POINTS) -> list[dict[str, Fraction]]:
    """``count`` assignments of random rationals (of both signs) to ``names``; seeded."""
    rng = random.Random(",".join(sorted(names)))
    points = []
    for k in range(count):
        point = {}
        for j, name in enumerate(sorted(names)):
            sign = -1 if (k + j) % 2 == 0 else 1  # every variable takes both signs
            point[name] = Fraction(sign * rng.randint(2, 97), rng.randint(2, 29))
        points.append(point)
    return points


def same_value(pred: str, gold: str, config: MathConfig) -> tuple[bool | None, str]:
    """Whether two leaves have the same value (at every random point), by evaluation.

    Returns (None, why) when either is outside the grammar or its value is unbounded or
    undefined at too many points, so the caller asks sympy.
    """
    p, g = compile_expression(pred), compile_expression(gold)
    if p is None or g is None:
        return None, "outside the arithmetic grammar"
    return compare_compiled(
        lambda env: evaluate(p, env), lambda env: evaluate(g, env), p, g, config
    )


def compare_compiled(
    f: Callable[[Mapping[str, Fraction]], Value],
    g: Callable[[Mapping[str, Fraction]], Value],
    p_expr: Expression,
    g_expr: Expression,
    config: MathConfig,
) -> tuple[bool | None, str]:
    """Compare two value functions at shared random points (see `same_value`)."""
    names = p_expr.variables | g_expr.variables
    inexact = p_expr.inexact or g_expr.inexact
    values = _values_at(f, g, names)
    if values == _TOO_LARGE:
        return False, "numeric: too large to compare"  # equal strings were caught earlier
    if isinstance(values, str):
        return None, values
    for a, b in values:
        if not _close(a, b, inexact, config):
            where = " at a random point" if names else ""
            return False, f"numeric: different in value{where}"
    if names:
        return True, f"numeric: equal at {len(values)} random points"
    return True, "numeric: equal in value"


def proportional(
    pred: tuple[str, str], gold: tuple[str, str], kind: str, config: MathConfig
) -> tuple[bool | None, str]:
    """Whether ``lhs - rhs`` of two relations agree up to a constant factor.

    ``kind`` "=" allows any nonzero factor (``y = 2x + 1`` and ``2y - 4x = 2``); "<" and
    "\\le" (both sides already read as ``lhs < rhs``) only a positive one. None when a
    side is outside the grammar or has no variables to test at.
    """
    exprs = [e for e in map(compile_expression, (*pred, *gold)) if e is not None]
    if len(exprs) != 4:
        return None, "outside the arithmetic grammar"
    pl, pr, gl, gr = exprs
    names = pl.variables | pr.variables | gl.variables | gr.variables
    if not names:
        return None, "no variables"
    inexact = any(e.inexact for e in exprs)
    ratios: list[Value] = []
    for env in points_for(names, _POINTS + 2):
        try:
            a = _add(evaluate(pl, env), -evaluate(pr, env))
            b = _add(evaluate(gl, env), -evaluate(gr, env))
        except TooLarge:
            return None, "too large to evaluate"
        except (Undefined, ZeroDivisionError, OverflowError, ValueError):
            continue
        except RecursionError:
            return None, "too deep to evaluate"
        if a == 0 and b == 0:
            continue
        if a == 0 or b == 0:
            return False, "numeric: not equivalent relations"
        ratios.append(_div(a, b))
    if len(ratios) < 2:
        return None, "undefined at the test points"
    first = ratios[0]
    if kind != "=" and not _positive(first):
        return False, "numeric: the inequalities point opposite ways"
    if all(_close(r, first, inexact, config) for r in ratios[1:]):
        return True, f"numeric: equivalent relations at {len(ratios)} random points"
    return False, "numeric: not equivalent relations"


def _positive(v: Value) -> bool:
    if isinstance(v, Fraction):
        return v > 0
    return abs(v.imag) <= 1e-12 * max(1.0, abs(v.real)) and v.real > 0


def _values_at(
    f: Callable[[Mapping[str, Fraction]], Value],
    g: Callable[[Mapping[str, Fraction]], Value],
    names: frozenset[str],
) -> list[tuple[Value, Value]] | str:
    """The pairs of values at each usable point, or why there are too few."""
    pairs = []
    for env in points_for(names, _POINTS + 2 if names else 1):
        try:
            pairs.append((f(env), g(env)))
        except TooLarge:
            return _TOO_LARGE
        except (Undefined, ZeroDivisionError, OverflowError, ValueError):
            continue
        except RecursionError:
            return "too deep to evaluate"
        if len(pairs) == (_POINTS if names else 1):
            return pairs
    return "undefined at the test points"


def values_close(a: Value, b: Value, config: MathConfig, *, exact: bool) -> bool:
    """Equal values: exactly for two exact Fractions, within ``1e-9`` for computed floats,
    within the config's tolerance when a decimal was written (``exact`` False)."""
    return _close(a, b, not exact, config)


def _close(a: Value, b: Value, inexact: bool, config: MathConfig) -> bool:
    if inexact:
        return close(a, b, config, exact=False)
    tight = _tight(config.abs_tol) if _is_float(a, b) else config
    return close(a, b, tight, exact=True)


@functools.lru_cache(maxsize=16)
def _tight(abs_tol: float) -> MathConfig:
    return MathConfig(rel_tol=_TIGHT_TOL, abs_tol=abs_tol)


def _is_float(a: Value, b: Value) -> bool:
    return not (isinstance(a, Fraction) and isinstance(b, Fraction))


# --- evaluation -------------------------------------------------------------------------


def _eval(node: Node, env: Mapping[str, Fraction]) -> Value:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "const":
        return _CONSTANTS[node[1]]
    if kind == "neg":
        return -_eval(node[1], env)
    args = [_eval(child, env) for child in node[1:]]
    return _OPS[kind](*args)


def _checked(v: Value) -> Value:
    if isinstance(v, Fraction):
        if v.numerator.bit_length() > MAX_BITS or v.denominator.bit_length() > MAX_BITS:
            raise TooLarge("too many digits")
        return v
    if not (math.isfinite(v.real) and math.isfinite(v.imag)):
        raise TooLarge("overflow")
    return v


def _as_complex(v: Value) -> complex:
    try:
        return complex(v)
    except OverflowError as exc:
        raise TooLarge("overflow") from exc


def _add(a: Value, b: Value) -> Value:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _checked(a + b)
    return _checked(_as_complex(a) + _as_complex(b))


def _mul(a: Value, b: Value) -> Value:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _checked(a * b)
    return _checked(_as_complex(a) * _as_complex(b))


def _div(a: Value, b: Value) -> Value:
    if b == 0:
        raise Undefined("division by zero")
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return _checked(a / b)
    return _checked(_as_complex(a) / _as_complex(b))


def _pow(a: Value, b: Value) -> Value:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        exact = _exact_pow(a, b)
        if exact is not None:
            return exact
    if a == 0:
        if isinstance(b, Fraction) and b > 0:
            return Fraction(0)
        raise Undefined("0 to a non-positive power")
    try:
        base, power = _as_complex(a), _as_complex(b)
        if base.imag == 0 and base.real > 0 and power.imag == 0:
            return _checked(complex(base.real**power.real))
        return _checked(base**power)
    except (OverflowError, ZeroDivisionError) as exc:
        raise TooLarge("overflow") from exc


def _exact_pow(a: Fraction, b: Fraction) -> Fraction | None:
    if b.denominator == 1:
        n = b.numerator
        if a == 0 and n < 0:
            raise Undefined("0 to a negative power")
        if a in (0, 1) or (a == -1):
            return a**n
        size = max(a.numerator.bit_length(), a.denominator.bit_length())
        if size * abs(n) > MAX_BITS:
            return None  # maybe a float still holds it; else TooLarge
        return a**n
    if a >= 0 and b.denominator <= 64:
        root = _exact_root(a, b.denominator)
        if root is not None:
            return _exact_pow(root, Fraction(b.numerator))
    return None


def _exact_root(a: Fraction, n: int) -> Fraction | None:
    """The n-th root of ``a >= 0`` when it is rational, else None."""
    num, den = _int_root(a.numerator, n), _int_root(a.denominator, n)
    return None if num is None or den is None else Fraction(num, den)


def _int_root(x: int, n: int) -> int | None:
    if x.bit_length() > 2000:
        return None
    if n == 2:
        r = math.isqrt(x)
    else:
        r = round(x ** (1.0 / n)) if x.bit_length() < 1000 else None
        if r is None:
            return None
    for c in (r - 1, r, r + 1):
        if c >= 0 and c**n == x:
            return c
    return None


def _root(a: Value, index: Value) -> Value:
    if not (isinstance(index, Fraction) and index.denominator == 1 and 1 < index <= 64):
        raise Undefined("root index")
    n = int(index)
    if isinstance(a, Fraction):
        if a >= 0:
            exact = _exact_root(a, n)
            if exact is not None:
                return exact
        elif n == 2:
            exact = _exact_root(-a, 2)
            if exact is not None:
                return complex(0, exact)
    return _pow(_as_complex(a) if not isinstance(a, Fraction) else a, Fraction(1, n))


def _factorial(a: Value) -> Value:
    if isinstance(a, Fraction) and a.denominator == 1 and a >= 0:
        if a > 3000:
            raise TooLarge("factorial")
        return _checked(Fraction(math.factorial(int(a))))
    raise Undefined("factorial of a non-integer")


def _binom(n: Value, k: Value) -> Value:
    if all(isinstance(v, Fraction) and v.denominator == 1 and v >= 0 for v in (n, k)):
        top, low = int(n), int(k)
        if min(low, top - low) * max(1, top.bit_length()) > MAX_BITS:
            raise TooLarge("binomial")
        return Fraction(math.comb(top, low))
    raise Undefined("binomial of non-integers")


_CONSTANTS: dict[str, Value] = {"pi": complex(math.pi), "e": complex(math.e), "i": 1j}
_OPS: dict[str, Callable[..., Value]] = {
    "add": _add,
    "mul": _mul,
    "div": _div,
    "pow": _pow,
    "root": _root,
    "fact": _factorial,
    "binom": _binom,
}
