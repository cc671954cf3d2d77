"""Step judges for ProcessBench-style evaluation: which step is the first wrong one?

A judge maps each trace to the index of its earliest wrong step, or -1 when it finds
none. Learned PRMs (thresholded step scores), the model-free step checker and LLM
critics all reduce to this; they join the lazy catalog below as they land. Two
baselines are here from the start, because every table needs its floor and ceiling:

- ``none`` flags nothing: ProcessBench F1 0 by construction (accuracy 1 on correct
  samples, 0 on erroneous ones).
- ``oracle`` reads the labels: F1 1 by construction; a check of the harness, not a
  system.

>>> from stepscore.reasoning.formats import get_format
>>> row = {"problem": "p", "steps": ["a", "b"], "label": 1}
>>> trace = get_format("processbench").from_record(row)
>>> get_judge("oracle").judge([trace]), get_judge("none").judge([trace])
([1], [-1])
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Protocol, runtime_checkable

from stepscore.errors import UnknownNameError
from stepscore.prm.scores import StepScorer
from stepscore.reasoning.trace import Trace

__all__ = ["JUDGES", "StepJudge", "get_judge"]


@runtime_checkable
class StepJudge(Protocol):
    """Judges steps: ``judge`` gives each trace's earliest wrong step (-1: none) for
    ProcessBench; ``step_verdicts`` says of every step whether it is correct, for
    PRMBench's step-level F1."""

    name: str

    def judge(self, traces: Sequence[Trace]) -> list[int]: ...

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]: ...


class NoErrorBaseline:
    """Flags no step in any trace."""

    name = "none"

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        return [-1 for _ in traces]

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        return [[True] * len(t.steps) for t in traces]


class LabelOracle:
    """The step labels themselves (label < 0.5 is wrong)."""

    name = "oracle"

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        return [-1 if (error := t.first_error()) is None else error for t in traces]

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        return [[s.label is None or s.label >= 0.5 for s in t.steps] for t in traces]


JUDGES: dict[str, str] = {
    "checker": "stepscore.verifiers.steps.judge:CheckerJudge",
    "checker-gold": "stepscore.verifiers.steps.judge:ReferenceJudge",
    "checker-prm": "stepscore.verifiers.steps.judge:VerifierPRM",
    "none": "stepscore.benchmarks.judges:NoErrorBaseline",
    "oracle": "stepscore.benchmarks.judges:LabelOracle",
}


def get_judge(name: str) -> StepJudge | StepScorer:
    """A judge by catalog name (did-you-mean on a typo)."""
    if name not in JUDGES:
        raise UnknownNameError("step judge", name, sorted(JUDGES))
    module, attr = JUDGES[name].split(":")
    return getattr(import_module(module), attr)()
