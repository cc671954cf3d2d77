"""Relations given before a rewrite, and rewrites that may lean on them.

A rewrite that differs at random points may still be right where the problem's
relations hold: ``(x - y)^2 + 2xy = 1 + 2xy`` when ``x - y = 1`` is given, ``z \\cdot z^3 =
z`` after ``z^3 = 1``, ``\\frac{1}{1 + \\omega^k} + \\frac{\\omega^k}{\\omega^k +
\\omega^{1997}}`` with ``\\omega^{1997} = 1``. `find_relations` reads the relations a text
states: its LaTeX equations (``A = B = C`` as ``A = B`` and ``B = C``; identities, which
constrain nothing, left out), "$a$ and $b$ are the roots of $x^2 - 3x + 1 = 0$" and
"$a$ and $b$ are 12th roots of unity". `holds_under` looks for points where the
relations that share the rewrite's variables hold (Newton's method in complex floats
from random starts, bounded: no sympy, no timeouts) and compares the two sides there.

`reconsider` is what the step checker asks of a refuted rewrite: "unverifiable" when it
holds at such a point, or when nothing was read of what it leans on (lengths in a figure,
``AB`` or ``[ABC]``; a letter the problem uses as a function, ``f(ab) = f(a) f(b)``;
roots, which hold for small positive values); None (the refutation stands) otherwise.

>>> relations = find_relations("If $x-y=1$ and $x^2+y^2=7$, find $x^3-y^3$.")
>>> len(relations)
2
>>> holds_under(Rewrite(0, 0, "(x-y)^2+2xy", "1+2xy"), relations)
True
>>> holds_under(Rewrite(0, 0, "(x-y)^2", "x^2 + y^2"), relations)
False
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import evaluate, points_for
from stepscore.verifiers.math.expression import Expression
from stepscore.verifiers.steps.identities import (
    Rewrite,
    compile_side,
    decide_rewrite,
    function_letters,
    math_lines,
    split_relations,
)
from stepscore.verifiers.steps.recompute import Outcome
from stepscore.verifiers.steps.variety import FAILS, Relation, solve

__all__ = ["Relation", "find_relations", "holds_under", "reconsider"]

MAX_RELATIONS = 10
# texts read for relations, at most: the problem and the latest steps (each refuted
# rewrite reads them again, so an unbounded trace would cost time quadratic in its length)
MAX_TEXTS = 64
_RETRIES = 3
_POINTS = 5  # points where the relations hold, at most, to compare the sides at
_BUDGET = 6_000  # evaluations of one relation, in all, per rewrite
_FAILS = FAILS


@functools.lru_cache(maxsize=256)
def find_relations(text: str) -> tuple[Relation, ...]:
    """The relations ``text`` states (see the module docstring), in order."""
    if "=" not in text and "root" not in text and "\\ne" not in text:
        return ()
    try:
        return tuple(_equations(text)) + tuple(_roots(text)) + tuple(_exclusions(text))
    except RecursionError:
        return ()


_NEQ = re.compile(r"([^$,;=<>]+?)\\neq?(?![A-Za-z])([^$,;=<>]+)")


def _exclusions(text: str) -> list[Relation]:
    """``z \\neq 1``, ``a^2 + b^2 \\neq 0``: points to leave out."""
    out = []
    for line, _, _ in math_lines(text) if "\\ne" in text else ():
        for m in _NEQ.finditer(line):
            a, b = compile_side(m[1]), compile_side(m[2])
            if a is not None and b is not None and (a.variables or b.variables):
                out.append(Relation(a, b, a.variables | b.variables, holds=False))
    return out


def _equations(text: str) -> list[Relation]:
    """The links of the text's chains of ``=`` (a row that opens with ``=`` goes on from
    the row above), between the pieces the grammar reads (``a + b + c = e^{ix} + e^{iy} +
    e^{iz} = (\\cos x + ...) + i (...) = 0``: ``e^{ix} + e^{iy} + e^{iz} = 0``)."""
    functions = function_letters(text)
    out: list[Relation] = []
    last: tuple[str, Expression] | None = None  # what the row above ends on
    polynomials = [m.span(2) for m in _ROOTS_OF.finditer(text)] if "root" in text else []
    for line, offset, gap in math_lines(text):
        if not line.strip() or any(a <= offset < b for a, b in polynomials):
            continue  # (``x^2 - 3x + 1 = 0`` whose roots are named: no relation on x)
        segments = split_relations(line, offset)
        goes_on = gap == "" and line.lstrip(" \t&").startswith("=")
        for k, pieces in enumerate(segments):
            sides = [(p, _read(p, functions)) for p, _ in pieces if p.strip()]
            read = [(p, e) for p, e in sides if e is not None]
            if k == 0 and goes_on and last is not None:
                read.insert(0, last)
            for (pa, a), (pb, b) in itertools.pairwise(read):
                if not _identity(pa, pb):
                    out.append(Relation(a, b, a.variables | b.variables))
            last = read[-1] if read and len(segments) == 1 else None
        if not segments:
            last = None
    return [r for r in out if r.variables]


def _read(piece: str, functions: frozenset[str]) -> Expression | None:
    """The piece as an expression a relation may hold: read by the grammar, no decimal,
    no function applied, no variable raised to a variable (``\\omega^n``: for every n)."""
    if _applied(piece, functions):
        return None
    expr = compile_side(piece)
    if expr is None or expr.inexact or _exponent_varies(expr.tree):
        return None
    return expr


def _exponent_varies(node: tuple) -> bool:
    if node[0] == "pow" and _has_variable(node[1]) and _has_variable(node[2]):
        return True
    return any(isinstance(child, tuple) and _exponent_varies(child) for child in node[1:])


def _has_variable(node: tuple) -> bool:
    if node[0] == "var":
        return True
    return any(isinstance(child, tuple) and _has_variable(child) for child in node[1:])


def _applied(piece: str, functions: frozenset[str]) -> bool:
    return any(re.search(rf"(?<![A-Za-z\\]){f}\s*(?:\\left\s*)?\(", piece) for f in functions)


def _identity(a: str, b: str) -> bool:
    return decide_rewrite(Rewrite(0, 0, a, b))[0] == "verified"


_NAMES = r"((?:\$[^$]{1,40}\$[\s,]*(?:and\s+|or\s+)?){1,6})"
_ROOTS_OF = re.compile(
    _NAMES + r"(?:be|are)\s+(?:the\s+|two\s+|three\s+|all\s+)?(?:\w+\s+){0,2}roots?\s+of\s+"
    r"(?:the\s+)?(?:polynomial\s+|equation\s+|cubic\s+|quadratic\s+)?\$([^$]{1,200})\$",
    re.IGNORECASE,
)
_OF_UNITY = re.compile(
    _NAMES + r"(?:be|are)\s+(?:\w+\s+){0,3}?(\d{1,4})(?:st|nd|rd|th)\s+roots?\s+of\s+unity",
    re.IGNORECASE,
)
_LETTER = re.compile(r"^\s*(\\[A-Za-z]+|[A-Za-z](?:_\{?\w+\}?)?)\s*$")


def _roots(text: str) -> list[Relation]:
    """ "$a$ and $b$ are the roots of $x^2 - 3x + 1 = 0$": ``x^2 - 3x + 1 = 0`` at ``a``
    and at ``b``; "$a$ and $b$ are 12th roots of unity": ``a^{12} = 1``, ``b^{12} = 1``."""
    if "root" not in text:
        return []
    out = []
    for m in _ROOTS_OF.finditer(text):
        names, pieces = _letters(m[1]), [p for p in m[2].split("=") if p.strip()]
        sides = [compile_side(p) for p in pieces]
        if not names or len(sides) not in (1, 2) or any(s is None for s in sides):
            continue
        left = sides[0]
        right = sides[1] if len(sides) == 2 else compile_side("0")
        unknowns = left.variables | right.variables  # type: ignore[union-attr]
        if len(unknowns) != 1:
            continue
        (unknown,) = unknowns
        for name in names:
            out.append(Relation(left, right, frozenset({name}), ((unknown, name),)))  # type: ignore[arg-type]
        for a, b in itertools.combinations(names, 2):  # the roots: distinct ones
            x, y = compile_side(a), compile_side(b)
            if x is not None and y is not None:
                out.append(Relation(x, y, frozenset({a, b}), holds=False))
    for m in _OF_UNITY.finditer(text):
        power, one = compile_side(f"z^{{{m[2]}}}"), compile_side("1")
        for name in _letters(m[1]):
            out.append(Relation(power, one, frozenset({name}), (("z", name),)))  # type: ignore[arg-type]
    return out


def _letters(names: str) -> list[str]:
    out = []
    for inside in re.findall(r"\$([^$]*)\$", names):
        for part in inside.split(","):
            m = _LETTER.match(part)
            expr = compile_side(part) if m else None
            if expr is not None and len(expr.variables) == 1 and expr.tree[0] == "var":
                out.append(expr.tree[1])
    return out


def holds_under(rewrite: Rewrite, relations: Sequence[Relation]) -> bool | None:
    """Whether the two sides agree at a point where relations sharing their variables
    hold: True at one such point, False when they differ at every one (two at least),
    None when no relation applies or no point was found.

    The relations are taken latest first (a case the text has just assumed, ``x = 0``,
    before an earlier one, ``x = -1``); one that cannot hold with those taken already
    (no point found) is left out. A relation ``v = c`` fixes v outright."""
    left, right = compile_side(rewrite.left), compile_side(rewrite.right)
    if left is None or right is None:
        return None
    names = left.variables | right.variables
    chosen = _relevant(names, relations[::-1])
    if not chosen:
        return None
    fixed: dict[str, complex] = {}
    rest = []
    excluded = [relation for relation in chosen if not relation.holds]
    for relation in chosen:
        if not relation.holds:
            continue
        value = _fixes(relation)
        if value is None:
            rest.append(relation)
        elif value[0] not in fixed:
            fixed[value[0]] = value[1]
    rng = random.Random(rewrite.left + "=" + rewrite.right)
    budget = [_BUDGET]
    system: list[Relation] = []
    points: list[dict[str, complex]] = []
    for relation in rest:
        point = solve([*system, relation], fixed, rng, budget, points[0] if points else {})
        for _ in range(_RETRIES):  # Newton from afar may wander: a few fresh starts
            if point is not None:
                break
            point = solve([*system, relation], fixed, rng, budget, {})
        if point is not None:
            system, points = [*system, relation], [point]
    if not system and not fixed:
        return None
    while system and points and len(points) < _POINTS and budget[0] > 0:
        point = solve(system, fixed, rng, budget, {})
        if point is not None:
            points.append(point)
    differ = 0
    points = [p for p in points if not any(_met(r, {**fixed, **p}) for r in excluded)]
    if system and not points:
        return None
    for point in points or [{}]:
        for _ in range(2 if not system else 1):
            free = {n: complex(rng.randint(2, 30)) for n in names - point.keys() - fixed.keys()}
            same = _agree(left, right, {**fixed, **point, **free})
            if same:
                return True
            differ += same is False
    return False if differ >= 2 else None


def _met(relation: Relation, env: Mapping[str, complex]) -> bool:
    """Whether ``left = right`` at ``env`` (to 1e-6); False where either is undefined."""
    try:
        difference, scale = relation.residual(env)
    except (*_FAILS, KeyError):
        return False
    return abs(difference) <= 1e-6 * scale


def _relevant(names: frozenset[str], relations: Sequence[Relation]) -> list[Relation]:
    """The relations that share a variable with ``names``, then with theirs (twice), in
    the order given, at most `MAX_RELATIONS`."""
    reach, chosen = set(names), []
    for _ in range(2):
        for relation in relations:
            if relation not in chosen and relation.variables & reach:
                chosen.append(relation)
        for relation in chosen:
            reach |= relation.variables
    return chosen[:MAX_RELATIONS]


def _fixes(relation: Relation) -> tuple[str, complex] | None:
    """``(v, c)`` for ``v = c`` (either way round), c a number."""
    for a, b in ((relation.left, relation.right), (relation.right, relation.left)):
        if a.tree[0] == "var" and not b.variables:
            try:
                value = complex(evaluate(b, {}))
            except _FAILS:
                return None
            return dict(relation.rename).get(a.tree[1], a.tree[1]), value
    return None


def _agree(left: Expression, right: Expression, env: Mapping[str, complex]) -> bool | None:
    try:
        a, b = complex(evaluate(left, env)), complex(evaluate(right, env))  # type: ignore[arg-type]
    except _FAILS:
        return None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


# --- what the checker asks -----------------------------------------------------------

# Lengths and areas in a figure (``AB``, ``EC``, ``[ABC]``): the grammar reads them as
# products of letters; what relates them is the figure, not algebra.
_FIGURE = re.compile(r"(?<![\\A-Za-z])[A-Z]{2,}(?![a-z])|\[[A-Z]{3,}\]")
_ROOT = re.compile(r"\\sqrt|\^\s*\{?\s*-?\s*\d+\s*/|\^\s*\{?\s*\\[dt]?frac")


def reconsider(rewrite: Rewrite, before: Sequence[str]) -> Outcome | None:
    """For a rewrite refuted at random points: "unverifiable" where it may hold after all
    (see the module docstring), given ``before`` (the problem, the steps before, the
    step up to the rewrite's line); None when the refutation stands."""
    sides = rewrite.left + " " + rewrite.right
    if _FIGURE.search(sides):
        return "unverifiable", None, None, "lengths in a figure, related by the figure"
    if _function_of(rewrite, before):
        return "unverifiable", None, None, "a letter the problem uses as a function"
    if _ROOT.search(sides) and _small_positive(rewrite):
        return "unverifiable", None, None, "roots equal for small positive values"
    if _ODD_ROOT.search(sides) and _real_roots_agree(rewrite):
        return "unverifiable", None, None, "equal with real odd roots of negatives"
    if len(before) > MAX_TEXTS:  # a very long trace: the problem and the latest steps
        before = [before[0], *before[len(before) - MAX_TEXTS + 1 :]]
    relations = [r for text in before for r in find_relations(text)]
    if relations and holds_under(rewrite, relations):
        return "unverifiable", None, None, "equal where the relations given hold"
    return None


def _function_of(rewrite: Rewrite, before: Sequence[str]) -> bool:
    """``f(ab) = f(a) f(b)``, with ``f`` applied on both sides and in the problem."""
    applied = r"(?<![A-Za-z\\])([A-Za-z])\s*(?:\\left\s*)?\("
    common = set(re.findall(applied, rewrite.left)) & set(re.findall(applied, rewrite.right))
    return bool(common) and bool(before) and bool(common & set(re.findall(applied, before[0])))


_ODD_ROOT = re.compile(r"\\sqrt\s*\[\s*[3579]\s*\]")


def _real_roots_agree(rewrite: Rewrite) -> bool:
    """Equal at random points with each odd root real (``\\sqrt[3]{-x} = -\\sqrt[3]{x}``;
    the evaluator takes the principal complex root of a negative number)."""
    left, right = compile_side(rewrite.left), compile_side(rewrite.right)
    if left is None or right is None:
        return False
    real = [Expression(_real_odd(e.tree), e.variables, e.inexact) for e in (left, right)]
    agree = 0
    for env in points_for(left.variables | right.variables, 4):
        same = _agree(real[0], real[1], env)  # type: ignore[arg-type]
        if same is False:
            return False
        agree += same is True
    return agree >= 2


def _real_odd(node: tuple) -> tuple:
    """The tree with each odd root ``a^{1/n}`` written ``a (a^2)^{-(n-1)/(2n)}``: real."""
    children = tuple(_real_odd(c) if isinstance(c, tuple) else c for c in node[1:])
    index = children[1] if node[0] == "root" else None
    if index is not None and index[0] == "num" and index[1] in (3, 5, 7, 9):
        a, n = children[0], index[1]
        square = ("pow", a, ("num", Fraction(2)))
        return ("mul", a, ("pow", square, ("num", Fraction(-(n - 1), 2 * n))))
    return (node[0], *children)


def _small_positive(rewrite: Rewrite) -> bool:
    """Equal at random points in (0, 1/2), where every radicand of a product of
    roots, ``\\sqrt{1 - x^2} \\sqrt{1 - 4x^2}``, is positive."""
    left, right = compile_side(rewrite.left), compile_side(rewrite.right)
    if left is None or right is None:
        return False
    rng = random.Random(rewrite.left + rewrite.right)
    names = sorted(left.variables | right.variables)
    agree = 0
    for _ in range(4):
        env = {n: Fraction(rng.randint(1, 49), 100) for n in names}
        if _agree(left, right, env) is not True:  # type: ignore[arg-type]
            return False
        agree += 1
    return agree >= 2
