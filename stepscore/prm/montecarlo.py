"""Monte-Carlo step labels from completions (Math-Shepherd).

Wang et al. 2024, "Math-Shepherd", sec. 3.3: a step is as good as the solutions that
can still be finished from it. For each step k, ``n`` completions are sampled from the
prompt and steps 0..k, and each completed solution's final answer is checked against the
trace's reference. The hard estimate is 1.0 when any completion reaches the reference
(0.0 otherwise), the soft estimate the fraction that do.

Work is batched across traces: each round sends one prefix per unfinished trace to the
generator in one call (``batch_size`` prefixes per call at most). With
``stop_after_zero`` (the default) steps are walked in order and, once a step has no
correct completion, the later steps of its trace are labelled 0.0 without sampling: an
error is taken to persist, as in Math-Shepherd's and ProcessBench's labels, and a trace
whose first error is at step k costs k + 1 rounds of sampling instead of all of them.
With ``verify_last`` (the default) the last step is labelled by the trace's own answer,
since a finished solution is its own completion.

A completion the verifier cannot decide (it raised, or the math verifier timed out) is
left out of the estimate; a step with no decided completion, or whose generation failed,
gets None and the status "partial" (or "error" when no step got a label).

>>> from stepscore.prm.generate import Generations
>>> class Finisher:  # completes every prefix with "... = 4"
...     def generate(self, prompts, *, n=1, max_new_tokens=256, temperature=1.0, stop=()):
...         return [Generations(("so the answer is 4",) * n) for _ in prompts]
>>> trace = Trace.from_steps(["2 + 2 = 4", "The answer is 4."], prompt="2 + 2?", reference="4")
>>> result = label_monte_carlo([trace], Finisher(), n=2)[0]
>>> result.labels, result.correct, result.checked
((1.0, 1.0), (2, 1), (2, 1))
>>> labelled_trace(trace, result).labels
[1.0, 1.0]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from stepscore.prm.generate import Generator
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.math.verify import MathVerifier

__all__ = ["MCLabels", "MCMode", "MCStatus", "label_monte_carlo", "labelled_trace", "step_prefix"]

log = logging.getLogger(__name__)

MCMode = Literal["hard", "soft"]
MCStatus = Literal["ok", "partial", "no_reference", "empty", "error"]
Verifier = Callable[[str, str], bool]
PrefixTemplate = str | Callable[[Trace, str], str]


@dataclass(frozen=True, slots=True)
class MCLabels:
    """Monte-Carlo estimates for one trace's steps.

    ``labels``: the estimate per step (None: not estimated). ``correct`` / ``checked``:
    completions that reached the reference / that the verifier decided, per step.
    ``stopped_at``: the step with no correct completion after which the later steps were
    labelled 0.0 unsampled (None: no such step). ``status``: "ok"; "partial" (some step
    is None, ``detail`` says why); "error" (none estimated); "no_reference" and "empty"
    (the trace has no reference answer / no steps; nothing was sampled).
    """

    labels: tuple[float | None, ...]
    correct: tuple[int, ...]
    checked: tuple[int, ...]
    mode: MCMode = "hard"
    status: MCStatus = "ok"
    detail: str = ""
    stopped_at: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "correct": list(self.correct),
            "checked": list(self.checked),
            "mode": self.mode,
            "status": self.status,
            "detail": self.detail,
            "stopped_at": self.stopped_at,
        }


def step_prefix(trace: Trace, k: int) -> str:
    """The response up to step ``k`` and the separator after it (a newline when the
    separator is not white space, e.g. a step tag), for the completer to continue."""
    step = trace.steps[k]
    following = trace.steps[k + 1].start if k + 1 < len(trace.steps) else step.end
    gap = trace.text[step.end : following]
    return trace.text[: step.end] + (gap if gap and gap.isspace() else "\n")


def label_monte_carlo(
    traces: Sequence[Trace],
    generator: Generator,
    *,
    n: int = 8,
    verifier: Verifier | MathVerifier | None = None,
    mode: MCMode = "hard",
    max_new_tokens: int = 1024,
    temperature: float = 0.7,
    stop: Sequence[str] = (),
    stop_after_zero: bool = True,
    verify_last: bool = True,
    template: PrefixTemplate = "{prompt}\n\n{prefix}",
    batch_size: int | None = None,
) -> list[MCLabels]:
    """Monte-Carlo labels for every step of every trace (see the module docstring).

    ``verifier(solution, reference)`` judges a completed solution (the step prefix and
    the completion); the default is stepscore's `MathVerifier`. ``template`` builds the
    completer's prompt from ``{prompt}`` (the problem) and ``{prefix}`` (the steps so
    far), or is a callable ``(trace, prefix) -> str``, e.g. one that applies a chat
    template with the prefix as an unfinished assistant turn.
    """
    if n < 1 or (batch_size is not None and batch_size < 1):
        raise ValueError("n and batch_size must be at least 1")
    if mode not in ("hard", "soft"):
        raise ValueError(f"mode must be 'hard' or 'soft', not {mode!r}")
    run = _Run(generator, _checker(verifier), n, max_new_tokens, temperature, stop,
               template, batch_size)  # fmt: skip
    states = [_State(t) for t in traces]
    todo = [s for s in states if s.status is None]
    while todo:
        jobs = [(s, k) for s in todo for k in s.steps_to_do(stop_after_zero)]
        run.label(jobs, verify_last)
        for state in todo:
            state.advance(stop_after_zero)
        todo = [s for s in todo if not s.done]
    return [s.result(mode) for s in states]


def labelled_trace(trace: Trace, labels: MCLabels) -> Trace:
    """``trace`` with the estimates as step labels and the counts in
    ``meta["monte_carlo"]``; a trace with no estimate keeps its labels."""
    meta = {**trace.meta, "monte_carlo": labels.to_dict()}
    if labels.status in ("ok", "partial"):
        trace = trace.with_labels(labels.labels)
    return replace(trace, meta=meta)


class _State:
    """One trace's counts while its steps are labelled."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        size = len(trace.steps)
        self.correct, self.checked = [0] * size, [0] * size
        self.failed: list[str | None] = [None] * size  # why a step has no estimate
        self.next, self.stopped_at = 0, None
        self.status: MCStatus | None = None
        if trace.reference is None or not trace.reference.strip():
            self.status = "no_reference"
        elif not trace.steps:
            self.status = "empty"

    @property
    def done(self) -> bool:
        return self.next >= len(self.trace.steps)

    def steps_to_do(self, one_at_a_time: bool) -> list[int]:
        return [self.next] if one_at_a_time else list(range(self.next, len(self.trace.steps)))

    def advance(self, stop_after_zero: bool) -> None:
        if not stop_after_zero:
            self.next = len(self.trace.steps)
            return
        k, self.next = self.next, self.next + 1
        if self.checked[k] and not self.correct[k] and not self.done:
            self.stopped_at, self.next = k, len(self.trace.steps)

    def result(self, mode: MCMode) -> MCLabels:
        if self.status is not None:
            size = len(self.trace.steps)
            return MCLabels((None,) * size, (0,) * size, (0,) * size, mode, self.status)
        labels = [self._label(k, mode) for k in range(len(self.trace.steps))]
        missing = [(k, why) for k, why in enumerate(self.failed) if labels[k] is None]
        status: MCStatus = "ok" if not missing else "partial"
        if missing and len(missing) == len(labels):
            status = "error"
        detail = "; ".join(f"step {k}: {why}" for k, why in missing[:3])
        return MCLabels(tuple(labels), tuple(self.correct), tuple(self.checked), mode,
                        status, detail, self.stopped_at)  # fmt: skip

    def _label(self, k: int, mode: MCMode) -> float | None:
        if self.stopped_at is not None and k > self.stopped_at:
            return 0.0
        if not self.checked[k]:
            self.failed[k] = self.failed[k] or "no completion could be verified"
            return None
        if mode == "hard":
            return 1.0 if self.correct[k] else 0.0
        return self.correct[k] / self.checked[k]


@dataclass(frozen=True, slots=True)
class _Run:
    """The sampling and checking settings shared by every round."""

    generator: Generator
    check: Callable[[list[tuple[str, str]]], list[bool | None]]
    n: int
    max_new_tokens: int
    temperature: float
    stop: Sequence[str]
    template: PrefixTemplate
    batch_size: int | None

    def label(self, jobs: list[tuple[_State, int]], verify_last: bool) -> None:
        """Sample and check completions for every (trace, step) job, in place."""
        final = [(s, k) for s, k in jobs if verify_last and k == len(s.trace.steps) - 1]
        sampled = [(s, k) for s, k in jobs if not (verify_last and k == len(s.trace.steps) - 1)]
        solutions: list[tuple[_State, int, str]] = [(s, k, s.trace.text) for s, k in final]
        prefixes = [step_prefix(s.trace, k) for s, k in sampled]
        prompts = [self._prompt(s.trace, p) for (s, _), p in zip(sampled, prefixes, strict=True)]
        replies = self._generate(prompts)
        for (state, k), prefix, reply in zip(sampled, prefixes, replies, strict=True):
            if not reply.ok:
                state.failed[k] = f"generation failed: {reply.detail}"[:200]
            solutions += [(state, k, prefix + text) for text in reply.texts]
        pairs = [(text, str(state.trace.reference)) for state, _, text in solutions]
        for (state, k, _), verdict in zip(solutions, self.check(pairs), strict=True):
            if verdict is not None:
                state.checked[k] += 1
                state.correct[k] += verdict

    def _prompt(self, trace: Trace, prefix: str) -> str:
        if callable(self.template):
            return self.template(trace, prefix)
        return self.template.format(prompt=trace.prompt, prefix=prefix)

    def _generate(self, prompts: list[str]) -> list[Any]:
        size = self.batch_size or max(len(prompts), 1)
        out: list[Any] = []
        for start in range(0, len(prompts), size):
            chunk = prompts[start : start + size]
            replies = self.generator.generate(
                chunk, n=self.n, max_new_tokens=self.max_new_tokens,
                temperature=self.temperature, stop=self.stop,
            )  # fmt: skip
            if len(replies) != len(chunk):
                raise ValueError(f"the generator gave {len(replies)} replies for {len(chunk)}")
            out += replies
        return out


def _checker(
    verifier: Verifier | MathVerifier | None,
) -> Callable[[list[tuple[str, str]]], list[bool | None]]:
    """A batch check: True/False per (solution, reference), None when undecided."""
    if verifier is None or isinstance(verifier, MathVerifier):
        math = verifier or MathVerifier()

        def check_math(pairs: list[tuple[str, str]]) -> list[bool | None]:
            results = math.verify_batch(pairs)
            return [None if r.status in ("timeout", "error") else r.correct for r in results]

        return check_math

    def check_each(pairs: list[tuple[str, str]]) -> list[bool | None]:
        return [_call(verifier, solution, reference) for solution, reference in pairs]

    return check_each


def _call(verifier: Verifier, solution: str, reference: str) -> bool | None:
    try:
        verdict: Any = verifier(solution, reference)
    except Exception:  # a user verifier on model output: undecided, never a crash
        log.debug("verifier raised on a completion", exc_info=True)
        return None
    return bool(getattr(verdict, "correct", verdict))  # verify_math returns a MathResult
