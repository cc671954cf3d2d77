"""A value restated on the next display line: ``\\[ S = 165 \\times \\frac{6}{11} \\] \\[ S =
9 \\times 6 \\]``, ``\\[ R = 2310 \\bmod 42 \\] \\[ R = 18 \\]``.

Two consecutive lines of a step's LaTeX, with nothing but space between them, that both
name the same quantity (``S``, ``x_1``, ``\\text{Total}``) and give it a value free of
unknowns, claim the same value: `find_restated` decides that link. The first value must
be computed (not a bare number: ``x = 3 \\] \\[ x = -3`` lists two roots), and two forms
that differ only in their signs (``\\frac{5 + 3}{2}`` and ``\\frac{5 - 3}{2}``, the two
roots of a quadratic) are not read. A value is read by `stepscore.verifiers.steps.
functions.side_value`, or as ``a \\bmod m`` for integers; a mismatch where decimals
are written is "unverifiable" (maybe rounded).

>>> [c.status for c in find_restated("\\\\[ S = 165 \\\\times 6 \\\\] \\\\[ S = 990 \\\\]")]
['verified']
>>> [c.status for c in find_restated("\\\\[ R = 2310 \\\\mod 42 \\\\] \\\\[ R = 18 \\\\]")]
['refuted']
>>> find_restated("\\\\[ x = \\\\frac{5 + 3}{2} \\\\] \\\\[ x = \\\\frac{5 - 3}{2} \\\\]")
[]
"""

from __future__ import annotations

import re
from fractions import Fraction

from stepscore.verifiers.steps.functions import side_value
from stepscore.verifiers.steps.identities import RELATION_BREAK, math_lines
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_restated"]

_NAMED = re.compile(
    r"\s*&?\s*(?P<name>(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?\w+\}?)?|\\text\s*\{[^{}]*\})"
    r"\s*&?=\s*&?(?P<value>[^=]+?)[\s.,;]*"
)
_MOD = re.compile(
    r"\s*(\d{1,12})\s*(?:\\[bp]?mod\b|\\text\s*\{\s*mod\s*\}|\\operatorname\s*\{\s*mod\s*\})"
    r"\s*\{?\s*(\d{1,6})\s*\}?\s*"
)
_MOD_WORD = re.compile(r"\\[bp]?mod\b")
_BARE = re.compile(r"\s*-?\s*\d+(?:\.\d+)?\s*")
_SIGNS = re.compile(r"[-+]|\\pm|\\mp")
_DECIMAL = re.compile(r"\d\.\d")
_TIGHT = 1e-9
_Named = tuple[str, str, int, int]  # name, value text, start, end


def find_restated(text: str) -> list[DecidedLink]:
    """The restated values of the step's LaTeX (see the module docstring)."""
    if text.count("=") < 2:
        return []
    out = []
    previous: _Named | None = None
    for line, offset, gap in math_lines(text):
        current = _named(line, offset)
        if previous and current and gap is not None and not gap.strip():
            claim = _decide(previous, current)
            if claim is not None:
                out.append(claim)
        previous = current if line.strip() else previous
    return out


def _named(line: str, offset: int) -> _Named | None:
    if RELATION_BREAK.search(_MOD_WORD.sub(" ", line)):
        return None
    m = _NAMED.fullmatch(line)
    if m is None:
        return None
    return m["name"].replace(" ", ""), m["value"], offset + m.start(), offset + m.end("value")


def _decide(first: _Named, second: _Named) -> DecidedLink | None:
    if first[0] != second[0] or _BARE.fullmatch(first[1]):
        return None
    if _SIGNS.sub("", first[1]) == _SIGNS.sub("", second[1]):
        return None  # "\\frac{5 + 3}{2}" and "\\frac{5 - 3}{2}": two roots, not one value
    a, b = _value(first[1]), _value(second[1])
    if a is None or b is None:
        return None
    if abs(a - b) <= _TIGHT * max(1.0, abs(a), abs(b)):
        status, reason = "verified", "the same value restated"
    elif _DECIMAL.search(first[1] + second[1]) or isinstance(a, float) or isinstance(b, float):
        status, reason = "unverifiable", "decimals or an approximation: maybe rounded"
    else:
        status, reason = "refuted", "the value restated differs"
    return DecidedLink(first[2], second[3], first[1].strip(), second[1].strip(), status, reason)


def _value(side: str) -> Fraction | float | None:
    mod = _MOD.fullmatch(side)
    if mod is not None:
        m = int(mod[2])
        return Fraction(int(mod[1]) % m) if m > 1 else None
    if "mod" in side:
        return None
    found = side_value(side)
    return None if found is None else found.value
