"""Claims written with notation the token-level finder skips: ``\\tan 30^\\circ =
\\frac{\\sqrt{3}}{3}``, ``\\lceil 9.09 \\rceil = 10``, ``195 \\bmod 19 = 5``,
``2^{10} \\equiv 1 \\pmod{11}``.

`find_function_claims` reads the step's LaTeX line by line (`stepscore.verifiers.steps.
identities.math_lines`), cuts each line at every relation other than ``=``, ``\\approx``
and ``\\equiv``, and decides each link ``a = b`` of a chain whose sides hold no unknowns
and one of which uses a construct of `stepscore.verifiers.steps.functions`; and each
link of a chain that names a modulus (``\\pmod{m}``, ``\\bmod m``, ``(\\text{mod } m)``):

- ``a \\equiv b \\pmod m``: ``a - b`` is a multiple of ``m``;
- ``a = b \\pmod m`` and ``a \\bmod m = r``: the link stands if it holds literally
  (``a \\bmod m`` is the residue) or as a congruence, and is refuted only when both fail.

A value computed in floats (``\\sin 20^\\circ``) is compared within ``1e-9``; a written
decimal stands within one unit of its last place, or 1% where the link says ``\\approx``.
A mismatch that undeclared rounding may explain (decimal inputs, an integer written for a
non-integer) is "unverifiable", as in `stepscore.verifiers.steps.recompute`.

>>> [c.status for c in find_function_claims("\\\\(\\\\tan 30^\\\\circ = \\\\sqrt{3}\\\\)")]
['refuted']
>>> [c.status for c in find_function_claims("\\\\( 56 \\\\equiv 5 \\\\pmod{17} \\\\)")]
['verified']
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from stepscore.verifiers.steps.functions import CONSTRUCT, SideValue, side_value
from stepscore.verifiers.steps.identities import math_lines
from stepscore.verifiers.steps.recompute import LinkStatus

__all__ = ["FunctionClaim", "find_function_claims"]

_TRIGGER = re.compile(CONSTRUCT.pattern + r"|\\equiv|≡|mod\b")
_MOD_WORD = re.compile(r"\\(?:text|mathrm|operatorname)\s*\{\s*mod\s*\}|\\mod\b|\\bmod\b")
# Relations other than "=" end a chain; a word in the math ends it too, but what stands
# next to it may be part of a longer expression ("20 \\text{ cm} + |-3|").
_BREAK = re.compile(
    r"(\\text\s*\{[^{}]*\}|\\mbox\s*\{[^{}]*\}|\\mathrm\s*\{[^{}]*\})"
    r"|\\not\s*(?:\\[A-Za-z]+|=)|<|>|(?<!\\)[,;]|\\(?:[lg]eq?|neq?|sim|simeq|implies|iff"
    r"|[Ll]ongrightarrow|[Rr]ightarrow|to|q?quad|therefore|because|in|text)(?![A-Za-z])"
)
_THOUSANDS = re.compile(r"\{,\}|(?<=\d),(?=\d{3}(?![\d]))")
_OPEN_END = re.compile(
    r"^\s*(?:[-+*/^=]|\\(?:cdot|times|div)\b)|(?:[-+*/^]|\\(?:cdot|times|div))\s*$"
)
_RELATION = re.compile(r"=|\\approx(?![A-Za-z])|≈|\\equiv(?![A-Za-z])|≡")
# A modulus closing a piece: "\\pmod{17}", "(\\bmod 17)", "\\bmod 17".
_MODULUS = re.compile(r"(?:\\pmod\s*\{?\s*(\d+)\s*\}?|\(\s*\\bmod\s*\{?\s*(\d+)\s*\}?\s*\)"
                      r"|\\bmod\s*\{?\s*(\d+)\s*\}?)[\s.]*$")  # fmt: skip
_DECIMAL = re.compile(r"\s*+\{?\s*+-?\d+\.(\d+)\s*+\}?\s*+")  # (possessive: linear)
_HAS_DECIMAL = re.compile(r"\d\.\d")
_TIGHT = 1e-9
_LOOSE = Fraction(1, 100)


@dataclass(frozen=True, slots=True)
class FunctionClaim:
    """One decided link ``left rel right`` of a line, with the values recomputed."""

    start: int
    end: int
    left: str
    right: str
    left_value: float | None
    right_value: float | None
    status: LinkStatus
    reason: str


@dataclass(frozen=True, slots=True)
class _Piece:
    written: str
    text: str  # without a closing modulus
    modulus: int | None  # the modulus that closes it, if any
    value: SideValue | None


def find_function_claims(text: str) -> list[FunctionClaim]:
    """The decided links of the step's LaTeX (see the module docstring)."""
    if _TRIGGER.search(text) is None:
        return []
    out: list[FunctionClaim] = []
    for line, offset, _ in math_lines(text):
        if _TRIGGER.search(line) is None:
            continue
        line = _THOUSANDS.sub("", _MOD_WORD.sub(r"\\bmod ", line))
        span = (offset, offset + len(line))
        for segment in _segments(line):
            out.extend(_chain_claims(segment, span))
    return out


def _segments(line: str) -> list[str]:
    """The line cut at its breaks; a piece cut at a word with an operator at the cut
    (``20 \\text{ cm} + |-3| = 23``) is only part of an expression, so it is dropped."""
    parts = _BREAK.split(line)  # text, then (the word or None, text) pairs
    out = []
    for k in range(0, len(parts), 2):
        segment = parts[k]
        if k > 0 and parts[k - 1] and _OPEN_END.search(segment.split("=")[0] + " "):
            segment = "\\unread " + segment
        if k + 2 < len(parts) and parts[k + 1] and _OPEN_END.search(segment.split("=")[-1]):
            segment = segment + " \\unread"
        out.append(segment)
    return out


def _chain_claims(segment: str, span: tuple[int, int]) -> list[FunctionClaim]:
    parts = _RELATION.split(segment)
    if len(parts) < 2:
        return []
    relations = _RELATION.findall(segment)
    pieces = [_piece(part) for part in parts]
    moduli = {p.modulus for p in pieces if p.modulus is not None}
    if len(moduli) > 1 or (any(r in ("\\equiv", "≡") for r in relations) and not moduli):
        return []
    modulus = next(iter(moduli), None)
    out = []
    for k, relation in enumerate(relations):
        a, b = pieces[k], pieces[k + 1]
        if a.value is None or b.value is None:
            continue
        if modulus is None and not (CONSTRUCT.search(a.text) or CONSTRUCT.search(b.text)):
            continue  # plain arithmetic: `stepscore.verifiers.steps.claims` reads it
        if modulus is None:
            status, reason = _equal(a, b, approx=relation in ("\\approx", "≈"))
        else:
            status, reason = _congruent(a, b, modulus, literal=relation == "=")
        out.append(
            FunctionClaim(
                *span, a.written.strip(), b.written.strip(), _float(a), _float(b), status, reason
            )
        )
    return out


def _piece(part: str) -> _Piece:
    closing = _MODULUS.search(part)
    if closing is None:
        text, modulus = part, None
    else:
        text, modulus = part[: closing.start()], int(next(g for g in closing.groups() if g))
    if "mod" in text or not text.strip():
        return _Piece(part, text, modulus, None)  # a modulus mid-expression: precedence in doubt
    return _Piece(part, text, modulus, side_value(text))


def _equal(a: _Piece, b: _Piece, *, approx: bool) -> tuple[LinkStatus, str]:
    x, y = a.value.value, b.value.value  # type: ignore[union-attr]
    diff = abs(x - y)
    if x == y or diff <= _TIGHT * max(1.0, abs(x), abs(y)):
        return "verified", "equal"
    places = max(_places(a.text), _places(b.text))
    if places and diff <= Fraction(101, 100) / 10**places:
        return "verified", "equal up to the rounding written"
    if approx and diff <= max(Fraction(1, 10**places) if places else 0, _LOOSE * abs(Fraction(x))):
        return "verified", "equal up to the rounding signalled"
    inputs = [p.text for p in (a, b) if _places(p.text) == 0]
    if any(_HAS_DECIMAL.search(t) for t in inputs) and diff <= _LOOSE * max(abs(x), abs(y)):
        return "unverifiable", "the inputs hold decimals that may have been rounded"
    if diff < 1 and (_integer(x) != _integer(y)):
        return "unverifiable", "an integer written for a fraction: maybe rounded"
    if approx:
        return "unverifiable", "a rounding signalled"
    return "refuted", "the recomputed value differs"


def _congruent(a: _Piece, b: _Piece, m: int, *, literal: bool) -> tuple[LinkStatus, str]:
    x, y = a.value.value, b.value.value  # type: ignore[union-attr]
    if m < 2 or not (isinstance(x, Fraction) and isinstance(y, Fraction)):
        return "unverifiable", "residues of inexact values"
    if literal and _exact_int(x) and _exact_int(y):
        left = x % m if a.modulus is not None else x
        right = y % m if b.modulus is not None else y
        if left == right:
            return "verified", "equal"
    rx, ry = _residue(x, m), _residue(y, m)
    if rx is None or ry is None:
        return "unverifiable", f"a denominator not invertible modulo {m}"
    if rx == ry:
        return "verified", f"congruent modulo {m}"
    return "refuted", f"not congruent modulo {m}"


def _residue(v: Fraction, m: int) -> int | None:
    """``v`` modulo ``m``, reading ``a/b`` as ``a`` times the inverse of ``b``."""
    if math.gcd(v.denominator, m) != 1:
        return None
    return v.numerator * pow(v.denominator, -1, m) % m


def _places(side: str) -> int:
    m = _DECIMAL.fullmatch(side)
    return len(m[1]) if m else 0


def _integer(v: Fraction | float) -> bool:
    return v == math.floor(v)


def _exact_int(v: Fraction | float) -> bool:
    return isinstance(v, Fraction) and v.denominator == 1


def _float(piece: _Piece) -> float | None:
    try:
        return float(piece.value.value) if piece.value else None
    except OverflowError:
        return None
