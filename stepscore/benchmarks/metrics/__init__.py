"""Benchmark metrics: pure functions over plain data, each returning a number or a frozen result.

- outcome: `accuracy`, the unbiased `pass_at_k` (and its mean over problems)
- ProcessBench: `processbench_score` (F1 of the earliest-error accuracies), and for
  scorers with a number per step `earliest_error`, `select_threshold`,
  `processbench_score_at`
- PRMBench: `prmbench_score` (PRMScore, 0.5 F1 + 0.5 F1_neg over steps)
- selection among N samples: `maj_at_k`, `best_of_n`, `weighted_best_of_n`, and the
  accuracy curve over N, `selection_curve`

>>> processbench_score([1, -1], [1, -1]).f1, pass_at_k(2, 1, 2)
(1.0, 1.0)
"""

from stepscore.benchmarks.metrics.outcome import accuracy, mean_pass_at_k, pass_at_k
from stepscore.benchmarks.metrics.prmbench import PRMBenchScore, prmbench_score
from stepscore.benchmarks.metrics.processbench import (
    ProcessBenchScore,
    ThresholdChoice,
    earliest_error,
    processbench_score,
    processbench_score_at,
    select_threshold,
)
from stepscore.benchmarks.metrics.selection import (
    SELECTION_METHODS,
    Candidate,
    CurvePoint,
    Selection,
    SelectionMethod,
    answers_equivalent,
    best_of_n,
    group_answers,
    maj_at_k,
    selection_curve,
    weighted_best_of_n,
)

__all__ = [
    "SELECTION_METHODS",
    "Candidate",
    "CurvePoint",
    "PRMBenchScore",
    "ProcessBenchScore",
    "Selection",
    "SelectionMethod",
    "ThresholdChoice",
    "accuracy",
    "answers_equivalent",
    "best_of_n",
    "earliest_error",
    "group_answers",
    "maj_at_k",
    "mean_pass_at_k",
    "pass_at_k",
    "prmbench_score",
    "processbench_score",
    "processbench_score_at",
    "select_threshold",
    "selection_curve",
    "weighted_best_of_n",
]
