"""The local backend: a fresh interpreter per job, in namespaces where the machine allows.

Each job runs ``python -E -s -S -X utf8 main.py`` (the resolved interpreter binary: no
wrapper scripts, no site-packages, no environment variables read; its directory, with
the ``files`` given, importable) under a small
supervisor (`jobinit`). On Linux, as root, it gets:

- its own PID namespace (every process it starts dies with it), network namespace (no
  network: not even the host's loopback), IPC and mount namespaces;
- a root that holds only the system directories and the interpreter's prefix, read-only,
  and one tmpfs of ``file_mb`` for ``/job`` (its working directory), ``/tmp`` and
  ``/dev/shm``, gone with the namespace;
- a uid of its own (picked at random from ``uid_base`` up, so concurrent jobs never share
  a process count), no_new_privs, and rlimits on CPU, address space, file size,
  processes, open files and core files;
- an environment of PATH, HOME, TMPDIR and LANG only.

Not root, it gets the same namespaces where the kernel lets any user make a user
namespace (most distributions do): the job's namespaces then belong to a user namespace
of its own that maps only the caller's uid, so the job runs as the caller's uid (no
``uid_drop``), with no capability over anything of the host's, sees none of the host's
processes, files outside the read-only system directories, or network. Elsewhere it
degrades to rlimits in a temporary directory (plus a uid of its own as root) and
`isolation` says so; ``require`` turns a missing protection into an error instead.

The caller's thread enforces the wall-clock deadline and the output caps while it reads
the job's pipes (never more than ``output_bytes`` + 64 KiB kept), and stops a job by
asking its supervisor, which kills the whole namespace (or process tree) and reaps it
before it reports: when `run` returns, no process of the job is left.

>>> sandbox = LocalSandbox()
>>> sandbox.run("print(6 * 7)", timeout_s=5, memory_mb=256).stdout
'42\\n'
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import logging
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from functools import cache
from typing import Literal

from stepscore.verifiers.sandbox import rootfs, seccomp
from stepscore.verifiers.sandbox.base import (
    PROGRAM,
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Limits,
    SandboxFront,
    encode_job,
)
from stepscore.verifiers.sandbox.supervise import supervise

__all__ = ["LocalSandbox"]

log = logging.getLogger(__name__)

# -I without its -P: the job's own directory stays importable (for ``files``).
_JOB_FLAGS = ("-E", "-s", "-S", "-X", "utf8")
_HERE = os.path.dirname(os.path.abspath(__file__))
_BOOT = f"import sys;sys.path.insert(0,{_HERE!r});import jobinit;jobinit.main(sys.argv[1:])"
_UID_SPAN = 1 << 20
_uid_lock = threading.Lock()
_uids_in_use: set[int] = set()


class LocalSandbox(SandboxFront):
    """Runs each program in a fresh local process with the strongest isolation available.

    ``mode``: ``"auto"`` (namespaces if they work here, else plain rlimits),
    ``"namespaces"`` (or raise), ``"plain"`` (rlimits, and a uid of its own as root).
    ``require``: protections the caller cannot do without (an `Isolation` or names like
    ``{"network", "pid"}``); missing ones raise `IsolationUnavailableError` here.
    ``python``: the interpreter for jobs (default: this one, resolved to its binary).
    ``expose``: more host directories to show jobs read-only (namespaces mode).
    """

    def __init__(
        self,
        *,
        mode: Literal["auto", "namespaces", "plain"] = "auto",
        require: Isolation | Iterable[str] | None = None,
        python: str | None = None,
        expose: Iterable[str] = (),
        uid_base: int = 1_900_000_000,
    ) -> None:
        if mode not in ("auto", "namespaces", "plain"):
            raise ValueError(f"mode must be 'auto', 'namespaces' or 'plain', not {mode!r}")
        if type(uid_base) is not int or not 1000 <= uid_base <= 2**31 - 1 - _UID_SPAN:
            raise ValueError(f"uid_base must be an int in [1000, 2**31 - 2**21), not {uid_base!r}")
        self._launcher = os.path.realpath(sys.executable)
        self._python = os.path.realpath(python or sys.executable)
        if not os.access(self._python, os.X_OK):
            raise ValueError(f"python {python!r} is not an executable file")
        self._expose = rootfs.check_expose(tuple(os.path.realpath(p) for p in expose))
        self._uid_base = uid_base
        self._namespaces, self._uid_drop, reason = self._choose(mode)
        self._isolation = _isolation_of(self._namespaces, self._uid_drop)
        wanted = require if isinstance(require, Isolation) else Isolation.of(require or ())
        missing = self._isolation.missing(wanted)
        if missing:
            raise IsolationUnavailableError(
                f"this machine cannot give {', '.join(missing)} isolation here: {reason}"
            )

    @property
    def isolation(self) -> Isolation:
        """What every job of this sandbox really gets (found by trying, once per process)."""
        return self._isolation

    @property
    def python(self) -> str:
        """The interpreter binary jobs run."""
        return self._python

    @property
    def uid_range(self) -> range:
        """The uids jobs run as (one each, at random) when `isolation` has ``uid_drop``."""
        return range(self._uid_base, self._uid_base + _UID_SPAN)

    def close(self) -> None:
        """Nothing to release: every job cleans up after itself."""

    def _choose(self, mode: str) -> tuple[bool, bool, str]:
        """(namespaces, uid_drop, why not more), trying namespaces first where asked."""
        reason = "namespaces were not asked for"
        if mode != "plain":
            reason = _namespaces_unavailable(self._launcher, self._python, self._expose)
            if not reason:
                return True, os.geteuid() == 0, ""
            if mode == "namespaces":
                raise IsolationUnavailableError(f"Linux namespaces are unavailable: {reason}")
            log.warning("sandbox: no namespaces (%s); jobs get rlimits only", reason)
        if os.geteuid() != 0:
            return False, False, f"{reason}; not root, so no uid of its own"
        if not _world_executable(self._python):
            fallback = _system_python()
            if fallback is None:
                log.warning("sandbox: jobs run as root: %s is private to root", self._python)
                return False, False, f"{reason}; {self._python} is not reachable by other uids"
            self._python = fallback  # the same version, reachable by the job's uid
        return False, True, reason

    def _execute(self, program: str, stdin: str, files: dict, limits: Limits) -> ExecResult:
        uid = _acquire_uid(self._uid_base) if self._uid_drop else 0
        workdir = None
        try:
            if not self._namespaces:
                workdir = tempfile.mkdtemp(prefix="stepscore-job-")
                if uid:
                    os.chown(workdir, uid, uid)
            blobs, stdin_bytes = encode_job(program, stdin, files)
            config = self._config(blobs, limits, uid, workdir)
            command = [self._launcher, "-I", "-S", "-c", _BOOT]
            return supervise(command, config, stdin_bytes, limits)
        finally:
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)
            if uid:
                _release_uid(uid)

    def _config(
        self, blobs: dict[str, bytes], limits: Limits, uid: int, workdir: str | None
    ) -> dict:
        """Everything the supervisor needs, as plain data (sent with marshal)."""
        cwd = workdir or rootfs.JOB_DIR
        return {
            "namespaces": self._namespaces,
            "userns": self._namespaces and not self._uid_drop,  # not root: see jobinit
            "stage": _stage_dir() if self._namespaces else "",
            "binds": _binds_for(self._python, self._expose),
            "writable_bytes": limits.file_mb << 20,
            "uid": uid,
            "workdir": cwd,
            "python": self._python,
            "argv": [self._python, *_JOB_FLAGS, PROGRAM],
            "env": {
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": cwd,
                "TMPDIR": "/tmp" if self._namespaces else cwd,
                "LANG": "C.UTF-8",
            },
            "files": blobs,
            "rlimits": _rlimits(limits, uid),
            "seccomp": seccomp.AVAILABLE,
        }


def _rlimits(limits: Limits, uid: int) -> dict:
    cpu = math.ceil(limits.timeout_s) + 1  # a backstop: the wall clock usually ends it first
    found = {
        "RLIMIT_AS": limits.memory_mb << 20,
        "RLIMIT_CPU": (cpu, cpu + 1),
        "RLIMIT_FSIZE": limits.file_mb << 20,
        "RLIMIT_NOFILE": limits.open_files,
        "RLIMIT_CORE": 0,
        # No POSIX message queues: the warm slots' IPC namespace outlives a job, and a
        # queue, unlike SysV objects, would not show in /proc/sysvipc (same on every backend).
        "RLIMIT_MSGQUEUE": 0,
    }
    # RLIMIT_NPROC counts every task of the uid: a uid of our own starts at zero, the
    # caller's own uid starts at what it already runs.
    found["RLIMIT_NPROC"] = limits.processes + (0 if uid else _tasks_of(os.getuid()))
    return found


_TASKS_TTL_S = 0.5  # how long a count of the caller's tasks is reused
_tasks_seen: dict[int, tuple[float, int]] = {}


def _tasks_of(uid: int) -> int:
    """The tasks (threads) running as ``uid`` now, counted at most every `_TASKS_TTL_S`:
    a walk over /proc costs a job that shares the caller's uid ~1 ms, and the count
    drifts while the job starts anyway."""
    now = time.monotonic()
    seen = _tasks_seen.get(uid)
    if seen is not None and now - seen[0] < _TASKS_TTL_S:
        return seen[1]
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError):
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
    _tasks_seen[uid] = (now, count)
    return count


NAMESPACED = Isolation(  # what a job gets in namespaces (also the fork server's)
    network=True,
    pid=True,
    mount=True,
    readonly_root=True,
    uid_drop=True,
    rlimits=True,
    seccomp=seccomp.AVAILABLE,
)


def _isolation_of(namespaces: bool, uid_drop: bool) -> Isolation:
    if namespaces:
        return dataclasses.replace(NAMESPACED, uid_drop=uid_drop)
    return Isolation(uid_drop=uid_drop, rlimits=True, seccomp=seccomp.AVAILABLE)


@cache
def _namespaces_unavailable(launcher: str, python: str, expose: tuple[str, ...]) -> str:
    """Why namespaces cannot run a job here ("" if they can): tried once per setting."""
    if not sys.platform.startswith("linux"):
        return f"not Linux ({sys.platform})"
    probe = object.__new__(LocalSandbox)
    probe._launcher, probe._python, probe._expose = launcher, python, expose
    probe._namespaces, probe._uid_drop, probe._uid_base = True, os.geteuid() == 0, 1_900_000_000
    result = probe._execute("print('ok')", "", {}, Limits(timeout_s=30, memory_mb=512))
    if result.status == "ok" and result.stdout == "ok\n":
        return ""
    return f"a test job ended {result.status}: {(result.detail or result.stderr)[-300:]}"


def _binds_for(python: str, expose: tuple[str, ...]) -> list[str]:
    """Host directories the job's root needs beyond the system ones: the interpreter's."""
    prefix = os.path.dirname(os.path.dirname(python))
    system = tuple(path + "/" for path in rootfs.SYSTEM_PATHS)
    return [p for p in (prefix, *expose) if not (p + "/").startswith(system) and p != "/"]


def _world_executable(path: str) -> bool:
    """Whether a uid that is neither owner nor group could run ``path``."""
    while True:
        with contextlib.suppress(OSError):
            if not os.stat(path).st_mode & 0o001:
                return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def _system_python() -> str | None:
    """This Python's version from the system directories, if every uid can run it."""
    name = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
    return os.path.realpath(found) if found and _world_executable(found) else None


_stage_lock = threading.Lock()
_stage: list[str] = []


def _stage_dir() -> str:
    """An empty host directory each job's private mount namespace mounts its root on."""
    with _stage_lock:
        if not _stage:
            _stage.append(tempfile.mkdtemp(prefix="stepscore-sandbox-root-"))
            atexit.register(os.rmdir, _stage[0])
        return _stage[0]


def _acquire_uid(base: int) -> int:
    with _uid_lock:
        while True:
            uid = base + random.randrange(_UID_SPAN)
            if uid not in _uids_in_use:
                _uids_in_use.add(uid)
                return uid


def _release_uid(uid: int) -> None:
    with _uid_lock:
        _uids_in_use.discard(uid)
