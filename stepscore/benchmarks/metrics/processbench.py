"""ProcessBench: name the earliest wrong step of a solution, or say that there is none.

Zheng et al. 2024, "ProcessBench: Identifying Process Errors in Mathematical Reasoning"
(arXiv:2412.06559), Sec. 4.1. A sample's label is the index of its earliest erroneous
step, or -1 when every step is correct; a prediction is the index of the earliest step
the model judges wrong, or -1. A prediction counts only when it equals the label:
flagging a step before or after the real error is as wrong as flagging none. The paper
reports

- the accuracy on erroneous samples (label != -1),
- the accuracy on correct samples (label == -1),
- F1, the harmonic mean of the two (0 when either is 0).

Figures here are fractions in [0, 1]; the paper prints percentages (the ``*_percent``
properties). A scorer that gives each step a number becomes a ProcessBench predictor
through a threshold (`earliest_error`); `select_threshold` picks one on a split set
aside for that, never on the split being reported.

>>> score = processbench_score(predictions=[2, -1, 0, -1], labels=[2, -1, 1, 1])
>>> score.error_acc, score.correct_acc, round(score.f1, 4)
(0.3333333333333333, 1.0, 0.5)
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ProcessBenchScore",
    "ThresholdChoice",
    "earliest_error",
    "processbench_score",
    "processbench_score_at",
    "select_threshold",
]


@dataclass(frozen=True, slots=True)
class ProcessBenchScore:
    """ProcessBench figures as fractions in [0, 1] (Zheng et al. 2024, Sec. 4.1).

    An accuracy over a class with no samples is NaN (there is nothing to be right
    about), and so is the F1 that needs it; ``n_error`` and ``n_correct`` say how many
    samples each accuracy rests on.
    """

    error_acc: float
    correct_acc: float
    f1: float
    n_error: int
    n_correct: int

    @property
    def error_acc_percent(self) -> float:
        return 100.0 * self.error_acc

    @property
    def correct_acc_percent(self) -> float:
        return 100.0 * self.correct_acc

    @property
    def f1_percent(self) -> float:
        """F1 as the paper prints it (0 to 100)."""
        return 100.0 * self.f1


@dataclass(frozen=True, slots=True)
class ThresholdChoice:
    """The threshold that maximized ProcessBench F1 on a selection split, and its score there."""

    threshold: float
    score: ProcessBenchScore

    @property
    def f1(self) -> float:
        return self.score.f1


def processbench_score(predictions: Sequence[int], labels: Sequence[int]) -> ProcessBenchScore:
    """Score earliest-error predictions against labels, both -1 for "no error".

    Raises ValueError on empty or unequal-length inputs and on an index below -1.

    >>> processbench_score([-1, -1, -1], [0, 3, -1]).f1  # flags nothing: F1 0
    0.0
    >>> processbench_score([0, 3, -1], [0, 3, -1]).f1_percent  # an oracle: F1 100
    100.0
    """
    predictions, labels = list(predictions), list(labels)
    if len(predictions) != len(labels):
        raise ValueError(f"{len(predictions)} predictions for {len(labels)} labels")
    if not labels:
        raise ValueError("ProcessBench score of no samples: the sequences are empty")
    for name, values in (("prediction", predictions), ("label", labels)):
        for position, value in enumerate(values):
            _check_index(value, f"{name} {position}")
    error_hits = sum(p == y for p, y in zip(predictions, labels, strict=True) if y != -1)
    correct_hits = sum(p == -1 for p, y in zip(predictions, labels, strict=True) if y == -1)
    n_correct = labels.count(-1)
    return _score(error_hits, len(labels) - n_correct, correct_hits, n_correct)


def earliest_error(step_scores: Sequence[float], threshold: float) -> int:
    """Index of the first step scored below ``threshold``, or -1 when none is.

    A step is judged wrong when its score is strictly below the threshold, so the
    predicted ProcessBench label is where a scorer first loses confidence.

    >>> earliest_error([0.9, 0.7, 0.2, 0.1], threshold=0.5), earliest_error([0.9], 0.5)
    (2, -1)
    """
    _check_number(threshold, "threshold")
    for index, score in enumerate(step_scores):
        _check_number(score, f"step score {index}")
        if score < threshold:
            return index
    return -1


def processbench_score_at(
    samples: Sequence[tuple[Sequence[float], int]], threshold: float
) -> ProcessBenchScore:
    """Score ``(step_scores, label)`` samples with a fixed threshold (see `earliest_error`).

    >>> processbench_score_at([([0.9, 0.2], 1), ([0.8, 0.9], -1)], threshold=0.5).f1
    1.0
    """
    samples = list(samples)
    predictions = [earliest_error(scores, threshold) for scores, _ in samples]
    return processbench_score(predictions, [label for _, label in samples])


def select_threshold(
    samples: Sequence[tuple[Sequence[float], int]], grid: Sequence[float] | None = None
) -> ThresholdChoice:
    """The threshold with the highest ProcessBench F1 on ``samples`` (step scores, label).

    Pass a split set aside for selection, never the one you report: a threshold chosen
    on the test split inflates the test figure. Apply the choice to the test split
    with `processbench_score_at`.

    Without a ``grid`` every threshold that can change a prediction is tried: each
    distinct step score, and one just above the largest (which flags every step), so
    the result is the exact maximum. Ties go to the smallest threshold, the one that
    flags the fewest steps. The selection split needs both erroneous and correct
    samples, or F1 is undefined (ValueError).

    Runs in O((samples + candidates) log samples): a sample is predicted right for the
    thresholds in one interval (below), so each candidate is scored by counting.

    >>> split = [([0.9, 0.4, 0.1], 1), ([0.8, 0.6], -1), ([0.3, 0.9], 0)]
    >>> choice = select_threshold(split)
    >>> choice.threshold, choice.f1
    (0.6, 1.0)
    """
    samples = list(samples)
    if not samples:
        raise ValueError("cannot select a threshold on no samples")
    correct_tops: list[float] = []  # a correct sample is right for t <= min(scores)
    error_lows: list[float] = []  # an erroneous one for scores[label] < t <= min(before it)
    error_tops: list[float] = []
    n_error = 0
    values: set[float] = set()
    for position, (scores, label) in enumerate(samples):
        scores = list(scores)
        _check_index(label, f"label {position}")
        for index, score in enumerate(scores):
            _check_number(score, f"sample {position} step score {index}")
        values.update(scores)
        if label == -1:
            correct_tops.append(min(scores, default=math.inf))
            continue
        n_error += 1
        if label < len(scores) and scores[label] < min(scores[:label], default=math.inf):
            error_lows.append(scores[label])
            error_tops.append(min(scores[:label], default=math.inf))
    if n_error == 0 or not correct_tops:
        raise ValueError(
            "threshold selection needs both erroneous and correct samples "
            f"(got {n_error} erroneous, {len(correct_tops)} correct)"
        )
    if grid is not None:
        candidates = sorted({float(_check_number(t, "grid value")) for t in grid})
        if not candidates:
            raise ValueError("the threshold grid is empty")
    else:
        top = max(values, default=0.0)
        candidates = sorted(values | {math.nextafter(top, math.inf)})
    for ordered in (correct_tops, error_lows, error_tops):
        ordered.sort()
    best: ThresholdChoice | None = None
    for t in candidates:
        correct_hits = len(correct_tops) - bisect.bisect_left(correct_tops, t)
        error_hits = _at_least(error_tops, t) - _at_least(error_lows, t)
        score = _score(error_hits, n_error, correct_hits, len(correct_tops))
        if best is None or score.f1 > best.f1:
            best = ThresholdChoice(t, score)
    assert best is not None  # candidates is never empty
    return best


def _at_least(ordered: list[float], t: float) -> int:
    """How many values in the sorted list are >= t."""
    return len(ordered) - bisect.bisect_left(ordered, t)


def _score(error_hits: int, n_error: int, correct_hits: int, n_correct: int) -> ProcessBenchScore:
    error_acc = error_hits / n_error if n_error else math.nan
    correct_acc = correct_hits / n_correct if n_correct else math.nan
    if math.isnan(error_acc) or math.isnan(correct_acc):
        f1 = math.nan
    elif error_acc + correct_acc == 0:
        f1 = 0.0
    else:
        f1 = 2 * error_acc * correct_acc / (error_acc + correct_acc)
    return ProcessBenchScore(error_acc, correct_acc, f1, n_error, n_correct)


def _check_index(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be an int step index or -1, not {value!r}")
    if value < -1:
        raise ValueError(f"{what} is {value}; a step index is >= 0, or -1 for no error")


def _check_number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a number, not {value!r}")
    if math.isnan(value):
        raise ValueError(f"{what} is NaN")
    return value
