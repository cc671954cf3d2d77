"""Executable process supervision for program-of-thought traces.

`execute_program` runs a PoT program once in a sandbox, traced step by step (the harness
in `stepscore.verifiers.steps.tracer`; model code never runs in the caller's process):
each step gets the names it bound and their capped reprs, the step that raised gets
the exception, and the program's answer is taken the way PoT and PAL read it: the
``ans``, ``answer`` or ``result`` variable, else the return value of ``solution()`` or
``solver()``, else the last line it printed.

`check_program` turns a run into step verdicts: the step that raised (or held the syntax
error) is "refuted" with the exception. A step that ran without error is *not* thereby
right (``bags = left // 5`` runs fine with the wrong divisor), so it stays
"unverifiable", with its bound values as the evidence in ``reason``; nothing here checks
a value against what the question meant. A step still running at the deadline is
"unverifiable" too (slow is not wrong), and `ProgramRun.status` says "timeout".

>>> run = execute_program("x = 6\\ny = x * 7\\nans = y / 0")
>>> run.status, run.error_step, run.steps[1].bindings
('error', 2, (('y', '42'),))
>>> [v.status for v in check_program(segment("x = 6\\nans = x * 7", kind="pot"))]
['unverifiable', 'unverifiable']
>>> execute_program("x = 6\\nans = x * 7").answer.text
'42'
"""

from __future__ import annotations

import importlib.util
import logging
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from stepscore.reasoning.segment import segment
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.sandbox import ExecResult, Job, Sandbox, rootfs, warm_sandbox
from stepscore.verifiers.steps.check import StepVerdict
from stepscore.verifiers.steps.layout import ProgramLayout, layout
from stepscore.verifiers.steps.tracer import harness_source, read_records

log = logging.getLogger(__name__)
__all__ = [
    "LAZY_MODULES",
    "ProgramAnswer",
    "ProgramRun",
    "StepRun",
    "check_program",
    "default_sandbox",
    "execute_program",
    "execute_programs",
]

LAZY_MODULES = ("numpy", "sympy")  # PoT prompts import them; loaded only when used
RunStatus = Literal[
    "ok", "error", "syntax_error", "timeout", "memory", "output_limit", "killed",
    "no_record", "sandbox_error",
]  # fmt: skip
StepRunStatus = Literal["ran", "raised", "stopped", "not_run", "no_code"]
AnswerSource = Literal["ans", "answer", "result", "solution", "solver", "print"]


@dataclass(frozen=True, slots=True)
class StepRun:
    """What one step did: "ran", "raised", "stopped" (running when the sandbox stopped
    the program), "not_run" (never reached) or "no_code" (prose or comments only)."""

    index: int
    status: StepRunStatus
    bindings: tuple[tuple[str, str], ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ProgramAnswer:
    """The program's answer: its capped ``value`` (a repr, or the printed line), the
    float it converts to (None when it does not), where it came from, and its type."""

    value: str
    number: float | None
    source: AnswerSource
    type: str

    @property
    def text(self) -> str:
        """The answer as a math verifier should read it (``18.0`` -> ``"18"``).

        >>> ProgramAnswer("18.0", 18.0, "ans", "float").text
        '18'
        """
        number = self.number
        if number is None or number != number or abs(number) == float("inf"):
            return self.value
        return str(int(number)) if number == int(number) else repr(number)


@dataclass(frozen=True, slots=True)
class ProgramRun:
    """One traced execution. ``status``: "ok", "error" (an exception; ``error_step``
    raised it), "syntax_error", a sandbox status ("timeout", "memory", "output_limit",
    "killed", "sandbox_error"), or "no_record" (it ended without the harness's record,
    e.g. ``os._exit``). ``stdout`` is the tail of what the program printed."""

    status: RunStatus
    steps: tuple[StepRun, ...]
    answer: ProgramAnswer | None = None
    error: str | None = None
    error_step: int | None = None
    stdout: str = ""
    wall_s: float = 0.0
    execution: ExecResult | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def execute_program(
    trace_or_source: Trace | str,
    *,
    sandbox: Sandbox | None = None,
    timeout_s: float = 10.0,
    memory_mb: int = 1024,
    value_cap: int = 200,
    prelude: str = "",
) -> ProgramRun:
    """Run one PoT program (a "pot" `Trace`, or source to segment) traced per step.

    ``value_cap`` caps each repr; ``prelude`` is trusted code run untraced in the
    program's namespace first (say, the imports a benchmark's harness gave its programs).
    """
    return execute_programs(
        [trace_or_source],
        sandbox=sandbox,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        value_cap=value_cap,
        prelude=prelude,
    )[0]


def execute_programs(
    traces: Sequence[Trace | str],
    *,
    sandbox: Sandbox | None = None,
    timeout_s: float = 10.0,
    memory_mb: int = 1024,
    value_cap: int = 200,
    prelude: str = "",
    workers: int = 2,
) -> list[ProgramRun]:
    """`execute_program` for many programs through the sandbox's ``run_many``, in order.

    The default sandbox is the warm fork server where it can start (root on Linux),
    else `LocalSandbox`; either shows jobs `LAZY_MODULES` read-only.
    """
    if type(value_cap) is not int or value_cap < 8:
        raise ValueError(f"value_cap must be an int >= 8, not {value_cap!r}")
    layouts = [layout(_as_trace(t)) for t in traces]
    nonces = [secrets.token_hex(16) for _ in layouts]
    paths, lazy = _lazy_paths()
    jobs = [
        Job(
            harness_source(
                lay.source,
                lay.lines,
                lay.names,
                lay.owners,
                value_cap=value_cap,
                paths=paths,
                lazy=lazy,
                prelude=prelude,
            ),
            stdin=nonce + "\n",
        )
        for lay, nonce in zip(layouts, nonces, strict=True)
    ]
    box = sandbox if sandbox is not None else default_sandbox()
    results = box.run_many(jobs, timeout_s=timeout_s, memory_mb=memory_mb, workers=workers)
    return [
        _program_run(lay, nonce, result)
        for lay, nonce, result in zip(layouts, nonces, results, strict=True)
    ]


def check_program(
    trace: Trace, *, run: ProgramRun | None = None, sandbox: Sandbox | None = None
) -> list[StepVerdict]:
    """One verdict per step of a PoT trace from its execution (run here unless given)."""
    run = run if run is not None else execute_program(trace, sandbox=sandbox)
    if len(run.steps) != len(trace.steps):
        raise ValueError(f"a run of {len(run.steps)} steps for a trace of {len(trace.steps)}")
    verdicts = []
    for step in run.steps:
        if step.status == "raised":
            verdicts.append(StepVerdict(step.index, "refuted", (), f"raises {step.error}"))
            continue
        reason = {
            "ran": "ran without error (not thereby right)",
            "stopped": f"still running when stopped ({run.status})",
            "not_run": "not reached" if run.status != "sandbox_error" else f"{run.error}",
            "no_code": "no code",
        }[step.status]
        if step.bindings:
            reason += "; bound " + ", ".join(f"{name}={value}" for name, value in step.bindings)
        verdicts.append(StepVerdict(step.index, "unverifiable", (), reason))
    return verdicts


def _as_trace(trace_or_source: Trace | str) -> Trace:
    if isinstance(trace_or_source, str):
        return segment(trace_or_source, kind="pot")
    if not isinstance(trace_or_source, Trace):
        raise TypeError(f"a program is a Trace or a str, not {type(trace_or_source).__name__}")
    if trace_or_source.kind != "pot":
        raise ValueError(f"only 'pot' traces are programs, not {trace_or_source.kind!r}")
    return trace_or_source


def _program_run(lay: ProgramLayout, nonce: str, result: ExecResult) -> ProgramRun:
    entered, record = read_records(result.stdout, nonce)
    n = len(lay.names)
    if record is None:
        status = result.status if result.status not in ("ok", "error") else "no_record"
        last = entered[-1] if entered else None
        steps = tuple(
            StepRun(i, "stopped" if i == last else _reached(lay, i, entered)) for i in range(n)
        )
        why = result.detail or (result.stderr.strip().splitlines() or [""])[-1][:300]
        return ProgramRun(status, steps, error=why or None, wall_s=result.wall_s, execution=result)
    error = record.get("error") or {}
    raised = error.get("step")
    bindings = record.get("bindings") or {}
    steps = tuple(
        StepRun(
            i,
            "raised" if i == raised else _reached(lay, i, record.get("entered") or []),
            tuple((str(k), str(v)) for k, v in bindings.get(str(i), [])),
            error.get("message") if i == raised else None,
        )
        for i in range(n)
    )
    answer = record.get("answer")
    return ProgramRun(
        record.get("status", "no_record"),
        steps,
        None if not answer else ProgramAnswer(**answer),
        error.get("message"),
        raised,
        record.get("stdout", ""),
        result.wall_s,
        result,
    )


def _reached(lay: ProgramLayout, index: int, entered: list[int]) -> StepRunStatus:
    if index in entered:
        return "ran"
    return "not_run" if index in lay.code_steps else "no_code"


_lock = threading.Lock()
_SANDBOX: Sandbox | None = None


def default_sandbox() -> Sandbox:
    """The shared sandbox for programs: the warm fork server, else a `LocalSandbox`."""
    global _SANDBOX
    with _lock:
        if _SANDBOX is None:
            _SANDBOX = warm_sandbox(expose=_lazy_paths()[0])
        return _SANDBOX


_LAZY: tuple[tuple[str, ...], tuple[str, ...]] | None = None


def _lazy_paths() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The directories holding `LAZY_MODULES` here, and those of them that exist."""
    global _LAZY
    if _LAZY is None:
        paths, names = [], []
        for name in LAZY_MODULES:
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.submodule_search_locations:
                continue
            root = os.path.dirname(os.path.realpath(next(iter(spec.submodule_search_locations))))
            if rootfs.shadowed(root):
                log.warning("%s is under %s, which jobs cannot see: programs lack it", name, root)
                continue
            names.append(name)
            paths += [] if root in paths else [root]
        _LAZY = (tuple(paths), tuple(names))
    return _LAZY
