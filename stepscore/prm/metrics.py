"""How good a PRM's step scores are on step-labelled traces: step accuracy and
ProcessBench F1 (the earliest step scored under the threshold must be the earliest
labelled error; Zheng et al. 2024, sec. 4.1).

>>> from stepscore.reasoning.trace import Trace
>>> from stepscore.prm.scores import StepScores
>>> traces = [Trace.from_steps(["a", "b"], labels=[1, 0]), Trace.from_steps(["c"], labels=[1])]
>>> result = evaluate_scores(traces, [StepScores.of([0.9, 0.2]), StepScores.of([0.7])])
>>> result.step_accuracy, result.processbench_f1
(1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stepscore.benchmarks.metrics.processbench import processbench_score
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace

__all__ = ["StepEval", "evaluate_scores"]


@dataclass(frozen=True, slots=True)
class StepEval:
    """Step accuracy over labelled, scored steps (label >= 0.5 is good); ProcessBench
    accuracies and F1 over traces; ``failed``: traces the scorer could not score
    (counted as flagging nothing)."""

    step_accuracy: float | None
    processbench_f1: float
    error_accuracy: float
    correct_accuracy: float
    traces: int
    steps: int
    failed: int
    threshold: float

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


def evaluate_scores(
    traces: Sequence[Trace], scores: Sequence[StepScores], *, threshold: float = 0.5
) -> StepEval:
    """Compare ``scores`` with the traces' step labels (see the module docstring)."""
    if len(traces) != len(scores):
        raise ValueError(f"{len(scores)} score lists for {len(traces)} traces")
    hits = total = 0
    predictions, labels = [], []
    for trace, result in zip(traces, scores, strict=True):
        for step, value in zip(trace.steps, result.scores, strict=False):
            if step.label is not None and value is not None:
                total += 1
                hits += (value >= threshold) == (step.label >= 0.5)
        error = trace.first_error()
        labels.append(-1 if error is None else error)
        flagged = result.first_below(threshold)
        predictions.append(-1 if flagged is None else flagged)
    board = processbench_score(predictions, labels)
    return StepEval(
        step_accuracy=hits / total if total else None,
        processbench_f1=board.f1,
        error_accuracy=board.error_acc,
        correct_accuracy=board.correct_acc,
        traces=len(traces),
        steps=total,
        failed=sum(s.status == "error" for s in scores),
        threshold=threshold,
    )
