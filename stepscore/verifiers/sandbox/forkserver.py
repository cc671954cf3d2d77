"""The warm fork-server backend: namespace isolation at the cost of one fork per job.

`ForkServerSandbox` starts one server process (`forkworker`) that already sits in its own
mount and network namespaces, on the read-only allow-listed root (`rootfs`), with the
interpreter warm (common standard-library modules imported). The server forks one *slot*
per concurrent worker: an init that is PID 1 of a PID namespace of its own, with network
and IPC namespaces of its own and the seccomp filter, and runs jobs one after another.
Each job is a fork of that init (so of the pristine server), with the slot's ``file_mb``
tmpfs at ``/job``, ``/tmp`` and ``/dev/shm`` (emptied after every job; a job asking for
another size gets a slot with that size), a uid of its own (as root), no_new_privs and
rlimits; it runs the program with ``exec(compile(program, "/job/main.py", "exec"))``: no
interpreter start-up. When the job's main process ends, init SIGKILLs every process left in its PID
namespace and reaps them before it reports, so no process outlives its job; a job
stopped for time or output is ended by SIGKILL to its init (the whole namespace), and
that slot is not reused.

The server and every init are root and non-dumpable and no job holds their sockets,
while every job runs under another uid, so no job can signal, trace or write them, nor
reach a later job. A server that dies is started again (and the job retried once);
``recycle_after`` jobs also start a fresh one.

Differences from `LocalSandbox` a program may notice: ``sys.flags`` are those of ``-I -S``
(the job's directory is still first on ``sys.path``), the warm modules are already in
``sys.modules``, and jobs share the server's string-hash seed (``PYTHONHASHSEED``).
Each slot has network and IPC namespaces of its own (no interface up), so jobs running
at once cannot reach each other; a job that leaves SysV IPC objects ends its slot, and
POSIX message queues cannot be made (RLIMIT_MSGQUEUE is 0, on every backend). What a job
can still see of the earlier jobs of its slot are counters that their activity moved
(the next PID of the slot's namespace, the next inode number of its tmpfs), never data:
files, attributes and times of /job, /tmp and /dev/shm are reset after every job.

Not root, the server first takes a user namespace that maps only the caller's uid, which
owns its mount and network namespaces and every slot's; jobs then keep the caller's uid
(``isolation.uid_drop`` is False) and give up every capability that namespace grants
before the program runs, as in the Docker worker: a job can name no process outside its
slot, and its init holds capabilities the job lacks, so the job cannot trace it or open
its memory. That needs a kernel that lets users make user namespaces (most do); where it
cannot, or off Linux, it raises `IsolationUnavailableError`.

>>> with ForkServerSandbox() as sandbox:
...     sandbox.run("print(6 * 7)", timeout_s=5, memory_mb=256).stdout
'42\\n'
"""

from __future__ import annotations

import contextlib
import dataclasses
import marshal
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Iterable

from stepscore.verifiers.sandbox import forkworker, rootfs, seccomp, slots
from stepscore.verifiers.sandbox.base import (
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Limits,
    SandboxFront,
    encode_job,
)
from stepscore.verifiers.sandbox.local import (
    _UID_SPAN,
    NAMESPACED,
    _acquire_uid,
    _binds_for,
    _release_uid,
    _rlimits,
    _stage_dir,
)
from stepscore.verifiers.sandbox.supervise import watch_slot

__all__ = ["ForkServerSandbox"]

_HERE = os.path.dirname(os.path.abspath(__file__))
_BOOT = f"import sys;sys.path.insert(0,{_HERE!r});import forkworker;forkworker.main(sys.argv[1:])"
_START_S = 30.0
_ISOLATION = NAMESPACED
_JOB_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/job",
    "TMPDIR": "/tmp",
    "LANG": "C.UTF-8",
}
_IDLE_SLOTS = 16  # idle slots kept per server; more concurrent jobs open and close their own
_LIVE: weakref.WeakSet[ForkServerSandbox] = weakref.WeakSet()


class _ServerDown(Exception):
    pass


class _Server:
    """One server process, its socket, and the slots (warm inits) it has given out."""

    def __init__(self, proc: subprocess.Popen, sock: socket.socket) -> None:
        self.proc, self.sock = proc, sock
        self.served = 0  # jobs given to its slots
        self.busy = 0  # slots running a job now
        self.retired = False
        self.idle: list[_Slot] = []

    def alive(self) -> bool:
        return self.proc.poll() is None

    def open_slot(self, views: int) -> _Slot:
        """A new slot with writable views of ``views`` bytes: its init is PID 1 of a
        fresh PID namespace, forked by the server."""
        sock, pidfd = slots.open_slot(self.sock, views, _START_S)
        return _Slot(self, sock, pidfd, views)

    def idle_slot(self, views: int) -> _Slot | None:
        """An idle slot with views of ``views`` bytes (taken from the idle ones)."""
        for index in range(len(self.idle) - 1, -1, -1):
            if self.idle[index].views == views:
                return self.idle.pop(index)
        return None

    def stop(self) -> None:
        """Close the server (its slots die with it: PDEATHSIG) and wait for it."""
        for slot in self.idle:
            slot.close()
        self.idle.clear()
        self.sock.close()  # the server exits when it sees EOF
        try:
            self.proc.wait(2.0)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class _Slot:
    """A warm init in its own PID namespace that runs one job at a time."""

    __slots__ = ("pidfd", "server", "sock", "views")

    def __init__(self, server: _Server, sock: socket.socket, pidfd: int, views: int) -> None:
        self.server, self.sock, self.pidfd, self.views = server, sock, pidfd, views

    def close(self, *, kill: bool = False) -> None:
        """Let the slot go: init exits at EOF; ``kill``: SIGKILL its namespace and wait."""
        if kill:
            slots.kill(self.pidfd)
        self.sock.close()
        os.close(self.pidfd)


class ForkServerSandbox(SandboxFront):
    """Runs each program as a fork of a warm, namespaced server process.

    ``require``: protections the caller cannot do without (``seccomp`` on x86-64 only).
    ``expose``: more host directories to show jobs read-only. ``imports``: the modules the
    server imports before forking (default: `forkworker.WARM_IMPORTS`). ``recycle_after``:
    start a fresh server after this many jobs (0: never); jobs running on the old one
    finish first.
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
        if not sys.platform.startswith("linux"):
            raise IsolationUnavailableError("the fork server needs Linux (namespaces)")
        self._rootless = os.geteuid() != 0
        self._isolation = dataclasses.replace(_ISOLATION, uid_drop=not self._rootless)
        wanted = require if isinstance(require, Isolation) else Isolation.of(require or ())
        missing = self._isolation.missing(wanted)
        if missing:
            raise IsolationUnavailableError(f"the fork server cannot give {', '.join(missing)}")
        self._python = os.path.realpath(sys.executable)
        self._expose = rootfs.check_expose(tuple(os.path.realpath(p) for p in expose))
        self._imports = list(forkworker.WARM_IMPORTS if imports is None else imports)
        self._uid_base = uid_base
        self._recycle_after = recycle_after
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._retired: list[_Server] = []
        self._closed = False
        self._pid = os.getpid()
        _LIVE.add(self)
        with self._lock:
            try:
                self._server = self._start()
            except _ServerDown as exc:
                raise IsolationUnavailableError(f"the fork server did not start: {exc}") from None
        probe = self.run("print('ok')", timeout_s=30, memory_mb=512)
        if (probe.status, probe.stdout) != ("ok", "ok\n"):
            self.close()
            detail = (probe.detail or probe.stderr)[-300:]
            raise IsolationUnavailableError(f"a test job ended {probe.status}: {detail}")

    @property
    def isolation(self) -> Isolation:
        """What every job gets: as root a uid of its own too; not root, the caller's uid
        in namespaces that a user namespace of the server's own owns."""
        return self._isolation

    @property
    def uid_range(self) -> range:
        """The uids jobs run as (one each, at random)."""
        return range(self._uid_base, self._uid_base + _UID_SPAN)

    @property
    def server_pid(self) -> int | None:
        """The current server's pid (None when none runs)."""
        server = self._server
        return server.proc.pid if server is not None else None

    def close(self) -> None:
        """Stop the servers; jobs still running die with them."""
        with self._lock:
            self._closed = True
            servers = [s for s in (self._server, *self._retired) if s is not None]
            self._server, self._retired = None, []
            for server in servers:
                server.retired = True  # a job still running gives its slot back to no one
                server.stop()

    # -- servers and slots --------------------------------------------------------------

    def _start(self) -> _Server:
        """Start a server (the lock is held) and wait until it is warm."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            proc = subprocess.Popen(
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
        server = _Server(proc, ours)
        config = {
            "stage": _stage_dir(),
            "binds": _binds_for(self._python, self._expose),
            "drop_paths": [_HERE],
            "imports": self._imports,
            "env": _JOB_ENV,
            "seccomp": seccomp.AVAILABLE,  # installed once per slot, inherited by its jobs
            "rootless": self._rootless,
        }
        try:
            ours.settimeout(_START_S)
            ours.send(marshal.dumps(config))
            answer = ours.recv(4096)
            ours.settimeout(None)
        except OSError as exc:
            server.stop()
            raise _ServerDown(f"no answer: {exc}") from None
        if answer != b"ready":
            server.stop()
            raise _ServerDown(answer.decode("utf-8", "replace") or "it exited")
        return server

    @staticmethod
    def _args(theirs: socket.socket) -> list[str]:
        return [str(theirs.fileno()), str(os.getpid())]

    def _retire(self, server: _Server) -> None:
        """No new jobs for ``server`` (the lock is held); stop it once none runs."""
        server.retired = True
        if self._server is server:
            self._server = None
        for slot in server.idle:
            slot.close()
        server.idle.clear()
        if server.busy:
            self._retired.append(server)
        else:
            server.stop()

    def _adopt_process(self) -> None:
        """In a fork of the process that made this sandbox (run by the at-fork hook, while
        the child has one thread): let go of the parent's server and slots, closing only
        this process's copies of their descriptors, so that the next job starts a server
        of this process's own."""
        if self._pid == os.getpid():
            return
        self._lock = threading.Lock()  # another thread may have held it at the fork
        for server in (self._server, *self._retired):
            if server is not None:
                for slot in server.idle:
                    slot.sock.close()
                    os.close(slot.pidfd)
                server.sock.close()
        self._server, self._retired, self._pid = None, [], os.getpid()

    def _take(self, views: int) -> _Slot:
        """A free slot of a live server with views of ``views`` bytes, started or
        replaced as needed."""
        with self._lock:
            if self._closed:
                raise _ServerDown("the sandbox is closed")
            for attempt in (0, 1):
                server = self._server
                if server is not None and (
                    not server.alive()
                    or (self._recycle_after and server.served >= self._recycle_after)
                ):
                    self._retire(server)
                    server = None
                if server is None:
                    server = self._server = self._start()
                try:
                    slot = server.idle_slot(views) or server.open_slot(views)
                except (OSError, _ServerDown) as exc:
                    self._retire(server)  # dead or wedged: replace it
                    if attempt:
                        raise _ServerDown(f"the server failed twice: {exc}") from None
                    continue
                server.served += 1
                server.busy += 1
                return slot
            raise AssertionError("unreachable")

    def _give_back(self, slot: _Slot, *, clean: bool) -> None:
        """Return ``slot`` after a job; ``clean``: its init reported the job done."""
        with self._lock:
            server = slot.server
            server.busy -= 1
            keep = clean and not server.retired
            if keep:
                server.idle.append(slot)
                if len(server.idle) > _IDLE_SLOTS:  # the oldest goes (another size, likely)
                    slot = server.idle.pop(0)
                    keep = False
            if server.retired and not server.busy and server in self._retired:
                self._retired.remove(server)
                server.stop()
        if not keep:
            slot.close(kill=not clean)

    # -- one job ------------------------------------------------------------------------

    def _execute(self, program: str, stdin: str, files: dict, limits: Limits) -> ExecResult:
        start = time.perf_counter()
        uid = 0 if self._rootless else _acquire_uid(self._uid_base)  # 0: no uid change
        try:
            blobs, stdin_bytes = encode_job(program, stdin, files)
            config = {"uid": uid, "files": blobs, "rlimits": _rlimits(limits, uid)}
            views = limits.file_mb << 20
            try:
                slot, pipes = slots.hand_job(
                    marshal.dumps(config), stdin_bytes, lambda fds: self._hand_over(fds, views)
                )
            except _ServerDown as exc:
                detail = f"fork server: {exc}"
                return ExecResult(status="sandbox_error", returncode=None, detail=detail)
            clean = False
            try:
                result, clean = watch_slot(slot.pidfd, pipes, limits, start)
            finally:
                self._give_back(slot, clean=clean)
                for fd in pipes:
                    os.close(fd)
            return result
        finally:
            if uid:
                _release_uid(uid)

    def _hand_over(self, fds: list[int], views: int) -> _Slot:
        """Send one job's descriptors to a free slot with views of ``views`` bytes (a
        second one if the first is dead)."""
        for attempt in (0, 1):
            slot = self._take(views)
            try:
                slots.hand_over(slot.sock, fds)
            except OSError as exc:
                self._give_back(slot, clean=False)
                if attempt:
                    raise _ServerDown(f"no slot took the job: {exc}") from None
                continue
            return slot
        raise AssertionError("unreachable")


def _after_fork_in_child() -> None:
    for sandbox in list(_LIVE):
        sandbox._adopt_process()


os.register_at_fork(after_in_child=_after_fork_in_child)
