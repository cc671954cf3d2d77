"""A value solved for, put back into the equation it was solved from:
``\\frac{6}{10} = \\frac{x}{8 - x} \\Rightarrow x = \\frac{24}{15}``.

`find_solutions` reads, inside one line of the step's LaTeX, an equation in a single
unknown followed by an arrow (``\\Rightarrow``, ``\\implies``, ``\\Longrightarrow``) and
then ``u = c`` for that unknown, with ``c`` an exact number (no decimals, no other
letter, no ``\\pm``); and the same across two lines of LaTeX in a row (of plain text, in
a step with no LaTeX: `equations.plain_lines`), the equation alone on the first and
``u = c`` opening the second, with nothing between them but
the connective words `equations` reads between rewritten lines (``$$4y = 260,$$ and
thus, $$y = 40.$$``; "so", "hence", "solving for x, we find"; the unknown may be set in
math there: "Solving for \\( x \\) gives us \\( x = 2 \\)"), unless a line is a
value itself (``x = 0, x = 9``) or an "or" pairs alternatives. Whatever the steps between,
``c`` must satisfy the equation: the claim stands when both sides agree at ``u = c``
and is refuted when they are defined and differ. An equation with a relation other
than ``=``, a decimal (maybe rounded), a letter the text applies as a function
(``f(x) = 3 \\Rightarrow x = 2`` may name a point, not a solution) or a side the
grammar cannot read is not read, and neither is a value where a side is undefined.

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
from stepscore.verifiers.steps.equations import CONNECTIVE, plain_lines
from stepscore.verifiers.steps.identities import (
    LIST_JOIN,
    RELATION_BREAK,
    compile_side,
    function_letters,
    math_lines,
)
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_solutions"]

_ARROW = re.compile(r"\\(?:Rightarrow|implies|Longrightarrow)\b")
_LONE_LETTER = re.compile(r"[A-Za-z]")
_LARGEST = 1 << 4096  # a value beyond this is not read (nor written out)
_END_PUNCTUATION = " \t,.;:&"
# Where the value after "u =" ends: another relation, a word, a new clause.
_VALUE_END = re.compile(r"\\approx|,|;|\\text|\\mbox|\\q?quad|\\\\|\\pm|\\mp|\bor\b|\band\b")
# What evaluating a side may raise where it has no exact value: not decided.
_NO_VALUE = (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError)


def find_solutions(text: str) -> list[DecidedLink]:
    """Each ``equation \\Rightarrow u = c`` of ``text``, decided (see the module docstring)."""
    if "=" not in text:
        return []
    applied = function_letters(text)
    lines = math_lines(text)
    out = _across_lines(lines or plain_lines(text), applied)
    if _ARROW.search(text) is None:
        return out
    for line, offset, _ in lines:
        pieces = [(m.start(), m.end()) for m in _ARROW.finditer(line)]
        bounds = [0] + [end for _, end in pieces]
        ends = [start for start, _ in pieces] + [len(line)]
        parts = [(line[a:b], offset + a) for a, b in zip(bounds, ends, strict=True)]
        for (before, at), (after, after_at) in itertools.pairwise(parts):
            link = _solved(before, at, after, after_at, applied)
            if link is not None:
                out.append(link)
    return out


def _across_lines(
    lines: tuple[tuple[str, int, str | None], ...], applied: frozenset[str]
) -> list[DecidedLink]:
    """An equation alone on a line, then ``u = c`` opening the next line, with at most a
    connective between them."""
    out = []
    lines = _unknowns_folded(lines)
    gaps = [gap for _, _, gap in lines[1:]] + [None]
    for k, ((before, at, _), (after, after_at, gap)) in enumerate(itertools.pairwise(lines)):
        if gap is None or CONNECTIVE.fullmatch(gap) is None:
            continue
        if any(LIST_JOIN.fullmatch(g or "") for g in (lines[k][2], gaps[k + 1])):
            continue  # "x + 3 = 6 or x + 3 = -6, so x = 3 or x = -9": paired by position
        equation = before.strip(_END_PUNCTUATION)
        if not equation or before.lstrip(" \t&").startswith("=") or _is_value(equation):
            continue  # a line that continues the one before it, or a value ("x = 0, x = 9")
        link = _solved(equation, at, after.rstrip(_END_PUNCTUATION), after_at, applied)
        if link is not None:
            out.append(link)
    return out


def _unknowns_folded(
    lines: tuple[tuple[str, int, str | None], ...],
) -> tuple[tuple[str, int, str | None], ...]:
    """The lines, with a lone letter set in math inside the prose between two lines read
    as part of that prose when the next line gives it a value: "the equation \\( 8 - 4x
    = 0 \\). Solving for \\( x \\) gives us \\( x = 2 \\)"."""
    out: list[tuple[str, int, str | None]] = []
    held: str | None = None  # the prose before a folded letter, to join to the next gap
    for k, (line, at, gap) in enumerate(lines):
        if held is not None:
            gap, held = (None if gap is None else f"{held} {gap}"), None
        letter = line.strip()
        later = lines[k + 1] if k + 1 < len(lines) else None
        if (
            out
            and gap is not None
            and later is not None
            and later[2] is not None
            and _LONE_LETTER.fullmatch(letter)
            and _value_for(later[0], letter) is not None
        ):
            held = gap
            continue
        out.append((line, at, gap))
    return tuple(out)


def _is_value(piece: str) -> bool:
    """Whether ``piece`` gives one letter an exact value (``x = 0``): a solution already."""
    return _value_for(piece) is not None


def _solved(
    before: str, at: int, after: str, after_at: int, applied: frozenset[str]
) -> DecidedLink | None:
    """``before`` (one equation in one unknown) solved by ``after`` (``u = c``), decided."""
    equation = _one_equation(before, applied)
    if equation is None:
        return None
    left, right, unknown = equation
    value = _value_for(after, unknown)
    if value is None:
        return None
    decided = _decide(left, right, unknown, value)
    if decided is None:
        return None
    status, reason = decided
    end = after_at + len(after.rstrip())
    return DecidedLink(at, end, before.strip(), f"{unknown} = {value}", status, reason)


def _one_equation(piece: str, applied: frozenset[str]) -> tuple[Expression, Expression, str] | None:
    """``(left, right, unknown)`` when ``piece`` is one exact equation in one unknown,
    which is not a letter the text applies as a function (``f(2) = 3``)."""
    if piece.count("=") != 1 or RELATION_BREAK.search(piece):
        return None
    left_text, right_text = piece.split("=")
    left, right = compile_side(left_text), compile_side(right_text)
    if left is None or right is None or left.inexact or right.inexact:
        return None
    names = left.variables | right.variables
    if len(names) != 1 or names & applied:
        return None
    return left, right, next(iter(names))


def _value_for(piece: str, unknown: str | None = None) -> Fraction | None:
    """The exact value ``piece`` gives ``unknown`` (``x = \\frac{24}{15} = \\frac{8}{5}``:
    the first one; any one letter when ``unknown`` is None), or None."""
    sides = piece.split("=")
    if len(sides) < 2:
        return None
    named = compile_side(sides[0])
    if named is None or named.tree[0] != "var" or unknown not in (None, named.tree[1]):
        return None
    end = _VALUE_END.search(sides[1])
    if end is not None and end.group() in ("\\pm", "\\mp"):
        return None  # "x = 2 \\pm 3": two values
    value = compile_side(sides[1] if end is None else sides[1][: end.start()])
    if value is None or value.variables or value.inexact:
        return None
    try:
        number = evaluate(value, {})
    except _NO_VALUE:
        return None
    if (
        not isinstance(number, Fraction)
        or max(abs(number.numerator), number.denominator) > _LARGEST
    ):
        return None  # (nor written out: a str() of it could exceed Python's digit limit)
    return number


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
    return "refuted", f"at {unknown} = {value} the equation reads {_shown(a)} = {_shown(b)}"


def _shown(number: Fraction) -> str:
    """``number`` as written in a reason; one too long to write, by its size."""
    if max(abs(number.numerator), number.denominator) > _LARGEST:
        return "a number of over 1,200 digits"
    return str(number)
