"""Benchmark metrics against hand-computed cases, plus properties of pass@k and thresholds."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import subprocess
import sys
from fractions import Fraction
from math import comb

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from stepscore.benchmarks import metrics
from stepscore.benchmarks.metrics import (
    CurvePoint,
    Selection,
    accuracy,
    answers_equivalent,
    best_of_n,
    earliest_error,
    group_answers,
    maj_at_k,
    mean_pass_at_k,
    pass_at_k,
    prmbench_score,
    processbench_score,
    processbench_score_at,
    select_threshold,
    selection_curve,
    weighted_best_of_n,
)
from stepscore.errors import UnknownNameError


def test_all_is_sorted_and_real() -> None:
    rank = {True: 0, False: 1}  # ruff's order: CONSTANTS, then Classes, then functions
    key = lambda n: (rank[n.isupper()] if n[:1].isupper() else 2, n)  # noqa: E731
    assert list(metrics.__all__) == sorted(metrics.__all__, key=key)
    assert all(hasattr(metrics, name) for name in metrics.__all__)


# --- accuracy --------------------------------------------------------------------------


def test_accuracy_hand_computed() -> None:
    assert accuracy([True, False, False, True, True]) == 0.6
    assert accuracy([False]) == 0.0
    assert accuracy([1, 0, 1, 1]) == 0.75  # 0/1 ints count as verdicts


@pytest.mark.parametrize("bad", [[], [True, None], [True, "yes"], [2]])
def test_accuracy_rejects_no_verdicts_and_non_bools(bad: list[object]) -> None:
    with pytest.raises(ValueError):
        accuracy(bad)  # type: ignore[arg-type]


# --- pass@k ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (5, 2, 2, 0.7),  # 1 - C(3, 2) / C(5, 2) = 1 - 3/10
        (10, 1, 1, 0.1),
        (10, 1, 10, 1.0),
        (10, 0, 5, 0.0),
        (4, 1, 2, 0.5),  # 1 - C(3, 2) / C(4, 2) = 1 - 3/6
        (200, 13, 10, 1 - comb(187, 10) / comb(200, 10)),
    ],
)
def test_pass_at_k_hand_computed(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("n", "c", "k", "error"),
    [
        (3, 1, 4, ValueError),  # k > n
        (3, 1, 0, ValueError),
        (3, 4, 1, ValueError),  # c > n
        (3, -1, 1, ValueError),
        (3.0, 1, 1, TypeError),
        (3, True, 1, TypeError),
    ],
)
def test_pass_at_k_rejects_impossible_arguments(n: object, c: object, k: object, error) -> None:
    with pytest.raises(error):
        pass_at_k(n, c, k)  # type: ignore[arg-type]


@st.composite
def samples_and_correct(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 300))
    return n, draw(st.integers(0, n))


@given(samples_and_correct())
def test_pass_at_k_properties(nc: tuple[int, int]) -> None:
    n, c = nc
    values = [pass_at_k(n, c, k) for k in range(1, n + 1)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(a <= b for a, b in itertools.pairwise(values))  # monotone in k
    assert values[0] == pytest.approx(c / n, abs=1e-12)  # pass@1 = c/n
    assert values[-1] == (1.0 if c > 0 else 0.0)  # pass@n: any sample correct


@given(samples_and_correct(), st.integers(1, 300))
def test_pass_at_k_matches_the_exact_binomial_form(nc: tuple[int, int], k: int) -> None:
    n, c = nc
    assume(k <= n)
    exact = 1 - Fraction(comb(n - c, k), comb(n, k))
    assert pass_at_k(n, c, k) == pytest.approx(float(exact), abs=1e-12)


def test_mean_pass_at_k() -> None:
    assert mean_pass_at_k([(5, 2), (4, 1)], k=2) == pytest.approx((0.7 + 0.5) / 2)
    with pytest.raises(ValueError):
        mean_pass_at_k([], k=1)


# --- ProcessBench ----------------------------------------------------------------------

LABELS = [0, 2, 5, -1, -1]


def test_processbench_a_scorer_that_flags_nothing_scores_f1_zero() -> None:
    score = processbench_score([-1] * len(LABELS), LABELS)
    assert (score.error_acc, score.correct_acc, score.f1) == (0.0, 1.0, 0.0)
    assert (score.n_error, score.n_correct) == (3, 2)


def test_processbench_an_oracle_scores_f1_100() -> None:
    score = processbench_score(LABELS, LABELS)
    assert (score.error_acc, score.correct_acc, score.f1) == (1.0, 1.0, 1.0)
    assert score.f1_percent == 100.0
    assert (score.error_acc_percent, score.correct_acc_percent) == (100.0, 100.0)


def test_processbench_a_scorer_that_flags_step_0_everywhere() -> None:
    score = processbench_score([0] * len(LABELS), LABELS)
    assert (score.error_acc, score.correct_acc, score.f1) == (pytest.approx(1 / 3), 0.0, 0.0)


def test_processbench_hand_computed_mixed_case() -> None:
    labels = [1, 1, 3, -1, -1]
    predictions = [1, 0, -1, -1, 2]  # right; too early; missed; right; false alarm
    score = processbench_score(predictions, labels)
    assert score.error_acc == pytest.approx(1 / 3)
    assert score.correct_acc == 0.5
    assert score.f1 == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5))  # 0.4
    assert score.f1 == pytest.approx(0.4)


def test_processbench_only_the_exact_step_counts() -> None:
    # flagging the step before or after the labelled one is wrong
    assert processbench_score([1, 3, 2], [2, 2, 2]).error_acc == pytest.approx(1 / 3)


def test_processbench_a_missing_class_gives_nan_not_a_number_made_up() -> None:
    score = processbench_score([0, 1], [0, 2])
    assert score.error_acc == 0.5
    assert math.isnan(score.correct_acc) and math.isnan(score.f1)
    assert score.n_correct == 0


@pytest.mark.parametrize(
    ("predictions", "labels", "error"),
    [
        ([], [], ValueError),
        ([0], [0, 1], ValueError),
        ([-2], [0], ValueError),
        ([0], [-3], ValueError),
        ([True], [0], TypeError),
        ([0.0], [0], TypeError),
    ],
)
def test_processbench_rejects_bad_inputs(predictions, labels, error) -> None:
    with pytest.raises(error):
        processbench_score(predictions, labels)


def test_processbench_score_is_frozen() -> None:
    score = processbench_score([0], [0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.f1 = 0.0  # type: ignore[misc]


def test_earliest_error() -> None:
    assert earliest_error([0.9, 0.7, 0.2, 0.1], 0.5) == 2
    assert earliest_error([0.1, 0.9], 0.5) == 0
    assert earliest_error([0.5, 0.6], 0.5) == -1  # equal to the threshold is not below it
    assert earliest_error([], 0.5) == -1
    with pytest.raises(ValueError, match="NaN"):
        earliest_error([0.9, math.nan], 0.5)
    with pytest.raises(ValueError, match="NaN"):
        earliest_error([0.9], math.nan)


def test_processbench_score_at_a_fixed_threshold() -> None:
    samples = [([0.9, 0.3], 1), ([0.9, 0.3], 0), ([0.8, 0.7], -1), ([0.4, 0.9], -1)]
    score = processbench_score_at(samples, threshold=0.5)
    assert (score.error_acc, score.correct_acc, score.f1) == (0.5, 0.5, 0.5)


SPLIT = [
    ([0.9, 0.4, 0.1], 1),  # right for 0.4 < t <= 0.9
    ([0.8, 0.6], -1),  # right for t <= 0.6
    ([0.3, 0.9], 0),  # right for t > 0.3
    ([0.95, 0.2], -1),  # right for t <= 0.2
]


def test_select_threshold_hand_computed() -> None:
    # t = 0.6: errors 2/2, correct 1/2 -> F1 2/3; t = 0.2: errors 0/2 -> 0; nothing beats 2/3
    choice = select_threshold(SPLIT)
    assert choice.threshold == 0.6
    assert choice.f1 == pytest.approx(2 / 3)
    assert (choice.score.error_acc, choice.score.correct_acc) == (1.0, 0.5)
    assert choice.score == processbench_score_at(SPLIT, choice.threshold)


def test_select_threshold_ties_go_to_the_smallest_threshold() -> None:
    # every t in (0.3, 0.8] scores F1 1; the smallest candidate there is 0.5
    split = [([0.3], 0), ([0.8], -1), ([0.5, 0.9], -1)]
    assert select_threshold(split).threshold == 0.5  # the first candidate with F1 1
    assert select_threshold(split).f1 == 1.0


def test_select_threshold_on_a_grid() -> None:
    choice = select_threshold(SPLIT, grid=[0.1, 0.5, 0.7, 1.0])
    # 0.5: errors 2/2, correct 1/2 -> 2/3; 0.7: same errors, correct 0/2 -> 0
    assert (choice.threshold, choice.f1) == (0.5, pytest.approx(2 / 3))


def test_select_threshold_can_flag_every_step() -> None:
    split = [([0.9, 0.8], 0), ([0.7], 0), ([], -1)]  # no steps: never flagged, always right
    choice = select_threshold(split)
    assert choice.threshold > 0.9 and choice.f1 == 1.0


def test_select_threshold_counts_an_unreachable_label_as_wrong() -> None:
    choice = select_threshold([([0.1], 3), ([0.9], 0), ([0.9], -1)])
    assert choice.score.n_error == 2 and choice.score.error_acc <= 0.5


@pytest.mark.parametrize(
    "samples",
    [[], [([0.5], 0)], [([0.5], -1), ([0.2], -1)]],
)
def test_select_threshold_needs_both_classes(samples) -> None:
    with pytest.raises(ValueError):
        select_threshold(samples)


def test_select_threshold_rejects_an_empty_grid_and_nan() -> None:
    with pytest.raises(ValueError, match="empty"):
        select_threshold(SPLIT, grid=[])
    with pytest.raises(ValueError, match="NaN"):
        select_threshold([([math.nan], 0), ([0.5], -1)])


_SCORE = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1.0])


@st.composite
def processbench_split(draw: st.DrawFn) -> list[tuple[list[float], int]]:
    samples = []
    for _ in range(draw(st.integers(2, 12))):
        scores = draw(st.lists(_SCORE, min_size=0, max_size=5))
        label = draw(st.integers(-1, len(scores) - 1)) if scores else -1
        samples.append((scores, label))
    return samples


@given(processbench_split(), st.lists(st.floats(-0.5, 1.5), max_size=5))
def test_select_threshold_is_the_brute_force_maximum(samples, extra) -> None:
    labels = [label for _, label in samples]
    assume(-1 in labels and any(label != -1 for label in labels))
    choice = select_threshold(samples)
    assert choice.score == processbench_score_at(samples, choice.threshold)
    for t in [*sorted({s for scores, _ in samples for s in scores}), *extra]:
        assert processbench_score_at(samples, t).f1 <= choice.f1


# --- PRMBench --------------------------------------------------------------------------


def test_prmbench_hand_computed() -> None:
    predictions = [True, True, False, True, False, True]
    labels = [True, False, False, True, True, True]
    # TP 3, FP 1, TN 1, FN 1: F1 = 6 / (6 + 1 + 1) = 0.75; F1_neg = 2 / (2 + 1 + 1) = 0.5
    score = prmbench_score(predictions, labels)
    assert score.positive_f1 == pytest.approx(0.75)
    assert score.negative_f1 == pytest.approx(0.5)
    assert score.score == pytest.approx(0.625)
    assert score.score_percent == pytest.approx(62.5)
    assert (score.n_positive, score.n_negative) == (4, 2)


def test_prmbench_calling_every_step_correct_is_half_of_positive_f1() -> None:
    labels = [True, True, True, False]
    score = prmbench_score([True] * 4, labels)
    assert score.negative_f1 == 0.0
    assert score.score == pytest.approx(0.5 * (6 / 7))


def test_prmbench_a_class_absent_from_labels_and_predictions_scores_zero() -> None:
    score = prmbench_score([True, True], [True, True])  # documented: F1_neg = 0, not 1
    assert (score.positive_f1, score.negative_f1, score.score) == (1.0, 0.0, 0.5)


@pytest.mark.parametrize(
    ("predictions", "labels"), [([], []), ([True], [True, False]), ([None], [True]), ([0.7], [1])]
)
def test_prmbench_rejects_bad_inputs(predictions, labels) -> None:
    with pytest.raises(ValueError):
        prmbench_score(predictions, labels)


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=40))
def test_prmbench_is_symmetric_in_the_two_classes(pairs) -> None:
    predictions, labels = [p for p, _ in pairs], [y for _, y in pairs]
    score = prmbench_score(predictions, labels)
    flipped = prmbench_score([not p for p in predictions], [not y for y in labels])
    assert flipped.positive_f1 == score.negative_f1
    assert flipped.score == pytest.approx(score.score)
    assert 0.0 <= score.score <= 1.0


# --- answer groups ---------------------------------------------------------------------


def test_group_answers_puts_equivalent_spellings_together() -> None:
    answers = ["0.5", "\\frac{1}{2}", "3", None, "1/2", "\\dfrac12", "3.0", "x+1"]
    assert group_answers(answers) == ((0, 1, 4, 5), (2, 6), (7,))
    assert answers_equivalent("\\frac{1}{2}", "0.5")
    assert not answers_equivalent("(1, 2)", "(2, 1)")


def test_group_answers_falls_back_to_normalized_strings() -> None:
    # cheap_compare leaves \sin x vs \cos x to sympy; the fallback compares spellings
    assert group_answers(["\\sin x", "\\cos x", "\\sin  x"]) == ((0, 2), (1,))
    assert group_answers(["", ""]) == ((0, 1),)  # an empty "answer" is not a usable gold


def test_group_answers_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        group_answers(["1", 2])  # type: ignore[list-item]


def test_grouping_never_imports_sympy() -> None:
    code = (
        "import sys\n"
        "from stepscore.benchmarks.metrics import group_answers, maj_at_k\n"
        "group_answers(['0.5', '\\\\frac{1}{2}', '\\\\sin x', '\\\\cos x', 'x^2+1', '1+x^2'])\n"
        "maj_at_k(['\\\\sqrt{2}', '1.41421356', '2'])\n"
        "print('sympy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


# --- maj@k -----------------------------------------------------------------------------


def test_maj_at_k_groups_equivalent_spellings() -> None:
    selection = maj_at_k(["3", "0.5", "\\frac{1}{2}", "3", "1/2"], gold="\\frac12")
    assert selection == Selection(index=1, answer="0.5", score=3.0, correct=True)


def test_maj_at_k_tie_goes_to_the_group_seen_first() -> None:
    assert maj_at_k(["5", "7", "7", "5"]).answer == "5"
    assert maj_at_k(["7", "5", "5", "7"]).answer == "7"


def test_maj_at_k_verdicts() -> None:
    assert maj_at_k(["2", "2", "3"], gold="3").correct is False
    assert maj_at_k(["2", "2", "3"]).correct is None  # no gold, no labels
    # labels from a results file decide without the verifier (even against a gold)
    assert maj_at_k(["2", "2", "3"], gold="3", correct=[True, True, False]).correct is True


def test_maj_at_k_no_answer_abstains() -> None:
    assert maj_at_k([None, "4", None, None], gold="4") == Selection(1, "4", 1.0, True)
    assert maj_at_k([None, None], gold="4") == Selection(0, None, 0.0, False)
    assert maj_at_k([None]).correct is None


def test_maj_at_k_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError):
        maj_at_k([])
    with pytest.raises(ValueError):
        maj_at_k(["1", "2"], correct=[True])


# --- best-of-N and weighted best-of-N --------------------------------------------------

#              best-of-N picks A (0.9); majority picks C (3 votes); weighted picks B (1.0)
CANDIDATES = [("A", 0.9), ("B", 0.5), ("B", 0.5), ("C", 0.3), ("C", 0.3), ("C", 0.3)]


def test_the_three_rules_disagree_as_computed_by_hand() -> None:
    assert best_of_n(CANDIDATES) == Selection(0, "A", 0.9, None)
    assert maj_at_k([a for a, _ in CANDIDATES]) == Selection(3, "C", 3.0, None)
    weighted = weighted_best_of_n(CANDIDATES)
    assert (weighted.index, weighted.answer, weighted.correct) == (1, "B", None)
    assert weighted.score == pytest.approx(1.0)


def test_best_of_n_tie_goes_to_the_earliest() -> None:
    assert best_of_n([("1", 0.2), ("2", 0.8), ("3", 0.8)]).index == 1


def test_best_of_n_verdict_from_label_then_gold() -> None:
    assert best_of_n([("1", 0.2, True), ("2", 0.8, False)], gold="2").correct is False
    assert best_of_n([("1", 0.2), ("\\frac{4}{2}", 0.8)], gold="2").correct is True
    assert best_of_n([(None, 0.8), ("2", 0.1)], gold="2") == Selection(0, None, 0.8, False)


def test_best_of_n_accepts_any_real_score() -> None:
    assert best_of_n([("1", -3.5), ("2", -1.25)]).answer == "2"  # logits are fine here


def test_weighted_best_of_n_groups_equivalent_answers() -> None:
    selection = weighted_best_of_n([("1", 0.5), ("0.5", 0.3), ("\\frac{1}{2}", 0.3)], gold="1/2")
    assert (selection.index, selection.answer, selection.correct) == (1, "0.5", True)
    assert selection.score == pytest.approx(0.6)


def test_weighted_best_of_n_returns_the_best_scored_member() -> None:
    selection = weighted_best_of_n([("x", 0.2), ("y", 0.5), ("x", 0.4)])
    assert (selection.index, selection.answer) == (2, "x")
    assert selection.score == pytest.approx(0.6)


def test_weighted_best_of_n_tie_goes_to_the_group_seen_first() -> None:
    assert weighted_best_of_n([("1", 0.5), ("2", 0.25), ("2", 0.25)]).answer == "1"


def test_weighted_best_of_n_abstentions_and_zero_scores() -> None:
    assert weighted_best_of_n([(None, 0.9), ("3", 0.0)]) == Selection(1, "3", 0.0, None)
    assert weighted_best_of_n([(None, 0.9, False)]) == Selection(0, None, 0.0, False)


@pytest.mark.parametrize("score", [-0.1, math.inf])
def test_weighted_best_of_n_rejects_scores_that_cannot_be_summed(score: float) -> None:
    with pytest.raises(ValueError, match="sums scores"):
        weighted_best_of_n([("1", 0.5), ("2", score)])


@pytest.mark.parametrize(
    ("candidates", "error"),
    [
        ([], ValueError),
        ([("1", math.nan)], ValueError),
        ([("1", "0.5")], ValueError),
        ([("1", True)], ValueError),
        ([("1",)], TypeError),
        (["1"], TypeError),
        ([(1, 0.5)], TypeError),
        ([("1", 0.5, "yes")], ValueError),
    ],
)
def test_candidates_are_validated(candidates, error) -> None:
    for rule in (best_of_n, weighted_best_of_n):
        with pytest.raises(error):
            rule(candidates)


def test_selection_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        best_of_n([("1", 0.5)]).index = 3  # type: ignore[misc]


# --- curves over N ---------------------------------------------------------------------

PROBLEMS = [
    # best picks "9" at N=1,2 (wrong) and "4" at N=4; majority "9" at N=1,2, tie -> "9" at 4
    [("9", 0.6, False), ("9", 0.5, False), ("4", 0.7, True), ("4", 0.2, True)],
    # all methods right from N=1
    [("2", 0.9, True), ("3", 0.1, False), ("3", 0.1, False), ("3", 0.1, False)],
    # never right
    [("1", 0.5, False), ("1", 0.5, False), ("0", 0.5, False), ("0", 0.5, False)],
]


def test_selection_curve_hand_computed() -> None:
    def curve(method: str) -> list[float]:
        return [p.accuracy for p in selection_curve(PROBLEMS, method)]  # type: ignore[arg-type]

    assert [p.n for p in selection_curve(PROBLEMS, "best")] == [1, 2, 4]
    assert curve("best") == pytest.approx([1 / 3, 1 / 3, 2 / 3])
    assert curve("majority") == pytest.approx([1 / 3, 1 / 3, 0.0])  # "3" outvotes "2" at 4
    # weighted at N=4: problem 1: "9" 1.1 vs "4" 0.9 -> wrong; problem 2: "2" 0.9 vs "3" 0.3
    assert curve("weighted") == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert curve("oracle") == pytest.approx([1 / 3, 1 / 3, 2 / 3])


def test_selection_curve_explicit_sizes() -> None:
    assert selection_curve(PROBLEMS, "oracle", ns=[3]) == (CurvePoint(3, pytest.approx(2 / 3)),)
    for bad in ([0], [5], [2.0], [True]):
        with pytest.raises(ValueError):
            selection_curve(PROBLEMS, "oracle", ns=bad)  # type: ignore[arg-type]


def test_selection_curve_rejects_bad_inputs() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'majority'"):
        selection_curve(PROBLEMS, "majorty")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        selection_curve([], "best")
    with pytest.raises(ValueError, match="correctness label"):
        selection_curve([[("1", 0.5)]], "best")


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(["1", "2"]), _SCORE, st.booleans()), min_size=8),
        min_size=1,
        max_size=4,
    )
)
def test_oracle_curve_bounds_every_rule(problems) -> None:
    oracle = [p.accuracy for p in selection_curve(problems, "oracle")]
    assert oracle == sorted(oracle)  # more samples never hurt the oracle
    for method in ("best", "weighted", "majority"):
        for point, bound in zip(selection_curve(problems, method), oracle, strict=True):
            assert point.accuracy <= bound


def test_math_bon_oracle_and_best_of_8_match_a_direct_computation(shared_data) -> None:
    path = shared_data / "bon" / "math_cot_100.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    problems = [
        [
            (pred, float(score[0]), bool(label))
            for pred, score, label in zip(r["pred"], r["pred_score"], r["score"], strict=True)
        ]
        for r in rows
    ]
    curve = {p.n: p.accuracy for p in selection_curve(problems, "oracle")}
    assert curve[8] == sum(any(c for *_, c in p) for p in problems) / len(problems)
    assert curve[1] == sum(p[0][2] for p in problems) / len(problems)
    best = {p.n: p.accuracy for p in selection_curve(problems, "best")}
    direct = [max(range(8), key=lambda i, p=p: p[i][1]) for p in problems]
    assert best[8] == sum(p[i][2] for p, i in zip(problems, direct, strict=True)) / len(problems)
    assert 0.0 <= selection_curve(problems, "majority", ns=[8])[0].accuracy <= curve[8]
