"""The code verifier: run a program against its tests in a sandbox, per-test results.

Three kinds of tests, as the field writes them:

- a list of ``assert`` statements (MBPP): each runs on its own, so one failure does
  not hide the others; ``setup`` code (MBPP's ``test_setup_code``) runs first;
- a ``check(candidate)`` function (HumanEval): called with the ``entry_point``;
- stdin/stdout pairs (``{"input": ..., "output": ...}``): the program runs once per
  pair and passes when its output matches (surrounding white space ignored).

A program passes only when every test passes. For the first two kinds the harness
prints its record of the tests last, behind a nonce it is given on standard input
after the program was compiled; a program that exits early (``sys.exit(0)``,
``os._exit(0)``) or prints a fake record without the nonce fails. Code that sets out
to read the harness's memory can still forge a record: in-process tests cannot rule
that out, and neither can the field's usual harnesses.

>>> program = "def add(a, b):\\n    return a + b"
>>> result = verify_code(program, ["assert add(1, 2) == 3", "assert add(2, 2) == 5"])
>>> result.passed, [t.status for t in result.tests]
(False, ['passed', 'failed'])
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from stepscore.benchmarks.metrics.outcome import pass_at_k  # re-exported: the code reward's pass@k
from stepscore.verifiers.sandbox import ExecResult, Job, Sandbox, warm_sandbox

__all__ = ["CodeResult", "TestResult", "pass_at_k", "verify_code"]

TestStatus = Literal["passed", "failed", "error", "not_run"]
_MARK = "__stepscore_tests__"
_PREFIX = """\
def _ss_emitter():
    import json, os, sys
    nonce = sys.stdin.readline().strip()
    os.close(0)
    def emit(results):
        sys.stdout.flush()
        print("\\n{mark}" + nonce + json.dumps(results), flush=True)
    return emit
_ss_emit = _ss_emitter()
del _ss_emitter
"""
_SUFFIX = """
_ss_results = []
for _ss_i, _ss_src in enumerate({tests!r}):
    try:
        exec(compile(_ss_src, "<test %d>" % _ss_i, "exec"), globals())
        _ss_results.append((_ss_i, "passed", ""))
    except AssertionError as _ss_e:
        _ss_results.append((_ss_i, "failed", ("AssertionError: %s" % _ss_e)[:300]))
    except BaseException as _ss_e:
        _ss_results.append((_ss_i, "error", ("%s: %s" % (type(_ss_e).__name__, _ss_e))[:300]))
_ss_emit(_ss_results)
"""


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test: ``status`` passed / failed (an assertion) / error (another exception)
    / not_run (the program never reached it), and the first line of what went wrong."""

    index: int
    status: TestStatus
    message: str = ""


@dataclass(frozen=True, slots=True)
class CodeResult:
    """The verdict on a program: ``passed`` only when every test passed.

    ``status`` is the sandbox's status of the (last) run ("ok", "error", "timeout",
    "memory", "output_limit", "killed", "sandbox_error"); ``first_failure`` the first
    failing test's message, or the reason no test ran.
    """

    passed: bool
    status: str
    tests: tuple[TestResult, ...]
    first_failure: str | None
    execution: ExecResult | None = None

    @property
    def score(self) -> float:
        """The fraction of tests passed (a dense code reward)."""
        return (
            sum(t.status == "passed" for t in self.tests) / len(self.tests) if self.tests else 0.0
        )


def verify_code(
    program: str,
    tests: Sequence[str] | str | Sequence[Mapping[str, str]],
    *,
    entry_point: str | None = None,
    setup: str = "",
    timeout_s: float = 10.0,
    memory_mb: int = 1024,
    sandbox: Sandbox | None = None,
) -> CodeResult:
    """Run ``program`` against ``tests`` (see the module docstring for the three kinds)."""
    if not isinstance(program, str):
        raise TypeError(f"program must be a str, not {type(program).__name__}")
    box = sandbox if sandbox is not None else _default_sandbox()
    if isinstance(tests, str):
        if not entry_point:
            raise ValueError("a check(candidate) test needs the entry_point to call")
        return _run_asserts(
            box, program, setup + "\n" + tests, [f"check({entry_point})"], timeout_s, memory_mb
        )
    tests = list(tests)
    if not tests:
        raise ValueError("no tests to run")
    if all(isinstance(t, Mapping) for t in tests):
        return _run_io(box, program, tests, timeout_s, memory_mb)  # type: ignore[arg-type]
    if not all(isinstance(t, str) for t in tests):
        raise TypeError("tests must be assert strings, a check() source, or input/output pairs")
    return _run_asserts(box, program, setup, tests, timeout_s, memory_mb)  # type: ignore[arg-type]


def _run_asserts(
    box: Sandbox, program: str, setup: str, tests: list[str], timeout_s: float, memory_mb: int
) -> CodeResult:
    nonce = secrets.token_hex(16)
    prefix = _PREFIX.format(mark=_MARK)
    source = f"{prefix}\n{program}\n\n{setup}\n" + _SUFFIX.format(tests=tests)
    execution = box.run(source, stdin=nonce + "\n", timeout_s=timeout_s, memory_mb=memory_mb)
    record = _record(execution.stdout, nonce)
    if record is None:
        reason = (
            execution.detail or _last_line(execution.stderr) or "the tests did not run to the end"
        )
        not_run = tuple(TestResult(i, "not_run") for i in range(len(tests)))
        return CodeResult(
            False, execution.status, not_run, f"{execution.status}: {reason}", execution
        )
    results = tuple(TestResult(i, status, message) for i, status, message in record)
    failure = next(
        (f"test {t.index}: {t.message or t.status}" for t in results if t.status != "passed"), None
    )
    passed = failure is None and len(results) == len(tests) and execution.status == "ok"
    return CodeResult(passed, execution.status, results, failure, execution)


def _run_io(
    box: Sandbox, program: str, pairs: list[Mapping[str, str]], timeout_s: float, memory_mb: int
) -> CodeResult:
    jobs = [Job(program, stdin=str(pair.get("input", ""))) for pair in pairs]
    runs = box.run_many(jobs, timeout_s=timeout_s, memory_mb=memory_mb)
    results = []
    for i, (pair, run) in enumerate(zip(pairs, runs, strict=True)):
        if run.status != "ok":
            results.append(
                TestResult(i, "error", f"{run.status}: {run.detail or _last_line(run.stderr)}")
            )
        elif run.stdout.strip() == str(pair.get("output", "")).strip():
            results.append(TestResult(i, "passed"))
        else:
            results.append(
                TestResult(
                    i, "failed", f"expected {pair.get('output')!r}, got {run.stdout[:200]!r}"
                )
            )
    failure = next((f"test {t.index}: {t.message}" for t in results if t.status != "passed"), None)
    return CodeResult(failure is None, runs[-1].status, tuple(results), failure, runs[-1])


def _record(stdout: str, nonce: str) -> list[tuple[int, TestStatus, str]] | None:
    """The harness's record: the last line, behind the mark and this run's nonce."""
    lines = stdout.rstrip("\n").rsplit("\n", 1)
    prefix = _MARK + nonce
    if not lines or not lines[-1].startswith(prefix):
        return None
    try:
        return [tuple(item) for item in json.loads(lines[-1][len(prefix) :])]  # type: ignore[misc]
    except (ValueError, TypeError):
        return None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


_SANDBOX: Sandbox | None = None
_SANDBOX_LOCK = threading.Lock()


def _default_sandbox() -> Sandbox:
    """One per process, made on first use: the warm fork server where the machine allows
    it (thousands of programs an RL step), else a `LocalSandbox`."""
    global _SANDBOX
    with _SANDBOX_LOCK:
        if _SANDBOX is None:
            _SANDBOX = warm_sandbox()
        return _SANDBOX
