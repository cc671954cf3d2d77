"""One side of the latest equation, worked on: "Expanding the left-hand side, we get ...".

A step that says it expands, simplifies or factors the left (or right) side of an
equation, then writes an expression, claims that expression is that side rewritten:

    \\[ (2y + 3)(3y^2 + cy + \\tfrac{5}{2}c) = 6y^3 + 5y^2 - 16y + 8 \\]
    Expanding the left-hand side, we get: \\[ 6y^3 + (6c)y^2 + ... \\]

The equation is the latest one written before the words (in the step, else the last
line of the step before) with a single ``=``; what follows the words is read only when
nothing but "we get", "gives" or a colon lies between, and then as an expression alone
or as the side the words name of an equation (``\\[ 2x + 3 = 7 \\]`` after "simplifying
the left side" of ``x + x + 3 = 7``). `find_side_rewrites` returns such links as
`Rewrite`s, which `identities.decide_rewrite` decides like any other: a step that also
moves terms across ("expanding and rearranging") says more than this and is not read.

>>> before = "\\\\[ (x + 1)^2 = 9 \\\\]"
>>> text = "Expanding the left side: $x^2 + 2x + 1$"
>>> [(r.left, r.right) for r in find_side_rewrites(text, before)]
[('(x + 1)^2', 'x^2 + 2x + 1')]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from stepscore.verifiers.steps.identities import (
    RELATION_BREAK,
    Rewrite,
    candidate,
    function_letters,
    math_lines,
    split_relations,
)

__all__ = ["find_side_rewrites"]

MAX_SIDES = 8  # sides worked on, read in one step (each looks back over the step)

_WORKED = re.compile(
    r"\b(?:expand|simplif|multiply(?:ing)?\s+out|distribut|factor)\w*\s+(?:out\s+)?"
    r"(?:the\s+)?(?P<side>left|right)(?:-hand|\s+hand)?\s+side\b"
    r"(?:\s+of\s+(?:the|this|our)\s+equation)?",
    re.IGNORECASE,
)
# between the words and the expression: nothing that says more is done to it
_GAP = re.compile(
    r"\s*[,:]?\s*(?:we\s+(?:get|have|obtain|find)|(?:this|which|it)\s+(?:gives|yields|becomes)"
    r"|gives|yields|becomes|is)?\s*:?\s*",
    re.IGNORECASE,
)


def find_side_rewrites(text: str, before: str | None = None) -> list[Rewrite]:
    """Each side of an equation the step says it works on, with what it becomes (see the
    module docstring); ``before``: the step before's text, where the equation may be."""
    if "side" not in text:
        return []
    out = []
    lines = math_lines(text)
    for m in itertools.islice(_WORKED.finditer(text), MAX_SIDES):
        following = next((line for line in lines if line[1] >= m.end()), None)
        if following is None:
            continue
        line, offset, gap = following
        if gap is None or not _GAP.fullmatch(text, m.end(), offset - _lead(text, offset)):
            continue
        earlier = [line for line in lines if line[1] + len(line[0]) <= m.start()]
        equation = _latest_equation(earlier) or _latest_equation(math_lines(before or ""))
        if equation is None:
            continue
        side = 0 if m["side"].lower() == "left" else 1
        rewritten = _worked_side(line, offset, side)
        if rewritten is None:
            continue
        a, (b, at) = equation[side], rewritten
        if candidate(a, b, function_letters(text + (before or ""))):
            lead = len(b) - len(b.lstrip())
            out.append(Rewrite(at + lead, at + len(b.rstrip()), a.strip(), b.strip()))
    return out


def _lead(text: str, offset: int) -> int:
    """How many characters of math delimiter open the line at ``offset`` (``\\[``, ``$``)."""
    k = offset
    while k > 0 and text[k - 1] in " \t\n$[(\\":
        k -= 1
    return offset - k


def _latest_equation(
    lines: Sequence[tuple[str, int, str | None]],
) -> tuple[str, str] | None:
    """The two sides of the last of ``lines`` (`math_lines`) that is one equation."""
    for line, offset, _ in reversed(lines):
        if RELATION_BREAK.search(line):
            continue
        segments = split_relations(line, offset)
        if len(segments) == 1 and len(segments[0]) == 2:
            (a, _), (b, _) = segments[0]
            if a.strip() and b.strip():
                return a, b
    return None


def _worked_side(line: str, offset: int, side: int) -> tuple[str, int] | None:
    """What the line gives for the side: the line itself when it is one expression, the
    side of one equation; None for anything else (a chain, a relation)."""
    if RELATION_BREAK.search(line):
        return None
    if "=" not in line:
        return (line, offset) if line.strip() else None
    segments = split_relations(line, offset)
    if len(segments) != 1 or len(segments[0]) != 2:
        return None
    return segments[0][side]
