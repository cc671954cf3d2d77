"""Numbers written in other bases: ``441_{10} = 1202_7``, "in base 3, 87 is 10020".

`find_base_claims` reads two forms:

- an equality chain (``=`` only) whose members include at least two numbers written with
  a base subscript (``1202_7``, ``441_{10}``, ``(1202)_7``) or one such and a bare whole
  number (read in base 10); all of them must name one value (members that are
  expressions, ``1 \\cdot 7^3 + 2 \\cdot 7^2``, are left to the arithmetic checker);
- prose: "N in base b is D", "in base b, N is (written as) D": one of the two numbers
  is the other written in base b (either way round; "87 in base 3 is 10020" and "10020
  in base 3 is 87" both hold).

A digit outside its base (``1282_7``) is not read, and neither is a number after a letter
(``a_{10}``, ``x_2``: a subscript, not a base). Bases 2 to 36.

>>> [c.status for c in find_base_claims("so $441_{10} = 1202_7$")]
['refuted']
>>> [c.status for c in find_base_claims("In base 3, 87 can be written as 10020.")]
['verified']
>>> find_base_claims("the terms $a_{10} = 646$ and $x_2 = 3$")
[]
"""

from __future__ import annotations

import re
from fractions import Fraction

from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_base_claims"]

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BASED = re.compile(
    r"(?<![A-Za-z0-9\\.])\(?(?P<n>[0-9A-Z]{1,40}(?:\.[0-9A-Z]{1,12})?)\)?"
    r"_\s*\{?\s*\(?(?P<b>\d{1,2})\)?\s*\}?(?![\d.])"
)
_BARE = re.compile(r"\s*(?P<n>\d{1,40})\s*")
_BOXED = re.compile(r"^\\boxed\s*\{(.*)\}$")
_PROSE = re.compile(
    r"(?:(?<![\w.])(?P<a>[0-9A-Z]{1,40})\$?\s+in\s+base\s+\$?(?P<b>\d{1,2})\$?|"
    r"\bin\s+base\s+\$?(?P<b2>\d{1,2})\$?,\s*\$?(?P<a2>[0-9A-Z]{1,40})\$?)"
    r"\s+(?:is|equals|=|becomes|can\s+be\s+written\s+as|is\s+written\s+as|is\s+represented\s+as)"
    r"\s+\$?(?P<d>[0-9A-Z]{1,40})(?!\w|\.\d)",
    re.IGNORECASE,
)


def find_base_claims(text: str) -> list[DecidedLink]:
    """The base claims of ``text`` (see the module docstring), decided."""
    if "_" not in text and "base" not in text:
        return []
    return _prose(text) + _chains(text)


def _prose(text: str) -> list[DecidedLink]:
    out = []
    for m in _PROSE.finditer(text) if "base" in text else ():
        a, base, d = (m["a"] or m["a2"]), int(m["b"] or m["b2"]), m["d"]
        if not 2 <= base <= 36 or a.upper() != a or d.upper() != d:
            continue
        readings = [
            (_value(a, 10), _value(d, base)),  # "87 in base 3 is 10020"
            (_value(a, base), _value(d, 10)),  # "10020 in base 3 is 87"
        ]
        pairs = [(x, y) for x, y in readings if x is not None and y is not None]
        if not pairs:
            continue
        if any(x == y for x, y in pairs):
            status, reason = "verified", f"the base-{base} form names that number"
        else:
            x, y = pairs[0]
            status, reason = "refuted", f"{d} in base {base} is {y}, not {x}"
        out.append(DecidedLink(m.start(), m.end(), a, d, status, reason))
    return out


def _chains(text: str) -> list[DecidedLink]:
    """Equality chains holding numbers with base subscripts."""
    out, cursor = [], 0
    for segment in re.split(r"\\\]|\\\[|\$|\\\(|\\\)|\n|\\\\|,\s|;\s", text):
        if "_" not in segment or "=" not in segment:
            continue
        if re.search(r"[<>]|\\[lg]eq?\b|\\neq?\b|\\equiv|\\pmod|\\mod", segment):
            continue
        members = segment.split("=")
        values: list[tuple[str, Fraction]] = []
        based = 0
        for member in members:
            core = member.strip(" \t$.,;:&")
            core = _BOXED.sub(r"\1", core).strip()
            if core.startswith("{") and core.endswith("}"):
                core = core[1:-1].strip()
            m = _BASED.fullmatch(core)
            if m is not None:
                value = _value(m["n"], int(m["b"]))
                if value is None:
                    values = []
                    break  # a digit outside its base: not a base subscript
                values.append((core, value))
                based += 1
            elif _BARE.fullmatch(core):
                values.append((core, Fraction(int(core))))
        if based == 0 or len(values) < 2:
            continue
        at = text.find(segment, cursor)
        cursor = at + len(segment)
        first, first_value = values[0]
        for written, value in values[1:]:
            if value == first_value:
                status, reason = "verified", "the bases name the same number"
            else:
                status, reason = "refuted", f"{first} is {first_value}, {written} is {value}"
            out.append(DecidedLink(at, at + len(segment), first, written, status, reason))
    return out


def _value(written: str, base: int) -> Fraction | None:
    """The number ``written`` names in ``base``; None when a digit is outside it."""
    if not 2 <= base <= 36:
        return None
    whole, _, part = written.upper().partition(".")
    try:
        digits = [_DIGITS.index(c) for c in whole + part]
    except ValueError:
        return None
    if not whole or any(d >= base for d in digits):
        return None
    value = Fraction(int(whole, base))
    for k, c in enumerate(part, start=1):
        value += Fraction(_DIGITS.index(c), base**k)
    return value
