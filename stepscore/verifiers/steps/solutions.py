"""A value solved for, put back into the equation it was solved from:
``\\frac{6}{10} = \\frac{x}{8 - x} \\Rightarrow x = \\frac{24}{15}``.

`find_solutions` reads, inside one line of the step's LaTeX, an equation in a single
unknown followed by an arrow (``\\Rightarrow``, ``\\implies``, ``\\Longrightarrow``) and
then ``u = c`` for that unknown, with ``c`` an exact number (no decimals, no other
letter, no ``\\pm``). Whatever the steps between, ``c`` must satisfy the equation: the
claim stands when both sides agree at ``u = c`` and is refuted when they are defined and
differ. An equation with a relation other than ``=``, a decimal (maybe rounded), a
function letter (``f(x) = 3 \\Rightarrow x = 2`` may name a point, not a solution) or a
side the grammar cannot read is not read, and neither is a value where a side is
undefined.

>>> step = "\\\\(\\\\frac{6}{10} = \\\\frac{x}{8 - x} \\\\Rightarrow x = 3\\\\)"
>>> [s.status for s in find_solutions(step)]
['verified']
>>> [s.status for s in find_solutions("\\\\(2x + 3 = 11 \\\\implies x = 5\\\\)")]
['refuted']
>>> find_solutions("\\\\(x^2 = 4 \\\\Rightarrow x = \\\\pm 2\\\\)")
[]
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.math.expression import Expression
from stepscore.verifiers.steps.identities import (
    RELATION_BREAK,
    compile_side,
    function_letters,
    math_lines,
)
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_solutions"]

_ARROW = re.compile(r"\\(?:Rightarrow|implies|Longrightarrow)\b")
# Where the value after "u =" ends: another relation, a word, a new clause.
_VALUE_END = re.compile(r"\\approx|,|;|\\text|\\mbox|\\q?quad|\\\\|\\pm|\\mp|\bor\b|\band\b")
# What evaluating a side may raise where it has no exact value: not decided.
_NO_VALUE = (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError)


def find_solutions(text: str) -> list[DecidedLink]:
    """Each ``equation \\Rightarrow u = c`` of ``text``, decided (see the module docstring)."""
    if "=" not in text or _ARROW.search(text) is None or function_letters(text):
        return []
    out = []
    for line, offset, _ in math_lines(text):
        pieces = [(m.start(), m.end()) for m in _ARROW.finditer(line)]
        bounds = [0] + [end for _, end in pieces]
        ends = [start for start, _ in pieces] + [len(line)]
        parts = [(line[a:b], offset + a) for a, b in zip(bounds, ends, strict=True)]
        for (before, at), (after, after_at) in itertools.pairwise(parts):
            equation = _one_equation(before)
            if equation is None:
                continue
            left, right, unknown = equation
            value = _value_for(after, unknown)
            if value is None:
                continue
            decided = _decide(left, right, unknown, value)
            if decided is None:
                continue
            status, reason = decided
            end = after_at + len(after.rstrip())
            claim = f"{unknown} = {value}"
            out.append(DecidedLink(at, end, before.strip(), claim, status, reason))
    return out


def _one_equation(piece: str) -> tuple[Expression, Expression, str] | None:
    """``(left, right, unknown)`` when ``piece`` is one exact equation in one unknown."""
    if piece.count("=") != 1 or RELATION_BREAK.search(piece):
        return None
    left_text, right_text = piece.split("=")
    left, right = compile_side(left_text), compile_side(right_text)
    if left is None or right is None or left.inexact or right.inexact:
        return None
    names = left.variables | right.variables
    if len(names) != 1:
        return None
    return left, right, next(iter(names))


def _value_for(piece: str, unknown: str) -> Fraction | None:
    """The exact value ``piece`` gives ``unknown`` (``x = \\frac{24}{15} = \\frac{8}{5}``:
    the first one), or None."""
    sides = piece.split("=")
    if len(sides) < 2:
        return None
    named = compile_side(sides[0])
    if named is None or named.tree != ("var", unknown):
        return None
    value = compile_side(_VALUE_END.split(sides[1], maxsplit=1)[0])
    if value is None or value.variables or value.inexact:
        return None
    try:
        number = evaluate(value, {})
    except _NO_VALUE:
        return None
    return number if isinstance(number, Fraction) else None


def _decide(
    left: Expression, right: Expression, unknown: str, value: Fraction
) -> tuple[str, str] | None:
    """Both sides at ``unknown = value``: equal, or both exact and different; None when
    a side is undefined there or not exact."""
    env = {unknown: value}
    try:
        a, b = evaluate(left, env), evaluate(right, env)
    except _NO_VALUE:
        return None
    if not (isinstance(a, Fraction) and isinstance(b, Fraction)):
        return None
    if a == b:
        return "verified", "the value satisfies the equation"
    return "refuted", f"at {unknown} = {value} the equation reads {a} = {b}"
