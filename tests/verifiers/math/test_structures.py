"""Answer shapes and relations: parsing, and matching with a scripted judge."""

from __future__ import annotations

import pytest

from stepscore.verifiers.math.matching import compare
from stepscore.verifiers.math.relations import as_union, is_assignment
from stepscore.verifiers.math.structures import (
    Group,
    Interval,
    Leaf,
    Matrix,
    Relation,
    Union,
    Verdict,
    leaves,
    parse_answer,
    split_top,
)


def L(text: str) -> Leaf:
    return Leaf(text)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("5", L("5")),
        ("1,234", L("1,234")),
        ("1, 2", Group("list", (L("1"), L("2")))),
        ("(1, 2)", Group("tuple", (L("1"), L("2")))),
        ("(5)", L("5")),
        ("{5}", L("5")),
        (r"\{1, 2\}", Group("set", (L("1"), L("2")))),
        (r"\{5\}", Group("set", (L("5"),))),
        (r"\emptyset", L(r"\emptyset")),
        ("[1, 2)", Interval(True, L("1"), L("2"), False)),
        (r"(-\infty, 3)", Interval(False, L(r"-\infty"), L("3"), False)),
        ("[1, 2, 3]", Group("tuple", (L("1"), L("2"), L("3")))),
        (r"\langle 1, 2\rangle", Group("tuple", (L("1"), L("2")))),
        (
            r"(1,2)\cup[3,4]",
            Union((Group("tuple", (L("1"), L("2"))), Interval(True, L("3"), L("4"), True))),
        ),
        (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", Matrix(((L("1"), L("2")), (L("3"), L("4"))))),
        ("x=3", Relation((L("x"), L("3")), ("=",))),
        (r"1<x\le2", Relation((L("1"), L("x"), L("2")), ("<", r"\le"))),
        (r"x\approx3", Relation((L("x"), L("3")), ("=",))),
        (r"x\in[1,2]", Interval(True, L("1"), L("2"), True)),
        (r"1\pm\sqrt{2}", Group("list", (L(r"1+\sqrt{2}"), L(r"1-\sqrt{2}")))),
        (r"3, 1\pm2", Group("list", (L("3"), L("1+2"), L("1-2")))),
        (r"\{1\pm2\}", Group("set", (L("1+2"), L("1-2")))),
        ("<5", L("<5")),  # not a relation: one side is empty
        (r"\frac{1,2}{3}", L(r"\frac{1,2}{3}")),  # commas inside braces do not split
    ],
)
def test_parse(text: str, tree: object) -> None:
    assert parse_answer(text) == tree


def test_split_top_counts_every_bracket_alike() -> None:
    assert split_top("[1,2), (3,4]", ",") == ["[1,2)", "(3,4]"]
    assert split_top(r"\{a,b\},c", ",") == [r"\{a,b\}", "c"]
    assert split_top(r"\begin{pmatrix}a,b\end{pmatrix},c", ",") == [
        r"\begin{pmatrix}a,b\end{pmatrix}",
        "c",
    ]


def test_leaves() -> None:
    assert leaves(parse_answer(r"x=(1,2)\cup\{3\}")) == ["x", "1", "2", "3"]


class ScriptedJudge:
    """Leaves are equal when their texts are (after dropping '~'); '?' is undecided."""

    def __init__(self) -> None:
        self.relations: list[tuple[tuple[str, str], tuple[str, str], str]] = []

    def leaf(self, pred: str, gold: str) -> Verdict:
        if "?" in (pred, gold):
            return Verdict(None, "undecided", "symbolic")
        return Verdict(pred.strip("~") == gold.strip("~"), "scripted", "exact")

    def relation(self, pred: tuple[str, str], gold: tuple[str, str], kind: str) -> Verdict:
        self.relations.append((pred, gold, kind))
        return Verdict(True, "scripted", "numeric")


def _cmp(pred: str, gold: str) -> bool | None:
    return compare(parse_answer(pred), parse_answer(gold), ScriptedJudge()).equal


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        ("1, 2", "2, 1", True),
        (r"\{1, 2\}", "(1, 2)", False),
        ("(2, 1)", "(1, 2)", False),
        ("1, 2", "(1, 2)", True),
        ("1, 2, 2", "2, 1", True),
        ("1, ?", "1, 2", None),  # may still match: undecided
        ("3, ?", "1, 2", False),  # 3 matches nothing: decided
        ("1, ?, ?", "1, 2", None),  # repeats cannot be ruled out
        ("[1, 2]", "(1, 2)", False),
        (r"(1, 2)\cup(3, 4)", r"(3, 4)\cup(1, 2)", True),
        (r"(1, 2)\cup(3, 4)", "(1, 2)", False),
        (r"\begin{pmatrix}1\\2\end{pmatrix}", "(1, 2)", True),
        (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", "(1, 2, 3, 4)", False),
        ("1,234", "1, 234", True),  # the gold's list decides
        (r"\{5\}", "5", True),
        (r"\emptyset", r"\{\}", True),
        ("x=3", "3", True),
        ("3", "x=3", True),
        ("y=3", "x=3", False),
        ("x^2=3", "3", False),
        ("a=b=3", "3", True),
        (r"x>3", r"(3, \infty)", True),
        (r"x<1, x>2", r"(-\infty, 1)\cup(2, \infty)", True),
        (r"x\ne1", r"(-\infty, 1)\cup(1, \infty)", True),
        ("x>3", r"x\ge3", False),
        ("x<3, y>2", "x<3, y>2", True),
    ],
)
def test_compare(pred: str, gold: str, expected: bool | None) -> None:
    assert _cmp(pred, gold) is expected


def test_relations_are_oriented_before_the_judge_sees_them() -> None:
    judge = ScriptedJudge()
    compare(parse_answer("2x+1>3y"), parse_answer(r"3y\le4x"), judge)
    assert judge.relations == []  # strict vs non-strict: decided without the judge
    compare(parse_answer("2x+1>3y"), parse_answer("3y<4x"), judge)
    assert judge.relations == [(("3y", "2x+1"), ("3y", "4x"), "<")]
    # with a lone variable on one side, an inequality is the interval of that variable
    assert _cmp("2x+1>y", "y<2x+1") is True
    assert _cmp("2x+1>y", "y<3x") is False
    compare(parse_answer("y=2x"), parse_answer("2y=4x"), judge)
    assert judge.relations[-1] == (("y", "2x"), ("2y", "4x"), "=")


def test_assignments_and_unions() -> None:
    assert is_assignment(Relation((L("f(2)"), L("7")), ("=",)))
    assert is_assignment(Relation((Group("tuple", (L("x"), L("y"))), L("(1,2)")), ("=",)))
    assert not is_assignment(Relation((L("x^{2}"), L("3")), ("=",)))
    assert not is_assignment(Relation((L("e"), L("3")), ("=",)))
    assert not is_assignment(Relation((L("x"), L("3")), ("<",)))
    mixed = Group("list", (parse_answer("x<1"), parse_answer("y>2")))
    assert as_union(mixed) is mixed  # two variables: not one set
