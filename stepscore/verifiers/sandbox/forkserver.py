"""The warm fork-server backend: namespace isolation at the cost of a few forks per job.

`ForkServerSandbox` starts one server process (`forkworker`) that already sits in its own
mount and network namespaces, on the read-only allow-listed root (`rootfs`), with the
interpreter warm (common standard-library modules imported). Each job is a fork of that
pristine server, in a PID namespace of its own (every process it starts dies with it), a
mount and IPC namespace of its own with a fresh ``file_mb`` tmpfs at ``/job``, ``/tmp``
and ``/dev/shm``, a uid of its own, no_new_privs and rlimits; it runs the program with
``exec(compile(program, "/job/main.py", "exec"))``: no interpreter start-up.

The server is root and non-dumpable and in no job's PID namespace, and every job runs
under another uid with the server's socket closed, so no job can signal, trace or write
the server, nor reach a later job. A server that dies is started again (and the job
retried once); ``recycle_after`` jobs also start a fresh one.

Differences from `LocalSandbox` a program may notice: ``sys.flags`` are those of ``-I -S``
(the job's directory is still first on ``sys.path``), the warm modules are already in
``sys.modules``, and jobs share the server's string-hash seed (``PYTHONHASHSEED``).
Concurrent jobs share one (empty, loopback-down) network namespace.

Requires root on Linux; elsewhere it raises `IsolationUnavailableError`.

>>> with ForkServerSandbox() as sandbox:
...     sandbox.run("print(6 * 7)", timeout_s=5, memory_mb=256).stdout
'42\\n'
"""

from __future__ import annotations

import contextlib
import marshal
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable

from stepscore.verifiers.sandbox import forkworker, rootfs
from stepscore.verifiers.sandbox.base import (
    PROGRAM,
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Limits,
    SandboxFront,
)
from stepscore.verifiers.sandbox.local import (
    _UID_SPAN,
    _acquire_uid,
    _binds_for,
    _release_uid,
    _rlimits,
    _stage_dir,
)
from stepscore.verifiers.sandbox.supervise import _result, _sealed

__all__ = ["ForkServerSandbox"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_BOOT = f"import sys;sys.path.insert(0,{_HERE!r});import forkworker;forkworker.main(sys.argv[1:])"
_GRACE_S = 5.0
_START_S = 30.0
_CHUNK = 1 << 16
_ISOLATION = Isolation(
    network=True, pid=True, mount=True, readonly_root=True, uid_drop=True, rlimits=True
)


class _ServerDown(Exception):
    pass


class ForkServerSandbox(SandboxFront):
    """Runs each program as a fork of a warm, namespaced server process.

    ``require``: protections the caller cannot do without (all but ``seccomp`` are given).
    ``expose``: more host directories to show jobs read-only. ``imports``: the modules the
    server imports before forking (default: `forkworker.WARM_IMPORTS`). ``recycle_after``:
    start a fresh server after this many jobs (0: never).
    """

    def __init__(
        self,
        *,
        require: Isolation | Iterable[str] | None = None,
        expose: Iterable[str] = (),
        imports: Iterable[str] | None = None,
        uid_base: int = 1_900_000_000,
        recycle_after: int = 0,
    ) -> None:
        if type(uid_base) is not int or not 1000 <= uid_base <= 2**31 - 1 - _UID_SPAN:
            raise ValueError(f"uid_base must be an int in [1000, 2**31 - 2**21), not {uid_base!r}")
        if type(recycle_after) is not int or recycle_after < 0:
            raise ValueError(f"recycle_after must be a non-negative int, not {recycle_after!r}")
        wanted = require if isinstance(require, Isolation) else Isolation.of(require or ())
        missing = _ISOLATION.missing(wanted)
        if missing:
            raise IsolationUnavailableError(f"the fork server cannot give {', '.join(missing)}")
        if not sys.platform.startswith("linux") or os.geteuid() != 0:
            raise IsolationUnavailableError("the fork server needs root on Linux (namespaces)")
        self._python = os.path.realpath(sys.executable)
        self._expose = rootfs.check_expose(tuple(os.path.realpath(p) for p in expose))
        self._imports = list(forkworker.WARM_IMPORTS if imports is None else imports)
        self._uid_base = uid_base
        self._recycle_after = recycle_after
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._sock: socket.socket | None = None
        self._served = 0
        self._closed = False
        with self._lock:
            try:
                self._start()
            except _ServerDown as exc:
                raise IsolationUnavailableError(f"the fork server did not start: {exc}") from None
        probe = self.run("print('ok')", timeout_s=30, memory_mb=512)
        if (probe.status, probe.stdout) != ("ok", "ok\n"):
            self.close()
            detail = (probe.detail or probe.stderr)[-300:]
            raise IsolationUnavailableError(f"a test job ended {probe.status}: {detail}")

    @property
    def isolation(self) -> Isolation:
        return _ISOLATION

    @property
    def uid_range(self) -> range:
        """The uids jobs run as (one each, at random)."""
        return range(self._uid_base, self._uid_base + _UID_SPAN)

    @property
    def server_pid(self) -> int | None:
        """The current server's pid (None when none runs)."""
        return self._proc.pid if self._proc is not None else None

    def close(self) -> None:
        """Stop the server; jobs still running die with it."""
        with self._lock:
            self._closed = True
            self._stop_server()

    # -- the server ---------------------------------------------------------------------

    def _start(self) -> None:
        """Start a server (the lock is held) and wait until it is warm."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._proc = subprocess.Popen(
                [self._python, "-I", "-S", "-X", "utf8", "-c", _BOOT, *self._args(theirs)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env={},
                cwd="/",
                start_new_session=True,
            )
        except OSError as exc:
            ours.close()
            raise _ServerDown(f"cannot start: {exc}") from None
        finally:
            theirs.close()
        self._sock, self._served = ours, 0
        config = {
            "stage": _stage_dir(),
            "binds": _binds_for(self._python, self._expose),
            "drop_paths": [_HERE],
            "imports": self._imports,
        }
        try:
            ours.settimeout(_START_S)
            ours.send(marshal.dumps(config))
            answer = ours.recv(4096)
            ours.settimeout(None)
        except OSError as exc:
            self._stop_server()
            raise _ServerDown(f"no answer: {exc}") from None
        if answer != b"ready":
            self._stop_server()
            raise _ServerDown(answer.decode("utf-8", "replace") or "it exited")

    @staticmethod
    def _args(theirs: socket.socket) -> list[str]:
        return [str(theirs.fileno()), str(os.getpid())]

    def _stop_server(self) -> None:
        sock, proc, self._sock, self._proc = self._sock, self._proc, None, None
        if sock is not None:
            sock.close()  # the server exits when it sees EOF
        if proc is not None:
            try:
                proc.wait(2.0)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def _submit(self, fds: list[int]) -> int:
        """Hand one job's descriptors to the server; the keeper's pidfd comes back."""
        with self._lock:
            if self._closed:
                raise _ServerDown("the sandbox is closed")
            for attempt in (0, 1):
                dead = self._proc is None or self._proc.poll() is not None
                if dead or (self._recycle_after and self._served >= self._recycle_after):
                    self._stop_server()
                    self._start()
                try:
                    return self._exchange(fds)
                except (OSError, _ServerDown) as exc:
                    self._stop_server()  # dead or wedged: replace it
                    if attempt:
                        raise _ServerDown(f"the server failed twice: {exc}") from None
            raise AssertionError("unreachable")

    def _exchange(self, fds: list[int]) -> int:
        sock = self._sock
        assert sock is not None
        sock.settimeout(_START_S)
        try:
            socket.send_fds(sock, [b"j"], fds)
            message, pidfds, _, _ = socket.recv_fds(sock, 16, 1)
        finally:
            sock.settimeout(None)
        if message == b"f" and not pidfds:
            raise OSError("the server could not fork")
        if message != b"p" or len(pidfds) != 1:
            for fd in pidfds:
                os.close(fd)
            raise _ServerDown(f"unexpected answer {message!r}")
        self._served += 1
        return pidfds[0]

    # -- one job ------------------------------------------------------------------------

    def _execute(self, program: str, stdin: str, files: dict, limits: Limits) -> ExecResult:
        start = time.perf_counter()
        uid = _acquire_uid(self._uid_base)
        mine: list[int] = []
        try:
            blobs = {name: text.encode("utf-8", "surrogatepass") for name, text in files.items()}
            blobs[PROGRAM] = program.encode("utf-8", "surrogatepass")
            config = {
                "uid": uid,
                "writable_bytes": limits.file_mb << 20,
                "files": blobs,
                "rlimits": _rlimits(limits, uid),
                "env": {
                    "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "HOME": "/job",
                    "TMPDIR": "/tmp",
                    "LANG": "C.UTF-8",
                },
            }
            out_r, out_w = os.pipe()
            err_r, err_w = os.pipe()
            status_r, status_w = os.pipe()
            mine = [out_r, err_r, status_r]
            theirs = [_sealed(marshal.dumps(config)), _sealed(stdin.encode("utf-8"))]
            theirs += [out_w, err_w, status_w]
            try:
                pidfd = self._submit(theirs)
            except _ServerDown as exc:
                detail = f"fork server: {exc}"
                return ExecResult(status="sandbox_error", returncode=None, detail=detail)
            finally:
                for fd in theirs:
                    os.close(fd)
            mine.append(pidfd)
            return self._watch(pidfd, out_r, err_r, status_r, limits, start)
        finally:
            for fd in mine:
                with contextlib.suppress(OSError):
                    os.close(fd)
            _release_uid(uid)

    def _watch(
        self, pidfd: int, out_r: int, err_r: int, status_r: int, limits: Limits, start: float
    ) -> ExecResult:
        cap = limits.output_bytes
        out, err, report = bytearray(), bytearray(), bytearray()
        buffers = {out_r: out, err_r: err, status_r: report}
        open_fds = set(buffers)
        for fd in open_fds:
            os.set_blocking(fd, False)
        deadline = start + limits.timeout_s
        stopped = ""
        try:
            while open_fds:
                left = deadline - time.perf_counter()
                if left <= 0:
                    stopped = "timeout"
                    break
                for fd in select.select(list(open_fds), [], [], left)[0]:
                    chunk = _read(fd)
                    if chunk is None:
                        continue
                    if not chunk:
                        open_fds.discard(fd)
                        continue
                    buffer = buffers[fd]
                    if fd == status_r:
                        buffer += chunk
                    else:
                        buffer += chunk[: cap + 1 - len(buffer)]
                        if len(buffer) > cap:
                            stopped = "output_limit"
                if stopped:
                    break
            left = deadline - time.perf_counter()
            if not stopped and not select.select([pidfd], [], [], max(0.0, left))[0]:
                stopped = "timeout"  # its init still reaps a process that keeps running
            if stopped:
                _kill(pidfd)
        except BaseException:
            _kill(pidfd)
            raise
        _drain(status_r, report)
        wall = time.perf_counter() - start
        text = report.decode("utf-8", "replace")
        return _result(text, None, stopped, out, err, limits, wall)


def _kill(pidfd: int) -> None:
    """SIGKILL the job's init, and so its whole PID namespace; wait until all are gone."""
    with contextlib.suppress(OSError):
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    select.select([pidfd], [], [], _GRACE_S)


def _read(fd: int) -> bytes | None:
    try:
        return os.read(fd, _CHUNK)
    except BlockingIOError:
        return None


def _drain(fd: int, into: bytearray) -> None:
    """What is left in ``fd`` (its writers are gone)."""
    while chunk := _read(fd):
        into += chunk
