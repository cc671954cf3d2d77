"""The step checker behind the benchmark interfaces.

`CheckerJudge` (catalog name "checker") is a ProcessBench-style step judge: a step is
wrong when the checker refutes it; "verified" and "unverifiable" steps both count as
correct, so it flags only what it recomputed with confidence. `VerifierPRM` (catalog
name "checker-prm") is the same checker as a scalar step scorer, so it can be
thresholded, calibrated, or combined with a learned PRM (e.g. the minimum of both):
refuted 0, verified 1, unverifiable a configurable prior. `ReferenceJudge` (catalog
name "checker-gold") is the judge that also reads each trace's gold answer, through
`locate_error`.

>>> from stepscore.reasoning.formats import get_format
>>> row = {"problem": "p", "steps": ["3 + 4 = 7", "7 * 2 = 15"], "label": 1}
>>> CheckerJudge().judge([get_format("processbench").from_record(row)])
[1]
"""

from __future__ import annotations

from collections.abc import Sequence

from stepscore.prm.aggregate import Aggregation
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps.check import CheckConfig, StepVerdict, check_steps, first_error
from stepscore.verifiers.steps.reference import locate_with_trace_reference

__all__ = ["CheckerJudge", "ReferenceJudge", "VerifierPRM"]


class CheckerJudge:
    """Earliest refuted step (-1: none), and per-step "not refuted" verdicts."""

    name = "checker"
    one_sided = True  # it refutes only what it recomputed; silence is not approval

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


class ReferenceJudge:
    """`CheckerJudge` that also uses each trace's gold answer: the earliest error is the
    step `locate_error` blames with ``reference`` (and ``meta["solution"]``), for a chain
    of thought that carries one; other traces get the checker's verdicts. A model-free
    second judge for consensus filtering of Monte-Carlo labels, whose traces carry the
    gold answer the labels were estimated against.

    >>> from stepscore.reasoning import segment
    >>> problem = "Sam saves $15 a week for 8 weeks, then spends $45. What is left?"
    >>> wrong = segment("15 * 6 = 90\\n90 - 45 = 45", prompt=problem, reference="75")
    >>> ReferenceJudge().judge([wrong]), CheckerJudge().judge([wrong])
    ([0], [-1])
    """

    name = "checker-gold"
    one_sided = True  # a step it does not blame is not thereby right

    def __init__(self, config: CheckConfig | None = None) -> None:
        self.config = config or CheckConfig()

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        return [-1 if (e := self._blamed(t)[0]) is None else e for t in traces]

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        out = []
        for trace in traces:
            blamed, verdicts = self._blamed(trace)
            out.append([v.status != "refuted" and i != blamed for i, v in enumerate(verdicts)])
        return out

    def _blamed(self, trace: Trace) -> tuple[int | None, list[StepVerdict]]:
        verdicts = check_steps(trace, config=self.config)
        located = locate_with_trace_reference(trace, verdicts)
        return (first_error(verdicts) if located is None else located.step), verdicts


class VerifierPRM:
    """Step scores in [0, 1] from the checker: refuted 0.0, verified 1.0, else ``prior``.

    ``prior=None`` leaves the steps the checker cannot decide unscored (None), for joining
    with a learned PRM (`stepscore.prm.combine.CombinedScorer`): there the PRM's score
    stands alone, where a number would cap it (``min``) or pull it (``mean``).

    With ``with_reference``, a chain of thought that carries its gold answer (``reference``,
    and a worked solution as ``meta["solution"]``) also gets 0.0 at the step
    `locate_error` blames when that answer is wrong: a process reward for RL where the
    gold answer is at hand.

    >>> from stepscore.reasoning import segment
    >>> VerifierPRM(prior=0.7).score([segment("3 + 4 = 7\\nSo we wait.\\n7 * 2 = 15")])[0].scores
    (1.0, 0.7, 0.0)
    >>> VerifierPRM(prior=None).score([segment("3 + 4 = 7\\nSo we wait.")])[0].scores
    (1.0, None)
    >>> problem = "Sam saves $15 a week for 8 weeks, then spends $45. What is left?"
    >>> wrong = segment("15 * 6 = 90\\n90 - 45 = 45", prompt=problem, reference="75")
    >>> VerifierPRM(with_reference=True).score([wrong])[0].scores
    (0.0, 1.0)
    """

    def __init__(
        self,
        *,
        prior: float | None = 0.6,
        config: CheckConfig | None = None,
        how: Aggregation = "min",
        with_reference: bool = False,
    ) -> None:
        if prior is not None and not 0.0 <= prior <= 1.0:
            raise ValueError(f"prior must lie in [0, 1], got {prior!r}")
        self.prior = prior
        self.how = how
        self.config = config or CheckConfig()
        self.with_reference = with_reference
        self.name = "checker-prm"

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        """A `StepScores` per trace (``batch_size`` is ignored: no model, no batches)."""
        return [self._scores(t) for t in traces]

    def _scores(self, trace: Trace) -> StepScores:
        verdicts = check_steps(trace, config=self.config)
        scores = [self.prior if v.score is None else v.score for v in verdicts]
        if self.with_reference:
            located = locate_with_trace_reference(trace, verdicts)
            if located is not None and located.step is not None:
                scores[located.step] = 0.0
        return StepScores.of(scores, how=self.how)
