"""What every sandbox backend promises: the `Sandbox` protocol and its result types.

A sandbox runs an untrusted Python program and answers an `ExecResult`; what the program
did (crashed, hung, flooded its output, ran out of memory) is a ``status``, never an
exception. A backend says which protections it really has (`Isolation`), and a caller who
needs some can demand them up front; a machine that cannot give them raises
`IsolationUnavailableError` when the sandbox is made, not at the first job.

Statuses:

- ``"ok"``: exit code 0. ``"error"``: another exit code (an exception, a syntax error).
- ``"timeout"``: over the wall-clock deadline or the CPU-time limit.
- ``"memory"``: ran out of its address space (``MemoryError``).
- ``"output_limit"``: wrote more than ``output_bytes`` to stdout or stderr; stopped there.
- ``"killed"``: ended by a signal the sandbox did not send (e.g. SIGSEGV, its own SIGKILL).
- ``"sandbox_error"``: the sandbox itself failed; ``detail`` says how.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Literal, Protocol, runtime_checkable

from stepscore.errors import IsolationUnavailableError

__all__ = [
    "PROGRAM",
    "ExecResult",
    "Isolation",
    "IsolationUnavailableError",
    "Job",
    "Limits",
    "Sandbox",
    "SandboxFront",
    "Status",
    "check_files",
    "encode_job",
    "run_jobs",
]

Status = Literal["ok", "error", "timeout", "memory", "output_limit", "killed", "sandbox_error"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Isolation:
    """The protections a backend actually applies to every job.

    - ``network``: no network at all (its own empty network namespace).
    - ``pid``: its own PID namespace: it sees only its own processes, and all of them die
      with the job (a daemonized grandchild included).
    - ``mount``: its own mount namespace: host files outside the system directories are
      not there, and what it writes goes to its own size-capped tmpfs.
    - ``readonly_root``: the system directories it does see are read-only.
    - ``uid_drop``: runs as an unprivileged uid of its own (not the caller's, not root).
    - ``rlimits``: CPU, address space, file size, processes, open files, no core files.
    - ``seccomp``: a system-call filter (e.g. no ``ptrace``).

    >>> Isolation(rlimits=True).missing(Isolation(network=True, rlimits=True))
    ('network',)
    """

    network: bool = False
    pid: bool = False
    mount: bool = False
    readonly_root: bool = False
    uid_drop: bool = False
    rlimits: bool = False
    seccomp: bool = False

    @classmethod
    def of(cls, names: Iterable[str]) -> Isolation:
        """The isolation with exactly ``names`` on, e.g. ``Isolation.of({"network"})``."""
        known = {f.name for f in fields(cls)}
        chosen = set(names)
        if not chosen <= known:
            raise ValueError(f"unknown isolation {sorted(chosen - known)}; known: {sorted(known)}")
        return cls(**dict.fromkeys(chosen, True))

    def missing(self, required: Isolation) -> tuple[str, ...]:
        """The protections ``required`` asks for that this one lacks."""
        return tuple(
            f.name for f in fields(self) if getattr(required, f.name) and not getattr(self, f.name)
        )

    def enabled(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name))


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Per-job limits. ``output_bytes`` caps stdout and stderr each; ``file_mb`` caps the
    largest file and (where the backend has its own tmpfs) all the job writes together."""

    timeout_s: float
    memory_mb: int
    output_bytes: int = 1 << 20
    file_mb: int = 64
    processes: int = 64
    open_files: int = 256

    def __post_init__(self) -> None:
        if not isinstance(self.timeout_s, (int, float)) or not 0 < self.timeout_s < math.inf:
            raise ValueError(f"timeout_s must be a positive finite number, not {self.timeout_s!r}")
        for name in ("memory_mb", "output_bytes", "file_mb", "processes", "open_files"):
            value = getattr(self, name)
            if type(value) is not int or value <= 0:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")


@dataclass(frozen=True, slots=True)
class Job:
    """One program for `Sandbox.run_many`, with its own stdin and files."""

    program: str
    stdin: str | None = None
    files: Mapping[str, str] | None = field(default=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecResult:
    """How one program ended. ``returncode`` is negative for a signal (as in subprocess)
    and None when the program never ran; ``stdout``/``stderr`` are decoded UTF-8 (bad bytes
    replaced), cut at the output limit (then ``*_truncated``); ``detail`` is a short reason
    for any status but ``"ok"``; ``cpu_s`` counts the job's processes that were reaped."""

    status: Status
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    wall_s: float = 0.0
    cpu_s: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@runtime_checkable
class Sandbox(Protocol):
    """Runs untrusted Python programs, each in a fresh isolated environment."""

    @property
    def isolation(self) -> Isolation: ...

    def run(
        self,
        program: str,
        *,
        stdin: str | None = None,
        files: Mapping[str, str] | None = None,
        timeout_s: float,
        memory_mb: int,
        output_bytes: int = ...,
        file_mb: int = ...,
        processes: int = ...,
        open_files: int = ...,
    ) -> ExecResult: ...

    def run_many(
        self,
        programs: Iterable[str | Job],
        *,
        timeout_s: float,
        memory_mb: int,
        workers: int = ...,
        output_bytes: int = ...,
        file_mb: int = ...,
        processes: int = ...,
        open_files: int = ...,
    ) -> list[ExecResult]: ...

    def close(self) -> None: ...


def run_jobs(
    sandbox: Sandbox, programs: Iterable[str | Job], workers: int, **limits
) -> list[ExecResult]:
    """`Sandbox.run` for each program, ``workers`` at a time, results in input order."""
    if type(workers) is not int or workers <= 0:
        raise ValueError(f"workers must be a positive integer, not {workers!r}")
    jobs = [job if isinstance(job, Job) else Job(job) for job in programs]
    Limits(**limits)  # a bad limit raises here, once, not in every job

    def one(job: Job) -> ExecResult:
        return sandbox.run(job.program, stdin=job.stdin, files=job.files, **limits)

    if workers == 1 or len(jobs) <= 1:
        return [one(job) for job in jobs]
    with ThreadPoolExecutor(
        min(workers, len(jobs)), thread_name_prefix="stepscore-sandbox"
    ) as pool:
        return list(pool.map(one, jobs))


def check_files(files: Mapping[str, str] | None, reserved: Sequence[str] = ()) -> dict[str, str]:
    """``files`` as a dict of safe relative paths (caller bugs raise ValueError)."""
    checked = dict(files or {})
    for name in checked:
        parts = name.replace("\\", "/").split("/")
        if not name or name.startswith("/") or ".." in parts or "" in parts or "\0" in name:
            raise ValueError(f"file names must be relative paths inside the job, not {name!r}")
        if name in reserved:
            raise ValueError(f"{name!r} is reserved for the program itself")
        if not isinstance(checked[name], str):
            raise TypeError(f"file {name!r} must be given as str")
    return checked


PROGRAM = "main.py"  # the name a job's program is saved under (so no file may take it)


def encode_job(
    program: str, stdin: str, files: Mapping[str, str]
) -> tuple[dict[str, bytes], bytes]:
    """A job's files (its program among them, as `PROGRAM`) and stdin as bytes, the same on
    every backend: UTF-8 that keeps lone surrogates (``surrogatepass``), so no text a
    caller can hold makes a backend raise."""
    blobs = {name: text.encode("utf-8", "surrogatepass") for name, text in files.items()}
    blobs[PROGRAM] = program.encode("utf-8", "surrogatepass")
    return blobs, stdin.encode("utf-8", "surrogatepass")


class SandboxFront:
    r"""The argument checking every backend shares: `run` and `run_many` validate, build
    `Limits`, and hand one job to the backend's ``_execute(program, stdin, files,
    limits)``; a backend is also a context manager that `close`\ s itself."""

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release what the backend holds (nothing by default)."""

    def run(
        self,
        program: str,
        *,
        stdin: str | None = None,
        files: Mapping[str, str] | None = None,
        timeout_s: float,
        memory_mb: int,
        output_bytes: int = 1 << 20,
        file_mb: int = 64,
        processes: int = 64,
        open_files: int = 256,
    ) -> ExecResult:
        """Run ``program`` (Python source) once; ``files`` are written into its directory."""
        limits = Limits(
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            output_bytes=output_bytes,
            file_mb=file_mb,
            processes=processes,
            open_files=open_files,
        )
        checked = check_files(files, reserved=(PROGRAM,))
        if not isinstance(program, str) or not (stdin is None or isinstance(stdin, str)):
            raise TypeError("program and stdin must be str")
        return self._execute(program, stdin or "", checked, limits)

    def run_many(
        self,
        programs: Iterable[str | Job],
        *,
        timeout_s: float,
        memory_mb: int,
        workers: int = 2,
        output_bytes: int = 1 << 20,
        file_mb: int = 64,
        processes: int = 64,
        open_files: int = 256,
    ) -> list[ExecResult]:
        """`run` for each program (a str or a `Job`), ``workers`` at once, in input order."""
        limits = dict(timeout_s=timeout_s, memory_mb=memory_mb, output_bytes=output_bytes)
        limits.update(file_mb=file_mb, processes=processes, open_files=open_files)
        return run_jobs(self, programs, workers, **limits)  # type: ignore[arg-type]

    def _execute(self, program: str, stdin: str, files: dict, limits: Limits) -> ExecResult:
        raise NotImplementedError
