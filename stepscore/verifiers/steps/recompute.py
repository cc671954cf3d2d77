"""Recomputing one link ``left = right`` and deciding whether the step's value stands.

Both sides are rendered to the arithmetic grammar of `stepscore.verifiers.math.
expression` and evaluated exactly (`Fraction`s) by the bounded evaluator of
`stepscore.verifiers.math.arithmetic`: no sympy, no process, microseconds a link.

How a written value may differ from the exact one, and still stand:

- written to ``p`` decimal places, it may be rounded or truncated there
  (``10/3 = 3.33``, ``= 3.334``): within one unit of its last place;
- where the step signals rounding (``≈``, "about", "approximately", "rounded") it may
  be off by up to ``config.signalled_rel_tol`` of the value, or one unit for integers;
- a percentage reads either as ``p`` or as ``p/100`` (``0.25 × 100 = 25%``);
- but where the left holds no decimal, or only decimals the problem itself writes
  (exact inputs) added, subtracted and multiplied, and the exact value can be written
  to the places the right side gives (``59049/729`` is 81, so 81.00; ``$4.20 + $9.45 +
  $1.35`` is 15.00), a value written to a nonzero last digit must be that value,
  rounding signalled or not (``\approx 80.83`` and ``$14.99`` are refuted; ``2^{10}
  \approx 1000`` may be a rough size and keeps the tolerance).

Differences that may come from rounding the step did not declare (a left side that
holds decimals, an integer written for ``33.3`` people) are "unverifiable", never
"refuted": the checker refutes only what it recomputes with confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.math.expression import compile_expression
from stepscore.verifiers.steps.claims import Link
from stepscore.verifiers.steps.tokens import DIVISION_OPS, Token, digits

__all__ = ["DIFFERS", "DecidedLink", "Outcome", "given_decimals", "recompute"]

LinkStatus = Literal["verified", "refuted", "unverifiable"]
Outcome = tuple[LinkStatus, float | None, float | None, str]
DIFFERS = "the recomputed value differs"


@dataclass(frozen=True, slots=True)
class DecidedLink:
    """A link ``left`` ~ ``right`` found at ``text[start:end]`` by one of the notation
    finders (complex numbers, counts, restated values), with its verdict."""

    start: int
    end: int
    left: str
    right: str
    status: LinkStatus
    reason: str


_OPS = {
    "×": "*", "\\times": "*", "*": "*", "\\ast": "*", "·": "*", "⋅": "*", "\\cdot": "*",
    "÷": "/", "\\div": "/", "/": "/", "+": "+", "-": "-", "−": "-", "–": "-", "^": "^",
}  # fmt: skip
_FNS = {"\\frac": "\\frac", "\\dfrac": "\\frac", "\\tfrac": "\\frac", "\\sqrt": "\\sqrt"}
_FNS |= {"\\binom": "\\binom", "\\dbinom": "\\binom"}
_VALUE_END = frozenset({"num", "pct", "close", "pi", "fact"})
_VALUE_START = frozenset({"num", "open", "fn", "pi"})


def recompute(
    link: Link,
    *,
    signalled: bool,
    moduli: frozenset[int] | None,
    signalled_rel_tol: float,
    gray_rel_tol: float,
    given: frozenset[str] = frozenset(),
) -> Outcome:
    """The link's status, the value it asserts, the value recomputed, and why.

    ``moduli`` is None outside an integer context; inside one (the step speaks of
    remainders, digits, floors, a modulus) it holds the step's integers, and a value
    that is the floor, the ceiling or a residue of the exact one stands unrefuted.
    ``given`` holds the decimals the problem writes (`given_decimals`): exact inputs.
    """
    lefts, rights = _readings(link.left), _readings(link.right)
    if not lefts and rights and _divides_by_zero(link.left):
        return "refuted", _float(rights[0][0]), None, "the computation divides by zero"
    if not lefts or not rights:
        return "unverifiable", None, None, "a side is outside the arithmetic grammar"
    pairs = [(a, b) for a, _ in lefts for b, _ in rights]
    computed, asserted = pairs[0]
    places = _places(link.right)
    signalled = signalled or link.approx
    exact = _exact_inputs(link.left, given)
    held = places is not None and places < 10 and _held(link, exact)  # (not a calculator's)
    for a, b in pairs:
        if held and isinstance(a, Fraction) and (a * 10**places).denominator == 1:
            if a == b:  # (exact inputs, an exact value it can write: no rounding to allow)
                return "verified", _float(b), _float(a), "equal"
            continue
        if _stands(a, b, places, signalled, signalled_rel_tol):
            why = "equal" if a == b else "equal up to the rounding written"
            return "verified", _float(b), _float(a), why
    if moduli is not None and _integer_reading(computed, asserted, moduli):
        return "unverifiable", _float(asserted), _float(computed), "context allows rounding"
    if any(implicit for _, implicit in lefts + rights):
        return "unverifiable", _float(asserted), _float(computed), "implicit multiplication"
    gray = _gray(computed, asserted, link, gray_rel_tol, exact)
    if gray:
        return "unverifiable", _float(asserted), _float(computed), gray
    if _running_total(computed, link.right):
        return "unverifiable", _float(asserted), _float(computed), "a running total"
    if _dividend(link.left) == asserted:
        why = "the division written out as divisor times quotient plus remainder"
        return "unverifiable", _float(asserted), _float(computed), why
    return "refuted", _float(asserted), _float(computed), DIFFERS


def _dividend(side: tuple[Token, ...]) -> Fraction | None:
    """``A`` of a side that is just ``A ÷ B`` (``500 \\div 13 = 13 \\cdot 38 + 6``)."""
    core = [t for t in side if t.kind not in ("skip", "unit")]
    if len(core) != 3 or core[0].kind != "num" or core[2].kind != "num":
        return None
    if core[1].kind != "op" or core[1].text not in DIVISION_OPS:
        return None
    return Fraction(digits(core[0].text))


def _readings(side: tuple[Token, ...]) -> list[tuple[Fraction | complex, bool]]:
    """The side's values: one per reading of its percent signs, with an implicit flag;
    and where spacing groups a divisor (``25 / 1/3``, ``3/ 1/4``), its readings too."""
    readings = _plain_readings(side)
    grouped = _grouped_divisor(side) if readings else None
    return readings + _plain_readings(grouped) if grouped else readings


def _grouped_divisor(side: tuple[Token, ...]) -> tuple[Token, ...] | None:
    """``side`` with brackets around a fraction its spacing sets apart as a divisor
    (``2 cups / 1/4 cup`` is 2 ÷ ¼, as GSM8K's solutions write it), or None."""
    core = [k for k, t in enumerate(side) if t.kind not in ("skip", "unit")]
    for n in range(len(core) - 3):
        slash, b, inner, c = (side[k] for k in core[n : n + 4])
        if (
            slash.kind == "op"
            and slash.text == "/"
            and (slash.spaced or b.spaced)
            and b.kind == "num"
            and inner.kind == "op"
            and inner.text == "/"
            and not inner.spaced
            and c.kind == "num"
            and not c.spaced
        ):
            low, high = core[n + 1], core[n + 3]
            after = side[core[n + 4]] if n + 4 < len(core) else None
            if after is not None and (after.kind != "op" or after.text == "^"):
                return None  # "25 / 1/3^2", "25 / 1/3 (x)": no divisor set apart
            opened = Token("open", "(", b.start, b.start, b.spaced)
            closed = Token("close", ")", c.end, c.end, False)
            return (*side[:low], opened, *side[low : high + 1], closed, *side[high + 1 :])
    return None


def _plain_readings(side: tuple[Token, ...]) -> list[tuple[Fraction | complex, bool]]:
    readings = []
    modes = (True, False) if any(t.kind == "pct" for t in side) else (True,)
    for percent_value in modes:
        rendered = _render(side, percent_value)
        if rendered is None:
            return []
        expr = compile_expression(rendered[0])
        if expr is None or expr.variables:
            return []
        try:
            value = evaluate(expr, {})
        except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError):
            return []
        except RecursionError:
            return []
        if isinstance(value, complex) and abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
            return []
        readings.append((value if isinstance(value, Fraction) else value.real, rendered[1]))
    return readings


def _divides_by_zero(side: tuple[Token, ...]) -> bool:
    """Whether the side, free of unknowns, divides by an exact zero (``\\frac{0 - 1994}{0 -
    0}``): no number is its value."""
    rendered = _render(side, True)
    expr = compile_expression(rendered[0]) if rendered is not None else None
    if expr is None or expr.variables:
        return False
    try:
        evaluate(expr, {})
    except Undefined as exc:
        return "division by zero" in str(exc)
    except (TooLarge, ArithmeticError, ValueError, RecursionError):
        return False
    return False


def _render(side: tuple[Token, ...], percent_value: bool) -> tuple[str, bool] | None:
    """The side in the evaluator's grammar, and whether it multiplies by juxtaposition."""
    out: list[str] = []
    implicit = False
    prev: Token | None = None
    for tok in _drop_unit_powers(side):
        kind = tok.kind
        if kind in ("skip", "unit"):
            continue
        if prev is not None and prev.kind in _VALUE_END and kind in _VALUE_START:
            if prev.kind == "num" and (kind == "num" or tok.text == "\\frac"):
                return None  # "3 1/2", "2\\frac{6}{7}": mixed numbers, not products
            if tok.text != "{":  # "\\frac{3}{4}": an argument, not a factor
                implicit = implicit or tok.spaced  # "2 (3 + 4)": maybe a label
        if kind == "num":
            out.append(digits(tok.text))
        elif kind == "pct":
            if prev is None or prev.kind != "num":
                return None
            if percent_value:
                out[-1] = f"({out[-1]}/100)"
        elif kind == "op":
            out.append(_OPS[tok.text])
        elif kind == "fn":
            out.append(_FNS[tok.text])
        elif kind in ("open", "close"):
            out.append(tok.text)
        elif kind == "pi":
            out.append("\\pi")
        elif kind == "fact":
            out.append("!")
        else:
            return None
        prev = tok
    return (" ".join(out), implicit) if out else None


def _drop_unit_powers(side: tuple[Token, ...]) -> list[Token]:
    """``4.5 \\pi \\text{ cm}^3``: the power belongs to the unit, not to the value."""
    out: list[Token] = []
    k = 0
    while k < len(side):
        tok = side[k]
        if tok.kind == "op" and tok.text == "^" and out and out[-1].kind == "unit":
            k += 1
            if k < len(side) and side[k].text == "{":
                while k < len(side) and side[k].text != "}":
                    k += 1
            k += 1
            continue
        out.append(tok)
        k += 1
    return out


def _integer_reading(
    computed: Fraction | float, asserted: Fraction | float, moduli: frozenset[int]
) -> bool:
    """A quotient (``1121 ÷ 243 = 4``), a ceiling, or a residue (``1024 = 1 \\pmod{11}``)."""
    if not _is_int(asserted):
        return False
    if math.floor(computed) <= asserted <= math.ceil(computed):
        return True
    if not (_is_int(computed) and isinstance(computed, Fraction)):
        return False
    return any((computed - asserted) % m == 0 for m in moduli if m > 1)


def _places(side: tuple[Token, ...]) -> int | None:
    """Decimal places of a right side that is one written number, else None."""
    nums = [t for t in side if t.kind == "num"]
    if len(nums) != 1 or any(t.kind in ("op", "fn", "fact") and t.text not in "-−" for t in side):
        return None
    text = nums[0].text
    return len(text) - text.index(".") - 1 if "." in text else 0


def _held(link: Link, exact: bool) -> bool:
    """Whether a mismatch leaves no room for rounding: the left side's inputs are
    ``exact`` (`_exact_inputs`), and the right one is written to a nonzero last digit
    (``80.83``, not ``1000``, which may be a rough size)."""
    if not exact:
        return False
    nums = [digits(t.text) for t in link.right if t.kind == "num"]
    return len(nums) == 1 and nums[0][-1] not in "0."


def _exact_inputs(side: tuple[Token, ...], given: frozenset[str]) -> bool:
    """Whether ``side`` holds no decimal (a written decimal may be rounded) or only
    decimals the problem gives, added, subtracted and multiplied (``$4.20 + $9.45 +
    $1.35`` is 15.00 exactly, not 14.99)."""
    decimals = [digits(t.text) for t in side if t.kind == "num" and "." in t.text]
    return not decimals or (given.issuperset(decimals) and _ring(side))


def _ring(side: tuple[Token, ...]) -> bool:
    """Whether ``side`` only adds, subtracts and multiplies (no division, power or
    function, where a value written with fewer places is a rounding)."""
    return not any(
        t.kind in ("fn", "fact") or (t.kind == "op" and (t.text in DIVISION_OPS or t.text == "^"))
        for t in side
    )


# a decimal as a problem writes it: "$4.20", "1.35 pounds", ".75 gift bags", "$1,234.50"
_DECIMAL = re.compile(r"(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d*)\.\d+(?!\.?\d)")


def given_decimals(problem: str) -> frozenset[str]:
    """The decimals ``problem`` writes, without separators: inputs that are exact."""
    return frozenset(digits(m[0]) for m in _DECIMAL.finditer(problem))


def _stands(
    a: Fraction | float, b: Fraction | float, places: int | None, signalled: bool, rel: float
) -> bool:
    """Equal, or within one unit of the last written place, or the signalled tolerance."""
    if a == b:
        return True
    diff = abs(a - b)
    if isinstance(diff, float) and diff <= 1e-9 * max(1.0, abs(a), abs(b)):
        return True  # float noise from an irrational left side
    if places and diff <= Fraction(1, 10**places) * Fraction(101, 100):
        return True
    if places and places >= 12 and diff <= Fraction(1, 10**12) * max(1, abs(Fraction(a))):
        return True  # "<<580/110=5.2727272727272725>>": a float printed by a calculator
    if signalled:
        unit = Fraction(1, 10**places) if places else 1
        return diff <= max(unit, Fraction(rel) * abs(Fraction(a)))
    return False


def _gray(
    computed: Fraction | float, asserted: Fraction | float, link: Link, rel: float, exact: bool
) -> str:
    """Why a mismatch might be undeclared rounding rather than an error ('' if it cannot;
    ``exact``: the left's inputs are, as `_exact_inputs` reads them)."""
    diff = abs(computed - asserted)
    decimals = not exact and any(t.kind == "num" and "." in t.text for t in link.left)
    if decimals and (diff <= Fraction(rel) * abs(computed) or (diff < 1 and _is_int(asserted))):
        return "the inputs hold decimals that may have been rounded"
    # (a whole number written for a fraction: a count rounded, "3.5 trips is 4"; not where
    # the left is written in LaTeX fractions or powers, \\frac{1}{\\frac{5}{2}} = 1)
    plain = not any(t.kind == "fn" or t.text == "^" for t in link.left)
    rounded = _is_int(asserted) and not _is_int(computed) and diff < 1
    if rounded and plain and _whole_written(link.right):
        return "an integer written for a fraction: maybe rounded"
    if isinstance(computed, float) and diff <= Fraction(rel) * abs(computed):
        return "an irrational value written approximately"
    return ""


def _whole_written(side: tuple[Token, ...]) -> bool:
    """Whether ``side`` is written as a whole number (``9``, ``$12``, ``{30}``), not as a
    fraction that happens to be whole (``\\frac{441}{49}``)."""
    core = [t for t in side if t.kind not in ("skip", "unit", "open", "close")]
    if core and core[0].kind == "op" and core[0].text in "-−–":
        core = core[1:]
    return len(core) == 1 and core[0].kind == "num" and "." not in core[0].text


def _running_total(computed: Fraction | float, right: tuple[Token, ...]) -> bool:
    """``2 + 3 = 5 + 1 = 6``: the left's value opens the right side, a running total."""
    nums = [t for t in right if t.kind != "skip" and t.kind != "unit"]
    if len(nums) < 2 or nums[0].kind != "num" or nums[1].kind != "op":
        return False
    return Fraction(digits(nums[0].text)) == computed


def _is_int(v: Fraction | float) -> bool:
    return v == int(v)


def _float(v: Fraction | float) -> float | None:
    try:
        return float(v)
    except OverflowError:
        return None
