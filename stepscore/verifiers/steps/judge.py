"""The step checker as a ProcessBench-style step judge (catalog name "checker").

A step is wrong when the checker refutes it; "verified" and "unverifiable" steps both
count as correct, so the judge flags only what it recomputed with confidence.

>>> from stepscore.reasoning.formats import get_format
>>> row = {"problem": "p", "steps": ["3 + 4 = 7", "7 * 2 = 15"], "label": 1}
>>> CheckerJudge().judge([get_format("processbench").from_record(row)])
[1]
"""

from __future__ import annotations

from collections.abc import Sequence

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps.check import CheckConfig, check_steps, first_error

__all__ = ["CheckerJudge"]


class CheckerJudge:
    """Earliest refuted step (-1: none), and per-step "not refuted" verdicts."""

    name = "checker"

    def __init__(self, config: CheckConfig | None = None) -> None:
        self.config = config or CheckConfig()

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        out = []
        for trace in traces:
            error = first_error(check_steps(trace, config=self.config))
            out.append(-1 if error is None else error)
        return out

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        return [
            [v.status != "refuted" for v in check_steps(trace, config=self.config)]
            for trace in traces
        ]
