"""The shape of an answer: lists, tuples, sets, intervals, unions, matrices, relations.

`parse_answer` reads a normalized answer into a small tree whose leaves are scalar
expressions (strings); `stepscore.verifiers.math.matching` compares two trees, asking a
`Judge` about leaves and relations. How shapes are read:

- ``a, b`` is a bare list (as in "enter all solutions separated by commas"),
  ``\\{a, b\\}`` a set, ``(a, b)`` and ``\\langle a, b\\rangle`` tuples; ``(5)`` is ``5``.
- ``[a, b]``, ``[a, b)``, ``(a, b]`` and ``(a, \\infty)`` are intervals (a plain
  ``(a, b)`` stays a tuple: the comparison treats it as an open interval where needed);
  ``\\cup`` makes a union.
- ``\\begin{pmatrix}...\\end{pmatrix}`` (and ``bmatrix``, ``array``...) is a matrix.
- ``=``, ``<``, ``\\le``... make a relation; ``x \\in S`` is ``S``.
- ``a \\pm b`` is the list ``a+b, a-b`` (one ``\\pm`` per item).
- ``1,234`` (digits in groups of three) is one leaf, a number; the comparison may read
  it as a list if the other side is one.

Parsing is bounded: structures nest at most `MAX_STRUCTURE_DEPTH` deep (deeper text
stays a leaf), and every split is one linear scan.

>>> parse_answer("(-\\\\infty, 3] \\\\cup [4, 5)")  # doctest: +NORMALIZE_WHITESPACE
Union(parts=(Interval(left_closed=False, lo=Leaf(text='-\\\\infty'), hi=Leaf(text='3'),
                      right_closed=True),
             Interval(left_closed=True, lo=Leaf(text='4'), hi=Leaf(text='5'),
                      right_closed=False)))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, Protocol

__all__ = [
    "THOUSANDS",
    "ComparisonMethod",
    "Group",
    "Interval",
    "Judge",
    "Leaf",
    "Matrix",
    "Node",
    "Relation",
    "Union",
    "Verdict",
    "leaves",
    "parse_answer",
    "split_top",
]

MAX_ITEMS = 64  # items in one list/set/tuple; more is not an answer
MAX_STRUCTURE_DEPTH = 8

THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?")
_OPEN = re.compile(r"\\\{|\\langle(?![A-Za-z])|\\begin(?![A-Za-z])|[(\[{]")
_CLOSE = re.compile(r"\\\}|\\rangle(?![A-Za-z])|\\end\{[A-Za-z*]*\}|[)\]}]")
_TOKEN = re.compile(
    r"\\\\|\\\{|\\\}|\\langle(?![A-Za-z])|\\rangle(?![A-Za-z])|\\begin(?![A-Za-z])"
    r"|\\end\{[A-Za-z*]*\}|\\[A-Za-z]+|[(\[{)\]}]|[^\\(\[{)\]}]+|\\."
)
_RELATION_OP = re.compile(r"\\(?:le|ge|ne|approx)(?![A-Za-z])|<|>|=")
_MEMBERSHIP = re.compile(r"^(?:[A-Za-z]|\\[A-Za-z]+)(?:_\{?\w+\}?)?\\in(?![A-Za-z])")
_MATRIX = re.compile(
    r"\\begin\{(?:[pbBvV]?matrix|array)\}(?:\{[lcr|]*\})?(.*)\\end\{(?:[pbBvV]?matrix|array)\}",
    re.DOTALL,
)
_PM = re.compile(r"\\(pm|mp)(?![A-Za-z])")


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar expression, as normalized text."""

    text: str


@dataclass(frozen=True, slots=True)
class Group:
    """A list (bare commas, unordered), a set (unordered) or a tuple (ordered)."""

    kind: Literal["list", "set", "tuple"]
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Interval:
    left_closed: bool
    lo: Node
    hi: Node
    right_closed: bool


@dataclass(frozen=True, slots=True)
class Union:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    rows: tuple[tuple[Node, ...], ...]


@dataclass(frozen=True, slots=True)
class Relation:
    """``parts[0] ops[0] parts[1] ...``; ops are "=", "<", ">", "\\le", "\\ge", "\\ne"."""

    parts: tuple[Node, ...]
    ops: tuple[str, ...]


Node = Leaf | Group | Interval | Union | Matrix | Relation


ComparisonMethod = Literal["exact", "numeric", "structure", "symbolic", "text", "choice"]


class Verdict(NamedTuple):
    """One comparison's outcome: equal (None = undecided here), why, and by what."""

    equal: bool | None
    reason: str
    method: ComparisonMethod


class Judge(Protocol):
    """Decides pairs of leaves and of relations; the cheap judge may answer None."""

    def leaf(self, pred: str, gold: str) -> Verdict: ...

    def relation(self, pred: tuple[str, str], gold: tuple[str, str], kind: str) -> Verdict:
        """Equations (kind "=") equal up to a nonzero factor of ``lhs - rhs``;
        inequalities (kind "<" or "\\le", both as ``lhs < rhs``) up to a positive one."""
        ...


# --- parsing ----------------------------------------------------------------------------


def parse_answer(s: str, depth: int = 0) -> Node:
    """The tree of a normalized answer (see the module docstring)."""
    if depth > MAX_STRUCTURE_DEPTH or THOUSANDS.fullmatch(s):
        return Leaf(s)
    items = split_top(s, ",;")
    if len(items) == 1:
        return _item(s, depth)
    return _group("list", items, depth)


def split_top(s: str, separators: str) -> list[str]:
    """``s`` split at the separator characters outside any bracket, brace or environment.

    Brackets count as one kind, since an interval mixes them (``[1, 2)``).
    """
    parts: list[str] = []
    start = 0
    for m in _top_level_tokens(s):
        if m[0].startswith("\\"):
            continue
        for i, c in enumerate(m[0]):
            if c in separators:
                parts.append(s[start : m.start() + i])
                start = m.start() + i + 1
    parts.append(s[start:])
    return [p.strip() for p in parts]


def _top_level_tokens(s: str) -> Iterator[re.Match[str]]:
    """The tokens of ``s`` outside every bracket, brace and environment."""
    depth = 0
    for m in _TOKEN.finditer(s):
        if _OPEN.fullmatch(m[0]):
            depth += 1
        elif _CLOSE.fullmatch(m[0]):
            depth = max(0, depth - 1)
        elif depth == 0:
            yield m


def _group(kind: Literal["list", "set", "tuple"], items: list[str], depth: int) -> Node:
    nodes: list[Node] = []
    for item in items[: MAX_ITEMS + 1]:
        node = _item(item, depth + 1)
        if kind != "tuple" and isinstance(node, Group) and node.kind == "list":
            nodes.extend(node.items)  # a \pm pair joins the surrounding list
        else:
            nodes.append(node)
    return Group(kind, tuple(nodes))


def _item(s: str, depth: int) -> Node:
    s = s.strip()
    if depth > MAX_STRUCTURE_DEPTH:
        return Leaf(s)
    member = _MEMBERSHIP.match(s)
    if member and member.end() < len(s):
        return parse_answer(s[member.end() :], depth + 1)
    parts = _split_ops(s, _CUP)
    if len(parts) > 1:
        return Union(tuple(_item(p, depth + 1) for p in parts[::2]))
    parts = _split_ops(s, _RELATION_OP)
    if len(parts) > 1:
        return Relation(
            tuple(_item(p, depth + 1) for p in parts[::2]),
            tuple(_RELATION_NAMES.get(op, op) for op in parts[1::2]),
        )
    structured = _bracketed(s, depth) or _matrix(s, depth)
    if structured is not None:
        return structured
    pm = list(_PM.finditer(s))
    if len(pm) == 1:
        plus, minus = ("+", "-") if pm[0][1] == "pm" else ("-", "+")
        m = pm[0]
        return Group(
            "list",
            (
                _item(s[: m.start()] + plus + s[m.end() :], depth + 1),
                _item(s[: m.start()] + minus + s[m.end() :], depth + 1),
            ),
        )
    return Leaf(s)


_CUP = re.compile(r"\\cup(?![A-Za-z])")
_RELATION_NAMES = {"\\approx": "="}


def _split_ops(s: str, pattern: re.Pattern[str]) -> list[str]:
    """``[part, op, part, op, part...]`` at top-level matches of ``pattern``."""
    if pattern.search(s) is None:
        return [s]
    out: list[str] = []
    start = 0
    for m in _top_level_tokens(s):
        for op in pattern.finditer(m[0]):
            out += [s[start : m.start() + op.start()], op[0]]
            start = m.start() + op.end()
    out.append(s[start:])
    if any(not p.strip() for p in out[::2]):
        return [s]  # "<5" or "x=": not a relation to split
    return [p.strip() for p in out]


def _bracketed(s: str, depth: int) -> Node | None:
    """A set, tuple or interval whose brackets enclose the whole of ``s``."""
    opener = _OPEN.match(s)
    if opener is None or opener[0] in ("{", "\\begin"):
        if opener is not None and opener[0] == "{" and _closing_at_end(s, 0):
            return _item(s[1:-1], depth + 1)  # "{5}" is 5
        return None
    close = _closing_at_end(s, 0)
    if close is None:
        return None
    closer = s[close:]
    inner = s[opener.end() : close]
    items = split_top(inner, ",;") if inner.strip() else []
    if opener[0] == "\\{":
        if closer != "\\}":
            return None
        return Group("set", ()) if not items else _group("set", items, depth)
    if not items:
        return None
    if opener[0] == "\\langle" or closer == "\\rangle":
        return _group("tuple", items, depth) if closer == "\\rangle" else None
    if len(items) == 1:
        return _item(inner, depth + 1) if (opener[0] + closer) in ("()", "[]") else None
    if len(items) == 2 and (opener[0] + closer != "()" or "\\infty" in inner):
        lo, hi = (_item(i, depth + 1) for i in items)
        return Interval(opener[0] == "[", lo, hi, closer == "]")
    if opener[0] + closer in ("()", "[]"):
        return _group("tuple", items, depth)
    return None


def _closing_at_end(s: str, start: int) -> int | None:
    """Where the bracket that opens ``s`` closes, if its closer ends ``s``."""
    depth = 0
    for m in _TOKEN.finditer(s, start):
        tok = m[0]
        if _OPEN.fullmatch(tok):
            depth += 1
        elif _CLOSE.fullmatch(tok):
            depth -= 1
            if depth == 0:
                return m.start() if m.end() == len(s) else None
    return None


def _matrix(s: str, depth: int) -> Node | None:
    m = _MATRIX.fullmatch(s)
    if m is None or "\\begin" in m[1]:
        return None
    rows = [r for r in re.split(r"\\\\", m[1]) if r.strip()]
    cells = tuple(tuple(_item(c, depth + 1) for c in r.split("&")) for r in rows[:MAX_ITEMS])
    if not cells or len({len(r) for r in cells}) != 1:
        return None
    return Matrix(cells)


def leaves(node: Node) -> list[str]:
    """The texts of all leaves of a tree, in order."""
    if isinstance(node, Leaf):
        return [node.text]
    if isinstance(node, Group):
        children: tuple[Node, ...] = node.items
    elif isinstance(node, Interval):
        children = (node.lo, node.hi)
    elif isinstance(node, Union):
        children = node.parts
    elif isinstance(node, Matrix):
        children = tuple(c for row in node.rows for c in row)
    else:
        children = node.parts
    return [text for child in children for text in leaves(child)]
