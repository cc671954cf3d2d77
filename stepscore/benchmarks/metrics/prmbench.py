"""PRMBench's PRMScore: how well step verdicts find both the right and the wrong steps.

Song et al. 2025, "PRMBench: A Fine-grained and Challenging Benchmark for Process-Level
Reward Models" (arXiv:2501.03124), Sec. 4.1:

    PRMScore = w1 * F1_neg + w2 * F1,  w1 = w2 = 0.5

where F1 treats correct steps as the positive class and F1_neg treats erroneous steps as
the positive class. Weighting the two equally keeps a scorer that calls every step
correct (F1 high, F1_neg 0) at about 0.5, the chance level.

The official evaluation (``mr_eval``, github.com/ssmisya/PRMBench) pools the steps of
all samples into one confusion matrix (a micro average), so pass the step verdicts of
the whole benchmark flattened, e.g. ``[p for sample in preds for p in sample]``.

Zero division: F1 is computed as 2 TP / (2 TP + FP + FN), which equals the harmonic
mean of precision and recall wherever those are defined, and is 0 where a class has no
true positives, including a class absent from both predictions and labels (the
convention of scikit-learn's ``zero_division=0``). So a perfect scorer on a set with no
erroneous steps gets 0.5, not 1: PRMScore is meaningful only when both classes occur
among the labels, as they do in PRMBench (``n_positive`` and ``n_negative`` say so).
``mr_eval`` writes -1 where a figure is undefined; that never happens on the full set.

>>> s = prmbench_score(predictions=[True, True, False, True], labels=[True, False, False, True])
>>> round(s.positive_f1, 4), round(s.negative_f1, 4), round(s.score, 4)
(0.8, 0.6667, 0.7333)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["PRMBenchScore", "prmbench_score"]


@dataclass(frozen=True, slots=True)
class PRMBenchScore:
    """PRMScore and its parts, as fractions in [0, 1] (Song et al. 2025, Sec. 4.1).

    ``n_positive`` / ``n_negative``: how many steps are labelled correct / erroneous.
    """

    score: float
    positive_f1: float
    negative_f1: float
    n_positive: int
    n_negative: int

    @property
    def score_percent(self) -> float:
        """PRMScore as the paper prints it (0 to 100)."""
        return 100.0 * self.score


def prmbench_score(predictions: Sequence[bool], labels: Sequence[bool]) -> PRMBenchScore:
    """PRMScore of step verdicts (True = the step is correct) against step labels.

    Raises ValueError on empty or unequal-length inputs, and on a verdict that is not
    a bool (a scorer's number must be thresholded first; None is not a verdict).

    >>> prmbench_score([True, True, True], [True, True, False]).score  # calls all correct
    0.4
    >>> prmbench_score([True, False], [True, False]).score
    1.0
    """
    predictions, labels = list(predictions), list(labels)
    if len(predictions) != len(labels):
        raise ValueError(f"{len(predictions)} step predictions for {len(labels)} step labels")
    if not labels:
        raise ValueError("PRMBench score of no steps: the sequences are empty")
    for name, values in (("prediction", predictions), ("label", labels)):
        for position, value in enumerate(values):
            if value not in (True, False):  # True, False, 1, 0 (numpy bools too); not None
                raise ValueError(f"step {name} {position} is {value!r}, not a bool")
    pairs = [(bool(p), bool(y)) for p, y in zip(predictions, labels, strict=True)]
    true_pos = sum(p and y for p, y in pairs)
    true_neg = sum(not p and not y for p, y in pairs)
    false_pos = sum(p and not y for p, y in pairs)  # an erroneous step called correct
    false_neg = sum(not p and y for p, y in pairs)  # a correct step called erroneous
    positive_f1 = _f1(true_pos, false_pos, false_neg)
    negative_f1 = _f1(true_neg, false_neg, false_pos)
    n_positive = sum(y for _, y in pairs)
    return PRMBenchScore(
        score=0.5 * negative_f1 + 0.5 * positive_f1,
        positive_f1=positive_f1,
        negative_f1=negative_f1,
        n_positive=n_positive,
        n_negative=len(pairs) - n_positive,
    )


def _f1(hits: int, false_alarms: int, misses: int) -> float:
    denominator = 2 * hits + false_alarms + misses
    return 2 * hits / denominator if denominator else 0.0
