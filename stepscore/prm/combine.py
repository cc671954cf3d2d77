"""Several step scorers as one: each step's scores joined, e.g. the minimum of both.

A learned PRM guesses everywhere; the model-free checker (``checker-prm``) is sure where
it recomputes a claim and silent elsewhere. `CombinedScorer` joins their step scores
step by step: ``min`` (a step is as good as the most doubtful scorer finds it: a
refutation by the checker pulls a step to 0 whatever the PRM says), ``max``, ``mean``
or ``prod``. A step one scorer left unscored (None: truncated, or that scorer failed on
the trace) takes the others' scores; a step no scorer scored stays None.

A trace whose scorers disagree on its number of steps, or that every scorer failed on,
comes back with status "error" and the reasons in ``detail``; one scorer failing on a
trace is noted in ``detail`` while the others still score it. `load_scorer` reads
``min(checker-prm,hf:PATH)`` (any of the four joins, nested, and any scorer spec).

>>> from stepscore.reasoning import segment
>>> from stepscore.verifiers.steps import VerifierPRM
>>> trace = segment("3 + 4 = 7\\nSo we wait.\\n7 * 2 = 15")
>>> both = CombinedScorer([VerifierPRM(prior=0.6), VerifierPRM(prior=0.9)], join="mean")
>>> both.name, both.score([trace])[0].scores
('mean(checker-prm,checker-prm)', (1.0, 0.75, 0.0))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, get_args

from stepscore.prm.aggregate import Aggregation
from stepscore.prm.scores import StepScorer, StepScores
from stepscore.reasoning.trace import Trace

__all__ = ["JOINS", "CombinedScorer", "Join"]

Join = Literal["min", "max", "mean", "prod"]
JOINS: tuple[str, ...] = get_args(Join)


class CombinedScorer:
    """Step scores of ``scorers`` joined step by step with ``join`` (see the module);
    ``how`` reduces the joined scores of a trace to its aggregate."""

    def __init__(
        self, scorers: Sequence[StepScorer], *, join: Join = "min", how: Aggregation = "min"
    ) -> None:
        if join not in JOINS:
            raise ValueError(f"join must be one of {JOINS}, not {join!r}")
        scorers = list(scorers)
        if not scorers or not all(isinstance(s, StepScorer) for s in scorers):
            raise TypeError("CombinedScorer needs one or more step scorers")
        self.scorers = scorers
        self.join = join
        self.how = how
        self.name = f"{join}({','.join(s.name for s in scorers)})"

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        """One joined `StepScores` per trace, in order."""
        traces = list(traces)
        results = [s.score(traces, batch_size=batch_size) for s in self.scorers]
        for scorer, scored in zip(self.scorers, results, strict=True):
            if len(scored) != len(traces):
                raise RuntimeError(f"{scorer.name} scored {len(scored)} of {len(traces)} traces")
        return [self._joined(trace, [r[k] for r in results]) for k, trace in enumerate(traces)]

    def _joined(self, trace: Trace, parts: list[StepScores]) -> StepScores:
        n = len(trace.steps)
        notes = [
            f"{s.name}: {p.detail or p.status}"
            for s, p in zip(self.scorers, parts, strict=True)
            if p.status == "error"
        ]
        usable = [p for p in parts if p.status != "error"]
        if any(len(p.scores) != n for p in usable):
            lengths = ", ".join(str(len(p.scores)) for p in usable)
            return StepScores.failed(n, f"scorers disagree on the steps: {lengths} for {n}")
        if not usable:
            return StepScores.failed(n, "; ".join(notes))
        joined = [self._one([p.scores[i] for p in usable]) for i in range(n)]
        truncated = any(p.status == "truncated" for p in usable) and None in joined
        status = "truncated" if truncated else "ok"
        details = notes + [p.detail for p in usable if p.detail]
        return StepScores.of(joined, how=self.how, status=status, detail="; ".join(details))

    def _one(self, scores: list[float | None]) -> float | None:
        values = [s for s in scores if s is not None]
        if not values:
            return None
        if self.join == "min":
            return min(values)
        if self.join == "max":
            return max(values)
        if self.join == "mean":
            return sum(values) / len(values)
        return math.prod(values)
