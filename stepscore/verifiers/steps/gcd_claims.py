"""Greatest common divisors, least common multiples and coprimality stated of numbers.

`find_gcd_claims` decides, for whole numbers written out:
- the function forms ``\\gcd(116, 174) = 2``, ``\\text{lcm}[4, 6] = 12``, ``GCD(12, 18) = 6``
  (two or more arguments);
- the prose forms "the greatest common divisor of 12 and 18 is 6", "the LCM of 4 and 6
  is 12";
- "6 and 9 are relatively prime" (or coprime, or "not relatively prime"), "411 and 333 do
  not share any other common factors" (their gcd is 1).
A sentence that asks, supposes or sets a goal ("if", "whether", "must") asserts nothing
(as in `stepscore.verifiers.steps.divisibility`), and a value that goes on into a longer
expression (``\\gcd(12, 18) = 6 \\cdot k``) is not read.

>>> [c.status for c in find_gcd_claims("So $\\\\gcd(116, 174) = 2$.")]
['refuted']
>>> [c.status for c in find_gcd_claims("The least common multiple of 4 and 6 is 12.")]
['verified']
>>> [c.status for c in find_gcd_claims("Since 6 and 9 are relatively prime, ...")]
['refuted']
>>> find_gcd_claims("If 6 and 9 are relatively prime, then ...")
[]
"""

from __future__ import annotations

import math
import re

from stepscore.verifiers.steps.divisibility import (
    HYPOTHETICAL,
    OPERATOR_BEFORE,
    sentence_begins,
)
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_gcd_claims"]

_N = r"\d{1,12}(?!\d|[.,]\d)"
_D = r"(?:\$|\\\(|\\\))?"  # a math delimiter around a number in prose
_NAME = (
    r"(?:\\(?:operatorname|text|mathrm)\s*\{\s*(?P<name1>gcd|lcm|GCD|LCM)\s*\}"
    r"|\\(?P<name2>gcd)\b|(?<![\\A-Za-z])(?P<name3>gcd|lcm|GCD|LCM|GCF|HCF)(?![A-Za-z]))"
)
_FUNCTION = re.compile(
    rf"{_NAME}\s*(?:\\left\s*)?[(\[]\s*(?P<args>{_N}(?:\s*,\s*{_N})+)\s*(?:\\right\s*)?[)\]]"
    rf"\s*=\s*(?P<value>{_N})"
    r"(?!\s*(?:[*/+×·^(]|\\(?:cdot|times|div)\b|-\s*\d))"
)
_PROSE = re.compile(
    r"\b(?:the\s++)?(?P<what>greatest\s+common\s+(?:divisor|factor)|highest\s+common\s+factor"
    r"|(?:least|lowest)\s+common\s+multiple|GCD|GCF|HCF|LCM|gcd|lcm)\s+of\s++"
    rf"{_D}(?P<a>{_N}){_D}\s*+(?:,|and)\s++{_D}(?P<b>{_N}){_D}\s*+(?:is|equals|=)\s++{_D}"
    rf"(?P<value>{_N})"
    r"(?!\s*(?:[*/+×·^(]|\\(?:cdot|times|div)\b|-\s*\d))",
    re.IGNORECASE,
)
_COPRIME = re.compile(
    rf"(?<![\w.^_{{}}\\/*+×·-]){_D}(?P<a>{_N}){_D}\s++and\s++{_D}(?P<b>{_N}){_D}\s++"
    r"(?:are\s++(?P<neg>not\s++)?(?:relatively\s+prime|coprime)"
    r"|(?:do\s+not|don't)\s+(?:share|have)\s+any\s+(?:other\s+)?common\s+(?:prime\s+)?"
    r"(?:factors?|divisors?))\b",
    re.IGNORECASE,
)
# what makes the gcd or lcm a part of what the sentence gives the value of
_PART_OF = re.compile(
    r"\b(?:and|of|times|plus|minus|by|with|over)\s*+(?:the\s++)?\Z", re.IGNORECASE
)


def find_gcd_claims(text: str) -> list[DecidedLink]:
    """The gcd, lcm and coprimality claims of ``text`` (see the module docstring)."""
    lower = text.lower()
    if not any(w in lower for w in ("gcd", "lcm", "gcf", "hcf", "common", "prime")):
        return []
    begins = sentence_begins(text)

    def asserted(at: int) -> bool:
        return HYPOTHETICAL.search(text, begins(at), at) is None

    out = []
    for m in _FUNCTION.finditer(text):
        name = "lcm" if (m["name1"] or m["name2"] or m["name3"]).lower() == "lcm" else "gcd"
        numbers = [int(a) for a in re.findall(r"\d+", m["args"])]
        if OPERATOR_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "2 \\cdot \\gcd(4, 6) = 4": the gcd is a factor of what is equal
        if asserted(m.start()):
            out.append(_decided(m, name, numbers, int(m["value"])))
    for m in _PROSE.finditer(text):
        if _PART_OF.search(text, max(0, m.start() - 40), m.start()):
            continue  # "the product of the GCD and LCM of 8 and 6 is 48"
        what = m["what"].lower()
        name = "lcm" if "multiple" in what or what == "lcm" else "gcd"
        if asserted(m.start()):
            out.append(_decided(m, name, [int(m["a"]), int(m["b"])], int(m["value"])))
    for m in _COPRIME.finditer(text):
        a, b = int(m["a"]), int(m["b"])
        if not asserted(m.start()) or a == 0 or b == 0:
            continue
        if OPERATOR_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "x + 6 and 9 ...": the number ends an expression
        coprime = math.gcd(a, b) == 1
        claimed = m["neg"] is None
        status = "verified" if coprime == claimed else "refuted"
        relation = "are coprime" if claimed else "are not coprime"
        why = f"gcd({a}, {b}) = {math.gcd(a, b)}"
        out.append(DecidedLink(m.start("a"), m.end(), f"{a} and {b} {relation}", "", status, why))
    return sorted(out, key=lambda link: link.start)


def _decided(m: re.Match[str], name: str, numbers: list[int], value: int) -> DecidedLink:
    true = math.lcm(*numbers) if name == "lcm" else math.gcd(*numbers)
    written = f"{name}({', '.join(map(str, numbers))})"
    if true == value:
        return DecidedLink(m.start(), m.end(), written, str(value), "verified", "recomputed")
    return DecidedLink(m.start(), m.end(), written, str(value), "refuted", f"{written} is {true}")
