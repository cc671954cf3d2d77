"""Consensus filtering: keep the Monte-Carlo labels a second judge agrees with.

Zhang et al. 2025, "The Lessons of Developing Process Reward Models in Mathematical
Reasoning", sec. 3: Monte-Carlo estimates are noisy (a wrong step can still lead to the
right answer, a right step can fail to), and keeping only the samples where MC
estimation and an LLM-as-judge find the same earliest error gives a smaller but much
cleaner PRM training set. The judge is any `StepJudge`: an LLM critic
(`stepscore.prm.judge.JudgeScorer`), or the model-free step checker (``"checker"``, or
any other step judge name of `stepscore.benchmarks.judges`).

``level="trace"`` (the paper's filter): a trace is kept when the earliest step its labels
put below ``threshold`` (-1: none) is the judge's earliest error. A trace whose labels
cannot settle that (a None label before the first error, or no label) is dropped and not
counted in the agreement. For soft MC labels, ``threshold`` just above 0 reproduces hard
estimation (a step is wrong when no completion reached the answer).

``level="step"``: every trace with a label is kept, and each step label the judge's
verdict contradicts is set to None (unlabelled, so a trainer skips it): a step labelled
good that the judge calls wrong, always; a step labelled bad that the judge calls right,
only when the judge's "right" is an assertion (``one_sided=False``). The step checker's
"right" only means "not refuted" (it says nothing about steps it cannot recompute), so
for it the rule is one-sided by default. A trace left with no label is dropped.

>>> from stepscore.reasoning.trace import Trace
>>> good = Trace.from_steps(["3 + 4 = 7", "7 * 2 = 14"], labels=[1.0, 1.0])
>>> noisy = Trace.from_steps(["3 + 4 = 7", "7 * 2 = 15"], labels=[1.0, 1.0])
>>> result = consensus_filter([good, noisy], "checker")
>>> len(result.kept), len(result.dropped), result.agreement
(1, 1, 0.5)
>>> consensus_filter([noisy], "checker", level="step").kept[0].labels
[1.0, None]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from stepscore.reasoning.trace import Trace

if TYPE_CHECKING:
    from stepscore.benchmarks.judges import StepJudge

__all__ = ["ConsensusLevel", "ConsensusResult", "consensus_filter", "label_error"]

ConsensusLevel = Literal["trace", "step"]


@dataclass(frozen=True, slots=True)
class ConsensusResult:
    """What the filter kept and dropped, in input order.

    ``agreement``: the fraction of compared traces (``level="trace"``) or labelled steps
    (``level="step"``) where the judge agreed with the labels; None when nothing could
    be compared. Each returned trace carries the comparison in ``meta["consensus"]``.
    """

    kept: tuple[Trace, ...]
    dropped: tuple[Trace, ...]
    agreement: float | None
    n_compared: int
    level: ConsensusLevel
    judge: str


def label_error(trace: Trace, threshold: float = 0.5) -> int | None:
    """The earliest step labelled below ``threshold`` (-1: none); None when the labels
    cannot say (a step without a label comes before the first error, or no label).

    >>> label_error(Trace.from_steps(["a", "b", "c"], labels=[1.0, 0.0, None]))
    1
    >>> label_error(Trace.from_steps(["a", "b"], labels=[1.0, None])) is None
    True
    """
    for step in trace.steps:
        if step.label is None:
            return None
        if step.label < threshold:
            return step.index
    return -1 if trace.steps else None


def consensus_filter(
    traces: Sequence[Trace],
    judge: StepJudge | str,
    *,
    level: ConsensusLevel = "trace",
    threshold: float = 0.5,
    one_sided: bool | None = None,
) -> ConsensusResult:
    """Keep the traces (or step labels) the judge agrees with; see the module docstring.

    The judge runs once, on the traces that have something to compare.
    """
    step_judge = _resolve(judge)
    if level == "trace":
        return _by_trace(traces, step_judge, threshold)
    if level == "step":
        if one_sided is None:
            one_sided = bool(getattr(step_judge, "one_sided", False))
        return _by_step(traces, step_judge, threshold, one_sided)
    raise ValueError(f"level must be 'trace' or 'step', not {level!r}")


def _resolve(judge: StepJudge | str) -> StepJudge:
    from stepscore.benchmarks.judges import StepJudge, get_judge  # benchmarks import prm

    found = get_judge(judge) if isinstance(judge, str) else judge
    if not isinstance(found, StepJudge):
        raise TypeError(f"{getattr(found, 'name', found)!r} is not a step judge")
    return found


def _by_trace(traces: Sequence[Trace], judge: StepJudge, threshold: float) -> ConsensusResult:
    errors = [label_error(t, threshold) for t in traces]
    compared = [i for i, e in enumerate(errors) if e is not None]
    verdicts = _checked(judge.judge([traces[i] for i in compared]), len(compared), judge)
    judged: dict[int, int] = dict(zip(compared, verdicts, strict=True))
    kept, dropped = [], []
    for i, trace in enumerate(traces):
        mark = {"judge": judge.name, "label_error": errors[i], "judge_error": judged.get(i)}
        noted = _note(trace, mark)
        (kept if i in judged and judged[i] == errors[i] else dropped).append(noted)
    agreement = len(kept) / len(compared) if compared else None
    return ConsensusResult(tuple(kept), tuple(dropped), agreement, len(compared), "trace",
                           judge.name)  # fmt: skip


def _by_step(
    traces: Sequence[Trace], judge: StepJudge, threshold: float, one_sided: bool
) -> ConsensusResult:
    compared = [i for i, t in enumerate(traces) if any(s.label is not None for s in t.steps)]
    verdicts = _checked(judge.step_verdicts([traces[i] for i in compared]), len(compared), judge)
    judged = dict(zip(compared, verdicts, strict=True))
    kept, dropped, n_steps, n_conflicts = [], [], 0, 0
    for i, trace in enumerate(traces):
        if i not in judged:
            dropped.append(_note(trace, {"judge": judge.name, "conflicts": []}))
            continue
        if len(judged[i]) != len(trace.steps):
            raise ValueError(f"judge {judge.name!r} gave {len(judged[i])} verdicts for "
                             f"{len(trace.steps)} steps")  # fmt: skip
        conflicts = [
            s.index
            for s, right in zip(trace.steps, judged[i], strict=True)
            if s.label is not None and _conflict(s.label >= threshold, right, one_sided)
        ]
        n_steps += sum(s.label is not None for s in trace.steps)
        n_conflicts += len(conflicts)
        labels = [None if s.index in conflicts else s.label for s in trace.steps]
        noted = _note(trace.with_labels(labels), {"judge": judge.name, "conflicts": conflicts})
        (kept if any(v is not None for v in labels) else dropped).append(noted)
    agreement = (n_steps - n_conflicts) / n_steps if n_steps else None
    return ConsensusResult(tuple(kept), tuple(dropped), agreement, n_steps, "step", judge.name)


def _conflict(labelled_good: bool, judged_right: bool, one_sided: bool) -> bool:
    if labelled_good:
        return not judged_right
    return judged_right and not one_sided


def _checked(values: list, expected: int, judge: StepJudge) -> list:
    if len(values) != expected:
        raise ValueError(f"judge {judge.name!r} gave {len(values)} answers for {expected} traces")
    return values


def _note(trace: Trace, mark: dict) -> Trace:
    return replace(trace, meta={**trace.meta, "consensus": mark})
