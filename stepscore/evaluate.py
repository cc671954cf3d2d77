"""The main job behind `stepscore eval`: judge each trace, then sum up.

A trace's judgement is its segmentation, its extracted final answer, that answer's
verdict against the reference, the step checker's verdict on every step (the first
refuted step beside the known first wrong one), and, for a chain of thought with a
reference, the step `locate_error` blames with it (and with the worked solution, when
the trace's metadata holds one under ``solution``); PRM scores join the same record
as they land. A bare program (a "pot" trace with no prose) is run once in the sandbox
(`stepscore.verifiers.steps.program`): its answer is the one it computes, and the same
run gives the step verdicts.

>>> from stepscore.reasoning import segment
>>> record = evaluate_trace(segment("2 + 3 = 5.\\nThe answer is 5.", reference="5"))
>>> record.answer, record.n_steps, record.correct
('5', 2, True)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.math import MathVerifier
from stepscore.verifiers.steps import check_steps, first_error
from stepscore.verifiers.steps.check import program_steps
from stepscore.verifiers.steps.program import ProgramRun, check_program, execute_program
from stepscore.verifiers.steps.reference import locate_with_trace_reference
from stepscore.verifiers.steps.rounds import RoundReport, check_rounds, stated_answer

__all__ = ["EvalRecord", "EvalSummary", "evaluate_trace", "summarize"]


@dataclass(frozen=True, slots=True)
class EvalRecord:
    """What `stepscore eval` found about one trace.

    ``answer_status`` is "ok" or "no_answer"; for an executed program ``answer_rule``
    is ``program:<source>`` (``ans``, ``solution``, ``print``, ...) or, when it gave no
    answer, ``program:<run status>`` ("error", "timeout", ...), and ``program_status``
    is the run's status. ``labelled`` says whether the input tells where the trace first
    goes wrong: a ``wrong_step`` key in its metadata (the substring of the first wrong
    step, or null for a trace known right), or step labels (ProcessBench, PRM800K,
    Math-Shepherd, TRL records). ``expected_error_step`` is that first wrong step (None
    when there is none, or nothing is known). ``located_step`` and ``located_by`` are
    `locate_error`'s step and evidence (None for programs and traces without a
    reference, or when it blames nothing). For a self-refinement trace in prose with a
    reference, ``rounds`` holds `check_rounds`' label of each round ("draft", "fixed",
    "regressed", ...), and ``false_alarms`` / ``missed_errors`` the rounds whose feedback
    called a right answer wrong, or a wrong one right.
    """

    id: str
    kind: str
    strategy: str
    segmentation_status: str
    n_steps: int
    answer: str | None
    answer_status: str
    answer_rule: str | None
    reference: str | None
    expected_error_step: int | None = None
    labelled: bool = False
    correct: bool | None = None
    verify_status: str | None = None
    verify_reason: str | None = None
    refuted_step: int | None = None
    step_statuses: tuple[str, ...] = ()
    program_status: str | None = None
    located_step: int | None = None
    located_by: str | None = None
    rounds: tuple[str, ...] = ()
    false_alarms: tuple[int, ...] = ()
    missed_errors: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EvalSummary:
    """Totals over a run; ``input_errors`` counts records that could not be read;
    ``needs_execution`` counts programs that were not run (none: `evaluate_trace` runs
    them), ``programs_run`` and ``programs_failed`` those that were and those of them
    that did not end "ok". Over the ``labelled_traces`` (see `EvalRecord.labelled`),
    ``checker_acc_erroneous``, ``checker_acc_correct`` and ``checker_f1`` score the
    step checker's first refuted step as ProcessBench does (the earliest wrong step,
    or none, must match exactly); None where a class has no trace. Over the
    ``refine_traces`` whose rounds were checked, ``rounds_fixed`` and ``rounds_regressed``
    count revisions that turned a wrong answer right and a right one wrong, and
    ``feedback_false_alarms`` / ``feedback_missed_errors`` feedback that got it wrong."""

    n_traces: int
    n_steps: int
    by_kind: dict[str, int] = field(default_factory=dict)
    strategies: dict[str, int] = field(default_factory=dict)
    answers_extracted: int = 0
    verified: int = 0
    correct: int = 0
    accuracy: float | None = None
    needs_execution: int = 0
    programs_run: int = 0
    programs_failed: int = 0
    steps_verified: int = 0
    steps_refuted: int = 0
    steps_unverifiable: int = 0
    segmentation_fallbacks: int = 0
    empty_traces: int = 0
    input_errors: int = 0
    labelled_traces: int = 0
    checker_acc_erroneous: float | None = None
    checker_acc_correct: float | None = None
    checker_f1: float | None = None
    refine_traces: int = 0
    rounds_fixed: int = 0
    rounds_regressed: int = 0
    feedback_false_alarms: int = 0
    feedback_missed_errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def evaluate_trace(
    trace: Trace, *, position: int = 0, verifier: MathVerifier | None = None
) -> EvalRecord:
    """Judge one trace; ``position`` names it when it has no id."""
    run = _run(trace)
    answer, status, rule = _final_answer(trace) if run is None else _program_answer(run)
    verdict = None
    if answer is not None and trace.reference is not None:
        verdict = (verifier or MathVerifier()).verify(answer, trace.reference)
    verdicts = check_steps(trace) if run is None else check_program(trace, run=run)
    located = locate_with_trace_reference(trace, verdicts) if run is None else None
    rounds = _rounds(trace)
    seg = trace.segmentation
    return EvalRecord(
        id=trace.id if trace.id is not None else f"#{position + 1}",
        kind=trace.kind,
        strategy=seg.strategy if seg else "given",
        segmentation_status=seg.status if seg else "ok",
        n_steps=len(trace.steps),
        answer=answer,
        answer_status=status,
        answer_rule=rule,
        reference=trace.reference,
        expected_error_step=_expected_error_step(trace),
        labelled="wrong_step" in trace.meta or any(s.label is not None for s in trace.steps),
        correct=None if verdict is None else verdict.correct,
        verify_status=None if verdict is None else verdict.status,
        verify_reason=None if verdict is None else verdict.reason,
        refuted_step=first_error(verdicts),
        step_statuses=tuple(v.status for v in verdicts),
        program_status=None if run is None else run.status,
        located_step=None if located is None else located.step,
        located_by=None if located is None else located.found_by,
        rounds=() if rounds is None else tuple(r.label for r in rounds.rounds),
        false_alarms=() if rounds is None else rounds.false_alarms,
        missed_errors=() if rounds is None else rounds.missed_errors,
    )


def _rounds(trace: Trace) -> RoundReport | None:
    """`check_rounds` on a refinement in prose with a reference (programs need tests)."""
    if trace.kind != "refine" or trace.reference is None or program_steps(trace):
        return None
    report = check_rounds(trace)
    return report if report.status == "ok" else None


def summarize(records: Iterable[EvalRecord], *, input_errors: int = 0) -> EvalSummary:
    records = list(records)
    verified = [r for r in records if r.verify_status == "ok"]
    correct = sum(bool(r.correct) for r in verified)
    labelled = [r for r in records if r.labelled]
    located = _first_error_score(labelled)
    return EvalSummary(
        n_traces=len(records),
        n_steps=sum(r.n_steps for r in records),
        by_kind=dict(Counter(r.kind for r in records)),
        strategies=dict(Counter(r.strategy for r in records)),
        answers_extracted=sum(r.answer_status == "ok" for r in records),
        verified=len(verified),
        correct=correct,
        accuracy=round(correct / len(verified), 4) if verified else None,
        steps_verified=sum(r.step_statuses.count("verified") for r in records),
        steps_refuted=sum(r.step_statuses.count("refuted") for r in records),
        steps_unverifiable=sum(r.step_statuses.count("unverifiable") for r in records),
        needs_execution=sum(r.answer_status == "needs_execution" for r in records),
        programs_run=sum(r.program_status is not None for r in records),
        programs_failed=sum(r.program_status not in (None, "ok") for r in records),
        segmentation_fallbacks=sum(r.segmentation_status == "fallback" for r in records),
        empty_traces=sum(r.segmentation_status == "empty" for r in records),
        input_errors=input_errors,
        labelled_traces=len(labelled),
        checker_acc_erroneous=located[0],
        checker_acc_correct=located[1],
        checker_f1=located[2],
        refine_traces=sum(bool(r.rounds) for r in records),
        rounds_fixed=sum(r.rounds.count("fixed") for r in records),
        rounds_regressed=sum(r.rounds.count("regressed") for r in records),
        feedback_false_alarms=sum(len(r.false_alarms) for r in records),
        feedback_missed_errors=sum(len(r.missed_errors) for r in records),
    )


def _first_error_score(
    records: list[EvalRecord],
) -> tuple[float | None, float | None, float | None]:
    """ProcessBench's accuracies and F1 of the first refuted step; None for NaN."""
    if not records:
        return None, None, None
    from stepscore.benchmarks.metrics.processbench import processbench_score

    score = processbench_score(
        [-1 if r.refuted_step is None else r.refuted_step for r in records],
        [-1 if r.expected_error_step is None else r.expected_error_step for r in records],
    )
    figures = (score.error_acc, score.correct_acc, score.f1)
    return tuple(None if math.isnan(f) else round(f, 4) for f in figures)  # type: ignore[return-value]


def _final_answer(trace: Trace) -> tuple[str | None, str, str | None]:
    """The final answer from the text a reader would take it from.

    For a refinement trace that is its last round (bare programs are run instead); a
    closing check line gives no answer (`stated_answer`).
    """
    text = trace.text
    if trace.kind == "refine" and trace.steps:
        last_round = trace.steps[-1].round
        answer_steps = [s for s in trace.steps if s.round == last_round and s.kind != "feedback"]
        answer_steps = answer_steps or [s for s in trace.steps if s.kind != "feedback"]
        text = " \n".join(s.text for s in answer_steps) if answer_steps else text
    extraction = stated_answer(text)
    return extraction.answer, extraction.status, extraction.rule


def _run(trace: Trace) -> ProgramRun | None:
    """The sandboxed run of a bare program (no prose states its answer), else None."""
    if trace.kind != "pot" or not trace.steps or any(s.kind == "thought" for s in trace.steps):
        return None
    return execute_program(trace)


def _program_answer(run: ProgramRun) -> tuple[str | None, str, str | None]:
    if run.answer is None:
        return None, "no_answer", f"program:{run.status}"
    return run.answer.text, "ok", f"program:{run.answer.source}"


def _expected_error_step(trace: Trace) -> int | None:
    wrong = trace.meta.get("wrong_step")
    if "wrong_step" not in trace.meta:
        return trace.first_error()  # from step labels, when the input has them
    if not isinstance(wrong, str) or not wrong:
        return None
    position = trace.text.find(wrong)
    for step in trace.steps:
        if step.start <= position < step.end:
            return step.index
    return None
