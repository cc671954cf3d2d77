"""A polynomial written as a product of its factors: ``x^3 - 1 = (x - 1)(x^2 + x + 1)``.

A lone ``A = B`` in one unknown is usually an equation to solve, so
`stepscore.verifiers.steps.identities` leaves it alone. One shape is read as a claim that
holds for every value all the same: one side a product of at least two factors that
are sums (``(x - 1)(x^2 - 3x - 6)``, ``2(x + 1)(x - 3)``), the other a sum of terms with
no product of sums in it, both in the same single unknown, of the same degree (at least
2) and with the same leading coefficient, in a step that speaks of factoring or dividing
before it (after "expanding", ``(x - 1)(x + 2) = x^2 + 4`` may be an equation to solve).
`find_factorizations` finds such links in the step's LaTeX;
`stepscore.verifiers.steps.identities.decide_rewrite` decides them at random points.

>>> text = "Factoring: \\\\[ x^2 - 1 = (x - 1)(x + 1) \\\\]"
>>> [(f.left, f.right) for f in find_factorizations(text)]
[('x^2 - 1', '(x - 1)(x + 1)')]
>>> find_factorizations("\\\\( (x - 1)(x + 2) = x + 4 \\\\)")
[]
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.math.expression import Expression, Node
from stepscore.verifiers.steps.equations import MAX_DEGREE, node_degree
from stepscore.verifiers.steps.identities import (
    RELATION_BREAK,
    Rewrite,
    compile_side,
    function_letters,
    math_lines,
    split_relations,
)

__all__ = ["find_factorizations"]

_SAYS_SO = re.compile(
    r"factor|divisi|divid|difference of|sum of (?:two )?(?:squares|cubes)",
    re.IGNORECASE,
)


def find_factorizations(text: str) -> list[Rewrite]:
    """The factorization links of ``text``'s LaTeX (see the module docstring)."""
    if "=" not in text or "(" not in text:
        return []
    functions = function_letters(text)
    said = _SAYS_SO.search(text)  # (read once: a line after it may be a factorization)
    said_by = said.end() if said else len(text) + 1
    out = []
    for line, offset, _ in math_lines(text):
        if RELATION_BREAK.search(line):
            continue
        segments = split_relations(line, offset)
        if len(segments) != 1 or len(segments[0]) != 2:
            continue
        (a, start), (b, at) = segments[0]
        if said_by <= offset and _factorization(a, b, functions):
            lead = len(a) - len(a.lstrip())
            out.append(Rewrite(start + lead, at + len(b.rstrip()), a.strip(), b.strip()))
    return out


def _factorization(a: str, b: str, functions: frozenset[str]) -> bool:
    left, right = compile_side(a), compile_side(b)
    if left is None or right is None or left.inexact or right.inexact:
        return False
    names = left.variables | right.variables
    if len(names) != 1 or left.variables != right.variables or names & functions:
        return False
    if not (_factored(left.tree) and _expanded(right.tree)) and not (
        _factored(right.tree) and _expanded(left.tree)
    ):
        return False
    degree = node_degree(left.tree)
    if degree is None or degree < 2 or degree != node_degree(right.tree):
        return False
    name = next(iter(names))
    lead_a, lead_b = _leading(left, name, degree), _leading(right, name, degree)
    return lead_a is not None and lead_a == lead_b


def _factored(node: Node) -> bool:
    """A product with at least two factors that are sums (powers of sums count)."""
    if node[0] == "neg":
        node = node[1]
    if node[0] != "mul":
        return False
    return sum(_sum_factor(child) for child in node[1:]) >= 2


def _sum_factor(node: Node) -> int:
    if node[0] == "add":
        return 1
    if node[0] == "pow" and node[1][0] == "add" and node[2][0] == "num":
        exponent = node[2][1]
        return int(exponent) if exponent.denominator == 1 and 1 <= exponent <= MAX_DEGREE else 0
    return 0


def _expanded(node: Node) -> bool:
    """A sum of terms none of which multiplies or raises a sum."""
    return node[0] == "add" and not any(_holds_sum(child) for child in node[1:])


def _holds_sum(node: Node) -> bool:
    if node[0] in ("num", "var", "const"):
        return False
    children = [child for child in node[1:] if isinstance(child, tuple)]
    if node[0] in ("mul", "pow", "div") and any(c[0] == "add" for c in children):
        return True
    return any(_holds_sum(child) for child in children)


def _leading(expr: Expression, name: str, degree: int) -> Fraction | None:
    """The coefficient of ``name^degree``: the ``degree``-th finite difference over
    ``degree!``."""
    values = []
    for x in range(degree + 1):
        try:
            value = evaluate(expr, {name: Fraction(x)})
        except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError):
            return None
        if not isinstance(value, Fraction):
            return None
        values.append(value)
    for _ in range(degree):
        values = [b - a for a, b in itertools.pairwise(values)]
    return values[0] / math.factorial(degree)
