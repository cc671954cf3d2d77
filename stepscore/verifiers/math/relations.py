"""Equations and inequalities: when ``x = 3`` is ``3``, and when two relations agree.

- An assignment (``x = 3``, ``f(2) = 7``, ``\\angle ABC = 30``, ``(x, y) = (2, 3)``: a
  name or a tuple of names, ``=``, a value)
  stands for its value: it equals ``3``, and ``x = 3`` vs ``y = 3`` differ (different
  variables). A chain ``AB = \\sqrt{9+16} = 5`` stands for its last part, and so does a
  computation ``\\frac{28}{4} = 7`` (constants only before the last ``=``).
- Any other equation is compared only with an equation: ``y = 2x + 1`` equals
  ``2x - y + 1 = 0`` (``lhs - rhs`` equal up to a nonzero factor) and never ``y = 3x``;
  ``x^2 = 3`` is not ``3``.
- A one-variable inequality is the interval it describes: ``x > 3`` is ``(3, \\infty)``,
  ``-2 \\le x < 1`` is ``[-2, 1)``, ``x \\ne 1`` is ``(-\\infty, 1) \\cup (1, \\infty)``,
  and ``x < -1 \\text{ or } x > 2`` (a list of them) is a union.
- Other inequalities compare as inequalities: same strictness, and ``rhs - lhs`` equal up
  to a positive factor (``a > b`` is read as ``b < a``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stepscore.verifiers.math.expression import GREEK_LETTERS, compile_expression
from stepscore.verifiers.math.numbers import parse_number
from stepscore.verifiers.math.structures import (
    Group,
    Interval,
    Judge,
    Leaf,
    Node,
    Relation,
    Union,
    Verdict,
)

__all__ = ["as_union", "compare_relation", "is_assignment"]

_Compare = Callable[[Node, Node, Judge], Verdict]

_GREEK = "|".join(sorted(GREEK_LETTERS))
_VARIABLE = re.compile(rf"(?:[A-Za-z]|\\(?:{_GREEK}))(?:_\{{?\w+\}}?)?")
_NAME = re.compile(
    rf"(?:[A-Za-z]|\\(?:{_GREEK}))(?:_\{{?[\w\\]+\}}?)?(?:\^\{{-1\}})?'*(?:\([^()=<>]*\))?"
    r"|m?\\angle ?[A-Z]{1,3}|[A-Z]{2,3}|\\overline\{[A-Z]{2}\}"
)
_CONSTANTS = frozenset({"e", "i"})
_COMMAND = re.compile(r"\\[A-Za-z]+")
_LETTER = re.compile(r"[A-Za-z]")
_FLIP = {"<": ">", ">": "<", "\\le": "\\ge", "\\ge": "\\le", "\\ne": "\\ne", "=": "="}
_INEQUALITY = frozenset({"<", ">", "\\le", "\\ge"})
_INFINITY = Leaf("\\infty")
_MINUS_INFINITY = Leaf("-\\infty")


def is_assignment(rel: Relation) -> bool:
    """``name = value`` (or a chain of ``=`` starting at a name)."""
    if not all(op == "=" for op in rel.ops):
        return False
    first = rel.parts[0]
    if isinstance(first, Group) and first.kind == "tuple":  # (x, y) = (2, 3)
        return all(_is_name(item) for item in first.items)
    return _is_name(first)


def _is_name(node: Node) -> bool:
    return (
        isinstance(node, Leaf)
        and _NAME.fullmatch(node.text) is not None
        and node.text not in _CONSTANTS
    )


def _is_computation(rel: Relation) -> bool:
    """``\\frac{28}{4} = 7``: constants equated, the last one the result."""
    if not all(op == "=" for op in rel.ops):
        return False
    for part in rel.parts[:-1]:
        if not isinstance(part, Leaf):
            return False
        if parse_number(part.text) is None:
            compiled = compile_expression(part.text)
            if compiled is None and _LETTER.search(_COMMAND.sub("", part.text)) is None:
                continue  # no letter outside commands: \log_2 8, \sin 30^\circ
            if compiled is None or compiled.variables:
                return False
    return True


def as_union(node: Node) -> Node:
    """A list of one-variable inequalities in one variable (``x<1, x>2``) as a union."""
    if not (isinstance(node, Group) and node.kind == "list" and len(node.items) > 1):
        return node
    sets = [_inequality_set(item) for item in node.items if isinstance(item, Relation)]
    described = [s for s in sets if s is not None]
    if len(described) != len(node.items) or len({name for name, _ in described}) != 1:
        return node
    parts: list[Node] = []
    for _, part in described:
        parts.extend(part.parts if isinstance(part, Union) else (part,))
    return Union(tuple(parts))


def compare_relation(pred: Node, gold: Node, judge: Judge, compare: _Compare) -> Verdict:
    """Compare two answers at least one of which is a `Relation` (see the module docstring)."""
    if isinstance(gold, Relation) and isinstance(pred, Relation):
        return _both_relations(pred, gold, judge, compare)
    if isinstance(gold, Relation):
        if is_assignment(gold):
            return compare(pred, gold.parts[-1], judge)
        described = _inequality_set(gold)
        if described is not None and isinstance(pred, Interval | Union | Group):
            return compare(pred, described[1], judge)
        return Verdict(
            False, f"the reference is a relation ({_ops(gold)}), the answer is not", "structure"
        )
    assert isinstance(pred, Relation)
    if (
        is_assignment(pred)
        or _is_computation(pred)
        or (len(pred.parts) > 2 and set(pred.ops) == {"="})
    ):
        return compare(pred.parts[-1], gold, judge)
    described = _inequality_set(pred)
    if described is not None and isinstance(gold, Interval | Union | Group):
        return compare(described[1], gold, judge)
    return Verdict(
        False, f"the answer is a relation ({_ops(pred)}), the reference is not", "structure"
    )


def _both_relations(pred: Relation, gold: Relation, judge: Judge, compare: _Compare) -> Verdict:
    if is_assignment(gold) and is_assignment(pred):
        if _key(pred.parts[0]) != _key(gold.parts[0]):
            return Verdict(False, "assignments to different variables", "structure")
        return compare(pred.parts[-1], gold.parts[-1], judge)
    p_set, g_set = _inequality_set(pred), _inequality_set(gold)
    if p_set is not None and g_set is not None:
        if p_set[0] != g_set[0]:
            return Verdict(False, "inequalities in different variables", "structure")
        return compare(p_set[1], g_set[1], judge)
    simple = len(pred.parts) == len(gold.parts) == 2
    if simple and all(isinstance(p, Leaf) for p in (*pred.parts, *gold.parts)):
        verdict = _two_sided(pred, gold, judge)
        if verdict is not None:
            return verdict
    if pred.ops == gold.ops:
        for i, (p, g) in enumerate(zip(pred.parts, gold.parts, strict=True)):
            v = compare(p, g, judge)
            if v.equal is not True:
                return (
                    v if v.equal is None else Verdict(False, f"part {i + 1} differs", "structure")
                )
        return Verdict(True, "relations equal part by part", "structure")
    return Verdict(False, f"different relations ({_ops(pred)} vs {_ops(gold)})", "structure")


def _two_sided(pred: Relation, gold: Relation, judge: Judge) -> Verdict | None:
    """``lhs op rhs`` on both sides: equations up to a factor, inequalities oriented."""
    p_op, g_op = pred.ops[0], gold.ops[0]
    p_sides, g_sides = _sides(pred), _sides(gold)
    if p_op in ("=", "\\ne") or g_op in ("=", "\\ne"):
        if p_op != g_op:
            return Verdict(False, f"different relations ({p_op} vs {g_op})", "structure")
        return judge.relation(p_sides, g_sides, "=")
    if p_op not in _INEQUALITY or g_op not in _INEQUALITY:
        return None
    p_op, p_sides = _as_less(p_op, p_sides)
    g_op, g_sides = _as_less(g_op, g_sides)
    if p_op != g_op:
        return Verdict(False, "a strict and a non-strict inequality", "structure")
    return judge.relation(p_sides, g_sides, p_op)


def _sides(rel: Relation) -> tuple[str, str]:
    lhs, rhs = rel.parts
    assert isinstance(lhs, Leaf) and isinstance(rhs, Leaf)  # checked by the caller
    return lhs.text, rhs.text


def _as_less(op: str, sides: tuple[str, str]) -> tuple[str, tuple[str, str]]:
    if op in (">", "\\ge"):
        return _FLIP[op], (sides[1], sides[0])
    return op, sides


def _inequality_set(rel: Relation) -> tuple[str, Node] | None:
    """(variable, the interval or union it describes) for a one-variable inequality."""
    if not all(op in _INEQUALITY or op == "\\ne" for op in rel.ops):
        return None
    parts = rel.parts
    if len(parts) == 2:
        if _is_variable(parts[0]) and not _is_variable(parts[1]):
            return _key(parts[0]), _ray(rel.ops[0], parts[1])
        if _is_variable(parts[1]) and not _is_variable(parts[0]):
            return _key(parts[1]), _ray(_FLIP[rel.ops[0]], parts[0])
        return None
    if len(parts) == 3 and _is_variable(parts[1]) and "\\ne" not in rel.ops:
        ops = set(rel.ops)
        if ops <= {"<", "\\le"}:
            lo, hi, left, right = parts[0], parts[2], rel.ops[0], rel.ops[1]
        elif ops <= {">", "\\ge"}:
            lo, hi, left, right = parts[2], parts[0], rel.ops[1], rel.ops[0]
        else:
            return None
        return _key(parts[1]), Interval(
            left == "\\le" or left == "\\ge", lo, hi, right in ("\\le", "\\ge")
        )
    return None


def _ray(op: str, bound: Node) -> Node:
    """The set of x with ``x op bound``."""
    if op == "<":
        return Interval(False, _MINUS_INFINITY, bound, False)
    if op == "\\le":
        return Interval(False, _MINUS_INFINITY, bound, True)
    if op == ">":
        return Interval(False, bound, _INFINITY, False)
    if op == "\\ge":
        return Interval(True, bound, _INFINITY, False)
    return Union(
        (Interval(False, _MINUS_INFINITY, bound, False), Interval(False, bound, _INFINITY, False))
    )


def _is_variable(node: Node) -> bool:
    return (
        isinstance(node, Leaf)
        and node.text not in _CONSTANTS
        and _VARIABLE.fullmatch(node.text) is not None
    )


def _key(node: Node) -> str:
    return node.text.replace(" ", "") if isinstance(node, Leaf) else repr(node)


def _ops(rel: Relation) -> str:
    return " ".join(rel.ops)
