"""What a step scorer returns, and the protocol every step scorer follows.

A `StepScores` holds one probability-like score in [0, 1] per step of one trace (the
chance the step is correct), None for a step the scorer could not score (a trace cut
by a length limit, a judge that gave no parsable answer), the aggregate under the
scorer's reduction, and a ``status`` saying why any step lacks a score. Scoring never
raises on bad model input: an unusable trace comes back with status "error" and the
reason in ``detail``, so one bad trace cannot fail a batch of thousands.

>>> s = StepScores.of([0.9, 0.2, None], how="min", status="truncated", detail="cut at step 2")
>>> s.aggregate, s.n_scored, s.first_below(0.5)
(0.2, 2, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, get_args, runtime_checkable

from stepscore.prm.aggregate import Aggregation, aggregate
from stepscore.reasoning.trace import Trace

__all__ = ["SCORE_STATUSES", "ScoreStatus", "StepScorer", "StepScores"]

ScoreStatus = Literal["ok", "truncated", "empty", "error"]
SCORE_STATUSES: tuple[str, ...] = get_args(ScoreStatus)


@dataclass(frozen=True, slots=True)
class StepScores:
    """Scores of one trace's steps.

    ``status``: "ok" every step scored; "truncated" the trace was longer than the
    scorer's limit and the later steps (None) were not scored; "empty" the trace has no
    steps; "error" nothing could be scored (``detail`` says why).
    """

    scores: tuple[float | None, ...]
    aggregate: float | None
    status: ScoreStatus = "ok"
    detail: str = ""

    def __post_init__(self) -> None:
        if self.status not in SCORE_STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {SCORE_STATUSES}")
        for index, score in enumerate(self.scores):
            if score is not None and not 0.0 <= score <= 1.0:  # also rejects NaN
                raise ValueError(f"step {index}: score {score!r} is outside [0, 1]")

    @classmethod
    def of(
        cls,
        scores: Sequence[float | None],
        *,
        how: Aggregation | str = "min",
        status: ScoreStatus = "ok",
        detail: str = "",
    ) -> StepScores:
        """Scores with their aggregate computed under ``how``."""
        values = tuple(None if s is None else float(s) for s in scores)
        if not values and status == "ok":
            status = "empty"
        return cls(values, aggregate(values, how), status, detail)

    @classmethod
    def failed(cls, n_steps: int, detail: str) -> StepScores:
        """No step scored, with the reason."""
        return cls((None,) * n_steps, None, "error", detail)

    @property
    def n_scored(self) -> int:
        return sum(s is not None for s in self.scores)

    def first_below(self, threshold: float) -> int | None:
        """Index of the earliest scored step under ``threshold`` (ProcessBench's
        earliest error under a threshold), None when there is none."""
        for index, score in enumerate(self.scores):
            if score is not None and score < threshold:
                return index
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scores": list(self.scores),
            "aggregate": self.aggregate,
            "status": self.status,
            "detail": self.detail,
        }


@runtime_checkable
class StepScorer(Protocol):
    """Anything that scores steps: learned PRMs, the implicit PRM, LLM judges, and the
    model-free step checker ("checker-prm").

    ``score`` keeps the order and length of ``traces``; ``batch_size`` is a hint a
    scorer without batches may ignore.
    """

    name: str

    def score(
        self, traces: Sequence[Trace], *, batch_size: int | None = None
    ) -> list[StepScores]: ...
