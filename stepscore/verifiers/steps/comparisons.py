"""Comparisons of numbers: ``2 + 4 > 6``, ``162 - 108 - 45 - 6 - 3 \\neq 0``,
``\\sqrt{50} < 8``.

The arithmetic finder reads links of ``=``; a step that tests a triangle inequality or
a candidate root writes ``<``, ``>``, ``\\le``, ``\\ge`` or ``\\neq`` between values.
`find_comparisons` reads them said in words between two values in math or digits
("$\\pi$ is greater than 4", "99 is not less than 100"), and the step's LaTeX line by
line (`stepscore.verifiers.steps.identities.math_lines`), cut at commas, colons, arrows
and words set in ``\\text``; it decides each comparison whose two sides are free of
unknowns and have a value (`stepscore.verifiers.steps.functions.side_value`: fractions,
roots, powers, ``\\pi``, trigonometric and logarithmic values). A side that names a
letter, a negated relation (``\\not<``), a comparison next to ``\\approx``, one the
sentence supposes or writes out as a condition ("if", "we need", "the inequality
becomes"), and one whose sides are too close to tell apart in floating point (an
irrational side) or within the rounding of a decimal written on one of them are not
read.

>>> [c.status for c in find_comparisons("This works because \\\\(2 + 4 > 6\\\\).")]
['refuted']
>>> [c.status for c in find_comparisons("\\\\[ \\\\sqrt{50} < 8 \\\\le 2^3 \\\\]")]
['verified', 'verified']
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from fractions import Fraction

from stepscore.verifiers.steps.divisibility import HYPOTHETICAL, sentence_begins
from stepscore.verifiers.steps.functions import SideValue, side_value
from stepscore.verifiers.steps.identities import math_lines
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_comparisons"]

MAX_COMPARISONS = 16  # read in one step
_TRIGGER = re.compile(r"<|>|\\[lg]eq?\b|\\[lg]t\b|\\neq?\b|≠|≤|≥")
# relations, as written -> the comparison they make ("=" and "\approx" join chains)
_RELATION = re.compile(
    r"(\\leq?(?![A-Za-z])|\\geq?(?![A-Za-z])|\\lt\b|\\gt\b|\\neq?(?![A-Za-z])|≠|≤|≥|<|>"
    r"|\\approx(?![A-Za-z])|≈|=)"
)
_MEANING = {
    "\\le": "<=", "\\leq": "<=", "≤": "<=", "\\ge": ">=", "\\geq": ">=", "≥": ">=",
    "\\lt": "<", "<": "<", "\\gt": ">", ">": ">", "\\ne": "!=", "\\neq": "!=", "≠": "!=",
}  # fmt: skip
# where one comparison ends and the next begins (or a clause the line does not assert)
_CUT = re.compile(
    r"[,;:]|\\q?quad\b|\\text\s*\{[^{}]*\}|\\mbox\s*\{[^{}]*\}|\\(?:Rightarrow|implies"
    r"|Longrightarrow|iff|Leftrightarrow|therefore|because|to|rightarrow)\b|\\[lc]?dots\b"
    r"|\\pm\b|\\mp\b|\\in\b|\\cup\b|\\cap\b|\\subset|\\\\|&"
)
# a sentence that writes a condition out rather than asserting it ("the inequality becomes
# $90/10 \\leq 7 - 0.5$", "It says $6*9.5/2 \\leq 15$"), besides `HYPOTHETICAL`'s words
_CONDITION = re.compile(
    r"\b(?:inequalit(?:y|ies)|conditions?|constraints?|says|requires?|testing|checking)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\\not\b|\\n(?:less|gtr|leq|geq)\b|≮|≯|\\nleq|\\ngeq")
# "$\\pi$ is greater than 4", "99 is not less than 100": values in math or in digits
_VALUE = (
    r"(?:\$(?P<{0}1>[^$]{{1,40}})\$|\\\((?P<{0}2>.{{1,40}}?)\\\)"
    r"|(?<![\w.])(?<!\d,)(?P<{0}3>\d+(?:\.\d+)?)(?!\w|[.,]\d))"
)
_PROSE = re.compile(
    _VALUE.format("left")
    + r"\s+is\s+(?P<not>not\s+)?(?P<way>greater|larger|bigger|more|less|smaller|fewer)"
    + r"\s+than\s+(?P<equal>or\s+equal\s+to\s+)?"
    + _VALUE.format("right"),
    re.IGNORECASE,
)
_ABOVE = frozenset({"greater", "larger", "bigger", "more"})
_OPPOSITE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_COMMAND = re.compile(r"\\[A-Za-z]+")
_LETTER = re.compile(r"[A-Za-z]")
_DECIMAL = re.compile(r"\d\.(\d+)")
_TIGHT = 1e-9


def find_comparisons(text: str) -> list[DecidedLink]:
    """Each comparison of two values ``text`` writes in LaTeX or says in words, decided
    (see the module docstring)."""
    out: list[DecidedLink] = []
    begins = sentence_begins(text)
    if " than " in text:
        out += _prose(text, begins)
    if _TRIGGER.search(text) is None:
        return out[:MAX_COMPARISONS]
    for line, offset, _ in math_lines(text):
        if _TRIGGER.search(line) is None or _NEGATED.search(line):
            continue
        if _supposed(text, begins, offset):
            continue  # supposed, asked for, or a condition written out: not asserted
        bounds = [0, *itertools.chain.from_iterable(m.span() for m in _CUT.finditer(line))]
        bounds.append(len(line))
        for start, end in zip(bounds[0::2], bounds[1::2], strict=True):
            out += _decided(line[start:end], offset + start)
            if len(out) >= MAX_COMPARISONS:
                return out[:MAX_COMPARISONS]
    return out


def _prose(text: str, begins: Callable[[int], int]) -> list[DecidedLink]:
    """The comparisons ``text`` states in words between two values."""
    out = []
    for m in itertools.islice(_PROSE.finditer(text), MAX_COMPARISONS):
        if _supposed(text, begins, m.start()):
            continue
        left = next(g for g in (m["left1"], m["left2"], m["left3"]) if g is not None)
        right = next(g for g in (m["right1"], m["right2"], m["right3"]) if g is not None)
        meaning = (">" if m["way"].lower() in _ABOVE else "<") + ("=" if m["equal"] else "")
        if m["not"]:
            meaning = _OPPOSITE[meaning]
        decided = _compare(left, meaning, right)
        if decided is not None:
            status, reason = decided
            said = f"is {m['not'] or ''}{m['way']} than {m['equal'] or ''}{right.strip()}"
            out.append(DecidedLink(m.start(), m.end(), left.strip(), said, status, reason))
    return out


def _supposed(text: str, begins: Callable[[int], int], at: int) -> bool:
    """Whether the sentence before ``at`` supposes what follows or writes it out as a
    condition ("if", "we need", "the inequality becomes")."""
    begun = begins(at)
    return bool(HYPOTHETICAL.search(text, begun, at) or _CONDITION.search(text, begun, at))


def _decided(segment: str, offset: int) -> list[DecidedLink]:
    """The comparisons of one segment ``A rel B rel C ...``, each pair of neighbours."""
    pieces = _RELATION.split(segment)
    if len(pieces) < 3:
        return []
    sides, relations = pieces[0::2], pieces[1::2]
    out = []
    at = offset
    for k, relation in enumerate(relations):
        left, right = sides[k], sides[k + 1]
        start = at
        at += len(left) + len(relation)
        meaning = _MEANING.get(relation)
        if meaning is None:  # "=", "\approx": a chain goes on; the checker reads those
            continue
        neighbours = relations[max(0, k - 1) : k + 2]
        if any(r in ("\\approx", "≈") for r in neighbours):
            continue  # "\sqrt{2} \approx 1.41 < 1.415": the rounding written decides it
        decided = _compare(left, meaning, right)
        if decided is not None:
            status, reason = decided
            end = at + len(right.rstrip())
            out.append(
                DecidedLink(start, end, left.strip(), f"{relation} {right.strip()}", status, reason)
            )
    return out


def _compare(left: str, meaning: str, right: str) -> tuple[str, str] | None:
    """``left meaning right`` decided, or None when a side is not a value or the two are
    too close to tell apart."""
    if any(_LETTER.search(_COMMAND.sub(" ", side)) for side in (left, right)):
        return None  # an unknown, or a unit: not two values
    a, b = side_value(left), side_value(right)
    if a is None or b is None or not _real(a) or not _real(b):
        return None
    x, y = a.value, b.value
    if a.approximate or b.approximate:
        try:
            x, y = float(x), float(y)
        except OverflowError:  # an exact side beyond a float's range, against an irrational
            return None
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        if abs(x - y) <= _TIGHT * max(1.0, abs(x), abs(y)):
            return None
    holds = {
        "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "!=": x != y,
    }[meaning]  # fmt: skip
    if holds:
        return "verified", "the comparison holds"
    room = _rounding(left) + _rounding(right)
    if room and abs(Fraction(x) - Fraction(y)) <= room:
        return None  # within the rounding of a decimal written on a side
    return "refuted", f"the comparison fails: the sides are {_shown(x)} and {_shown(y)}"


def _real(value: SideValue) -> bool:
    return isinstance(value.value, (Fraction, float, int))


def _rounding(side: str) -> Fraction:
    """One unit of the last place of the least precise decimal written on ``side`` (0 if
    none): a value written rounded may sit on either side of the one it rounds."""
    places = [len(m[1]) for m in _DECIMAL.finditer(side)]
    return Fraction(1, 10 ** min(places)) if places else Fraction(0)


def _shown(value: Fraction | float) -> str:
    if isinstance(value, Fraction) and value.denominator == 1 and abs(value) < 10**30:
        return str(value)
    return f"{float(value):.6g}"
