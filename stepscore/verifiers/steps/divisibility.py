"""Divisibility stated of two numbers: ``$4! = 24$ is divisible by $9$``, ``111111111 is
not divisible by 9``, ``36 is a multiple of 12``.

`find_divisibility` decides ``N is (not) divisible by D`` and ``N is (not) a multiple of
D`` where both are whole numbers written out (``475,032`` too). It reads only plain
assertions: the number must not end a longer expression (``3x - 1 is divisible by 19``),
the divisor must stand alone (``by 3 and 6``, ``by 2k`` are not read), and a sentence that
asks, supposes or sets a goal (``if``, ``whether``, ``must``, ``so that``) asserts
nothing.

>>> [c.status for c in find_divisibility("Finally, $4! = 24$ is divisible by $9$.")]
['refuted']
>>> [c.status for c in find_divisibility("Since 111111111 is not divisible by 9, ...")]
['refuted']
>>> find_divisibility("we need \\\\(3x - 1\\\\) to be divisible by 19; 3x - 1 is divisible by 19")
[]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from stepscore.verifiers.steps.recompute import DecidedLink
from stepscore.verifiers.steps.tokens import digits

__all__ = ["HYPOTHETICAL", "OPERATOR_BEFORE", "find_divisibility", "sentence_begins"]

_NUMBER = r"\d{1,3}(?:(?:,|\{,\}|,\\!|\\,)\d{3})+(?![\d,])|\d{1,18}"
# (possessive spaces around the optional delimiters: a failed match must not try every
# split of a long run of whitespace between them, quadratic in its length)
_OPEN = r"(?:\$|\\\(|\\\[)?\s*+"
_CLOSE = r"\s*(?:\$|\\\)|\\\])?"
_CLOSE_ALL = r"\s*+(?:\$|\\\)|\\\])?"
_CLAIM = re.compile(
    rf"(?<![\w.,}}])(?P<n>{_NUMBER}){_CLOSE}\s+(?:is|are)\s+(?P<neg>not\s+)?"
    rf"(?:evenly\s+|exactly\s+)?(?:divisible\s+by|a\s+multiple\s+of)\s++{_OPEN}(?P<d>{_NUMBER})"
    r"(?![\d.,]*(?:[\w^(]|\\(?![)\]])|\s*(?:[*/+×·^]|-\s*\d)))"  # the divisor ends there
)
# a list of divisors (``by 3 and 6``, ``by 3, 5``), unless the next number starts a claim
_MORE = re.compile(
    rf"{_CLOSE_ALL}\s*+(?:and|or|nor|,)\s*+(?:by\s++)?{_OPEN}(?:{_NUMBER})(?!\d)"
    rf"{_CLOSE_ALL}(?!\s*+(?:is|are)\b)"
)
# what may not come just before the number: an operator (the number ends an expression)
OPERATOR_BEFORE = re.compile(r"(?:[-+*/×÷^·_]|\\(?:cdot|times|div|pm))\s*(?:\$|\\\(|\\\[)?\s*\Z")
# the number bounds or ranges the subject rather than being it
_BOUND = re.compile(
    r"\b(?:than|between|between\s+\S+\s+and|under|over|below|above|least|most|to|from|within)"
    r"\s*(?:\$|\\\(|\\\[)?\s*\Z",
    re.IGNORECASE,
)
# sentences that ask, suppose or set a goal assert nothing
HYPOTHETICAL = re.compile(
    r"\b(?:if|whether|check|test|suppose|assume|unless|until|when|such\s+that|so\s+that"
    r"|must|should|need|needs|want|would|could|might|can|cannot|let)\b",
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"[.!?:;\n]\s+")
# a denial for a group ("none of 15, 19, or 23 are ...", "neither ... nor")
_DENIED = re.compile(r"\b(?:none|neither|nor|no)\b", re.IGNORECASE)


def sentence_begins(text: str) -> Callable[[int], int]:
    """Where the sentence of ``text`` holding an offset begins (no further back than 300
    characters): what `HYPOTHETICAL` is searched in, before a claim."""
    starts = [0, *(found.end() for found in _SENTENCE_START.finditer(text))]
    return lambda at: max(starts[bisect.bisect_right(starts, at) - 1], at - 300)


def find_divisibility(text: str) -> list[DecidedLink]:
    """The divisibility claims of ``text`` (see the module docstring), decided."""
    if "divisible" not in text and "multiple of" not in text:
        return []
    out = []
    begins = sentence_begins(text)
    for m in _CLAIM.finditer(text):
        start = m.start("n")
        begun = begins(start)
        if OPERATOR_BEFORE.search(text, max(0, start - 30), start):
            continue
        if HYPOTHETICAL.search(text, begun, start) or _DENIED.search(text, begun, start):
            continue  # "if 12 is divisible by ...", "none of 15, 19, or 23 are divisible by 9"
        if _BOUND.search(text, max(0, start - 40), start):
            continue  # "no odd integer less than 100 is divisible by 16": 100 is a bound
        if _MORE.match(text, m.end("d")):
            continue
        n, d = _whole(m["n"]), _whole(m["d"])
        if d == 0:
            continue
        holds = n % d == 0
        claimed = m["neg"] is None
        if holds == claimed:
            status, reason = "verified", "the division leaves what the step says"
        else:
            status, reason = "refuted", f"{n} mod {d} = {n % d}"
        relation = "is not divisible by" if m["neg"] else "is divisible by"
        out.append(DecidedLink(start, m.end("d"), f"{n} {relation} {d}", str(d), status, reason))
    return out


def _whole(written: str) -> int:
    return int(digits(written))
