"""Comparing two answer trees: which shapes match, and in what order.

The shape rules live here once, for the cheap and the symbolic paths alike; leaves and
two-sided relations are left to a `Judge` (cheap or symbolic), relations to
`stepscore.verifiers.math.relations`.

- A bare list and a set are unordered and ignore repeats (``1, 2, 2`` is ``1, 2``); a
  tuple is ordered; a bare list against a tuple is compared in order (the parentheses
  were dropped). A set is never a tuple.
- ``(a, b)`` is both a pair and an open interval; intervals must agree in brackets and
  endpoints; a union is unordered in its parts.
- A column or row vector equals the tuple of its entries; a matrix equals only a matrix
  of its shape.
- A set of one equals its element; ``\\emptyset`` is the empty set.
- ``1,234`` against a list of as many items is read as that list, so the gold decides
  (``1,234`` vs ``1, 234``).
- Unordered items are matched one-to-one (augmenting paths). With a cheap judge some
  pairs are undecided: if a match exists on decided pairs the answer is equal, if none
  exists even counting undecided pairs it is not, otherwise sympy must decide.

>>> from stepscore.verifiers.math.structures import parse_answer
>>> class Same:
...     def leaf(self, pred, gold): return Verdict(pred == gold, "same text", "exact")
...     def relation(self, pred, gold, kind): return Verdict(None, "", "symbolic")
>>> compare(parse_answer("\\\\{2, 1\\\\}"), parse_answer("1, 2"), Same()).reason
'equal up to order'
"""

from __future__ import annotations

from collections.abc import Callable

from stepscore.verifiers.math.relations import as_union, compare_relation
from stepscore.verifiers.math.structures import (
    MAX_ITEMS,
    THOUSANDS,
    Group,
    Interval,
    Judge,
    Leaf,
    Matrix,
    Node,
    Relation,
    Union,
    Verdict,
)

__all__ = ["compare"]


def compare(pred: Node, gold: Node, judge: Judge) -> Verdict:
    """Whether two answer trees are equal, asking ``judge`` about leaves and relations."""
    pred, gold = as_union(pred), as_union(gold)
    if isinstance(pred, Relation) or isinstance(gold, Relation):
        return compare_relation(pred, gold, judge, compare)
    if isinstance(pred, Leaf) and isinstance(gold, Leaf):
        return judge.leaf(pred.text, gold.text)
    pred, gold = _reconcile(pred, gold)
    if isinstance(pred, Leaf) and isinstance(gold, Leaf):
        return judge.leaf(pred.text, gold.text)
    if isinstance(pred, Interval | Union) or isinstance(gold, Interval | Union):
        return _compare_sets_of_reals(pred, gold, judge)
    if isinstance(pred, Matrix) or isinstance(gold, Matrix):
        return _compare_matrices(pred, gold, judge)
    if isinstance(pred, Group) and isinstance(gold, Group):
        return _compare_groups(pred, gold, judge)
    return Verdict(False, f"a {_kind(pred)} is not a {_kind(gold)}", "structure")


def _reconcile(pred: Node, gold: Node) -> tuple[Node, Node]:
    """Read both sides alike where one side's shape is ambiguous."""
    if isinstance(pred, Leaf) and pred.text == "\\emptyset":
        pred = Group("set", ())
    if isinstance(gold, Leaf) and gold.text == "\\emptyset":
        gold = Group("set", ())
    if isinstance(gold, Group) and isinstance(pred, Leaf):
        if len(gold.items) == 1 and gold.kind == "set":
            gold = gold.items[0]  # {5} vs 5
        elif THOUSANDS.fullmatch(pred.text) and gold.kind != "set":
            pred = Group("list", tuple(Leaf(t) for t in pred.text.split(",")))
    if isinstance(pred, Group) and isinstance(gold, Leaf):
        if len(pred.items) == 1 and pred.kind == "set":
            pred = pred.items[0]
        elif THOUSANDS.fullmatch(gold.text) and pred.kind != "set":
            gold = Group("list", tuple(Leaf(t) for t in gold.text.split(",")))
    return pred, gold


def _compare_groups(pred: Group, gold: Group, judge: Judge) -> Verdict:
    if len(pred.items) > MAX_ITEMS or len(gold.items) > MAX_ITEMS:
        return Verdict(False, f"more than {MAX_ITEMS} items", "structure")
    kinds = {pred.kind, gold.kind}
    if kinds == {"set", "tuple"}:
        return Verdict(False, "a set is not a tuple", "structure")
    if "tuple" in kinds:
        if len(pred.items) != len(gold.items):
            return _count_mismatch(len(pred.items), len(gold.items))
        return _in_order(pred.items, gold.items, judge, "tuples")
    pred_items, pred_sure = _distinct(pred.items, judge)
    gold_items, gold_sure = _distinct(gold.items, judge)
    if len(pred_items) != len(gold_items):
        if pred_sure and gold_sure:
            return _count_mismatch(len(pred_items), len(gold_items))
        return Verdict(None, "duplicates need the symbolic path", "structure")
    return _any_order(pred_items, gold_items, judge)


def _count_mismatch(pred: int, gold: int) -> Verdict:
    return Verdict(False, f"{pred} distinct items vs {gold} in the reference", "structure")


def _distinct(items: tuple[Node, ...], judge: Judge) -> tuple[tuple[Node, ...], bool]:
    """Items with repeats dropped (``1, 2, 2`` is the set ``1, 2``), and whether every
    pair was decided."""
    kept: list[Node] = []
    sure = True
    for item in dict.fromkeys(items):  # exact repeats first, at no cost
        verdicts = [compare(item, k, judge).equal for k in kept]
        if True in verdicts:
            continue
        sure = sure and None not in verdicts
        kept.append(item)
    return tuple(kept), sure


def _in_order(pred: tuple[Node, ...], gold: tuple[Node, ...], judge: Judge, what: str) -> Verdict:
    undecided = None
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        v = compare(p, g, judge)
        if v.equal is False:
            return Verdict(False, f"item {i + 1} differs ({v.reason})", "structure")
        if v.equal is None:
            undecided = v
    if undecided is not None:
        return undecided
    return Verdict(True, f"{what} equal item by item", "structure")


def _any_order(pred: tuple[Node, ...], gold: tuple[Node, ...], judge: Judge) -> Verdict:
    """Unordered: a perfect matching of equal items (undecided pairs may still match)."""
    n = len(gold)
    if n == 1:
        return compare(pred[0], gold[0], judge)
    if sorted(map(repr, pred)) == sorted(map(repr, gold)):
        return Verdict(True, "equal up to order", "structure")
    verdicts = [[compare(p, g, judge).equal for g in gold] for p in pred]
    if _perfect_matching(verdicts, lambda v: v is True, n):
        return Verdict(True, "equal up to order", "structure")
    if not _perfect_matching(verdicts, lambda v: v is not False, n):
        return Verdict(False, "no one-to-one match of the items", "structure")
    return Verdict(None, "some items need the symbolic path", "structure")


def _perfect_matching(
    verdicts: list[list[bool | None]], ok: Callable[[bool | None], bool], n: int
) -> bool:
    """Kuhn's augmenting paths over the pairs that ``ok`` accepts; n is at most MAX_ITEMS."""
    match: list[int] = [-1] * n  # gold index -> pred index

    def augment(p: int, seen: list[bool]) -> bool:
        for g in range(n):
            if ok(verdicts[p][g]) and not seen[g]:
                seen[g] = True
                if match[g] == -1 or augment(match[g], seen):
                    match[g] = p
                    return True
        return False

    return all(augment(p, [False] * n) for p in range(n))


def _compare_sets_of_reals(pred: Node, gold: Node, judge: Judge) -> Verdict:
    pred, gold = _as_interval(pred), _as_interval(gold)
    if isinstance(pred, Interval) and isinstance(gold, Interval):
        if (pred.left_closed, pred.right_closed) != (gold.left_closed, gold.right_closed):
            return Verdict(False, "different interval brackets", "structure")
        return _in_order((pred.lo, pred.hi), (gold.lo, gold.hi), judge, "intervals")
    if isinstance(pred, Union) and isinstance(gold, Union):
        if len(pred.parts) != len(gold.parts):
            return Verdict(False, "unions of different numbers of parts", "structure")
        return _any_order(pred.parts, gold.parts, judge)
    return Verdict(False, f"a {_kind(pred)} is not a {_kind(gold)}", "structure")


def _as_interval(node: Node) -> Node:
    if isinstance(node, Group) and node.kind == "tuple" and len(node.items) == 2:
        return Interval(False, node.items[0], node.items[1], False)
    return node


def _compare_matrices(pred: Node, gold: Node, judge: Judge) -> Verdict:
    pred_cells, gold_cells = _matrix_cells(pred), _matrix_cells(gold)
    if pred_cells is None or gold_cells is None:
        return Verdict(False, f"a {_kind(pred)} is not a {_kind(gold)}", "structure")
    if pred_cells[0] != gold_cells[0]:
        return Verdict(False, "matrices of different shapes", "structure")
    return _in_order(pred_cells[1], gold_cells[1], judge, "matrices")


def _matrix_cells(node: Node) -> tuple[object, tuple[Node, ...]] | None:
    """(shape, cells in row order); a vector's shape is just its length."""
    if isinstance(node, Matrix):
        rows, cols = len(node.rows), len(node.rows[0])
        shape: object = rows * cols if 1 in (rows, cols) else (rows, cols)
        return shape, tuple(c for row in node.rows for c in row)
    if isinstance(node, Group) and node.kind != "set":
        return len(node.items), node.items
    return None


def _kind(node: Node) -> str:
    if isinstance(node, Group):
        return node.kind
    return {
        Leaf: "single value",
        Interval: "interval",
        Union: "union",
        Matrix: "matrix",
        Relation: "relation",
    }[type(node)]
