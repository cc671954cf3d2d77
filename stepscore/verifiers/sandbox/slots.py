"""The caller's side of a warm job slot (`forkworker` serves the other side).

A slot is an init process, PID 1 of a PID namespace of its own, forked by a server that
never reads a job's data; it runs one job after another and, after each, kills and reaps
every process left in its namespace before it writes the job's ``J`` report and closes
the status pipe. So the status pipe's EOF after a ``J`` line means the job is over and
the slot is free; anything else (a deadline, an output cap, no ``J``, a ``J`` line that
ends in ``last``) ends the slot.

Used on the host by `forkserver` and by `docker` (whose containers hand the host their
zygote's socket, so the host talks to each slot directly, as here); standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import socket
import tempfile
import time
from collections.abc import Callable
from typing import TypeVar

try:
    import _signal as signal
except ImportError:  # pragma: no cover
    import signal  # type: ignore[no-redef]

T = TypeVar("T")
GRACE_S = 5.0  # how long a killed slot's namespace may take to go
_CHUNK = 1 << 16
_REPORT_BYTES = 4096


def open_slot(server: socket.socket, views: int, timeout_s: float) -> tuple[socket.socket, int]:
    """Ask the server for a new slot whose jobs' writable views (/job, /tmp, /dev/shm)
    hold ``views`` bytes: the slot's socket and a pidfd of its init. Raises OSError when
    the server cannot fork or does not answer as it should."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        server.settimeout(timeout_s)
        try:
            socket.send_fds(server, [b"s%d" % views], [theirs.fileno()])
            message, pidfds, _, _ = socket.recv_fds(server, 16, 1)
        finally:
            server.settimeout(None)
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    if message == b"p" and len(pidfds) == 1:
        return ours, pidfds[0]
    ours.close()
    for fd in pidfds:
        os.close(fd)
    raise OSError(f"the server could not start a slot (answer {message!r})")


def hand_job(config: bytes, stdin: bytes, send: Callable[[list[int]], T]) -> tuple[T, list[int]]:
    """Make one job's descriptors (sealed memfds with ``config`` and ``stdin``; stdout,
    stderr and status pipes), give them to ``send`` (which hands them to a slot, see
    `hand_over`), and close this side's copies of what the slot took. Returns what
    ``send`` returned and the three read ends (stdout, stderr, status; the caller's to
    close); on any error nothing is left open."""
    mine: list[int] = []
    theirs: list[int] = []
    try:
        for _ in range(3):
            read_end, write_end = os.pipe()
            mine.append(read_end)
            theirs.append(write_end)
        theirs[:0] = [sealed(config), sealed(stdin)]
        return send(theirs), mine
    except BaseException:
        _close_all(mine)
        raise
    finally:
        _close_all(theirs)


def sealed(data: bytes) -> int:
    """A readable fd holding ``data`` at offset 0: a memfd sealed against any change (no
    write, no resize) where the OS has one, so the job reads exactly what was sent."""
    if not hasattr(os, "memfd_create"):  # pragma: no cover - non-Linux
        with tempfile.TemporaryFile() as handle:
            fd = os.dup(handle.fileno())
        _write_all(fd, data)
        return fd
    fd = os.memfd_create("stepscore-job", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        _write_all(fd, data)
        seals = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_SEAL
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def hand_over(slot: socket.socket, fds: list[int]) -> None:
    """Give the slot one job: config memfd, stdin memfd, stdout, stderr, status pipes
    (the caller still owns and closes its copies). OSError: the slot is gone."""
    socket.send_fds(slot, [b"j"], fds)


def watch(
    pidfd: int,
    out_r: int,
    err_r: int,
    status_r: int,
    deadline: float,
    cap: int,
    server: socket.socket | None = None,
) -> tuple[bytearray, bytearray, bytearray, str]:
    """Read the job's pipes until all three close, its ``deadline`` (``time.monotonic``)
    or more than ``cap`` bytes on stdout or stderr; ``(out, err, report, stopped)`` where
    ``stopped`` is "", "timeout" or "output_limit". A stopped job's slot is killed (its
    whole PID namespace, see `kill`) before this returns."""
    out, err, report = bytearray(), bytearray(), bytearray()
    buffers = {out_r: out, err_r: err, status_r: report}
    open_fds = set(buffers)
    for fd in open_fds:
        os.set_blocking(fd, False)
    stopped = ""
    try:
        while open_fds and not stopped:
            left = deadline - time.monotonic()
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
                    buffer += chunk[: _REPORT_BYTES - len(buffer)]
                else:
                    buffer += chunk[: cap + 1 - len(buffer)]
                    if len(buffer) > cap:
                        stopped = "output_limit"
        if stopped:
            kill(pidfd, server)
    except BaseException:
        kill(pidfd, server)
        raise
    while chunk := _read(status_r):  # what is left (its writers are gone)
        report += chunk[: _REPORT_BYTES - len(report)]
    return out, err, report, stopped


def finished(report: bytes | bytearray) -> bool:
    """Whether the slot's init reported the job done and the slot clean and free (not
    ended: a ``J`` line that ends in ``last``)."""
    return any(
        line.startswith(b"J ") and not line.endswith(b" last") for line in report.splitlines()
    )


def kill(pidfd: int, server: socket.socket | None = None) -> None:
    """SIGKILL a slot's init, and so its whole PID namespace; wait until all are gone.
    Where this process may not signal it (a Docker container's uid, for a caller who is
    not root), the ``server`` that forked the slot is asked to (``b"k"`` and the pidfd)."""
    try:
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except PermissionError:
        if server is not None:
            with contextlib.suppress(OSError):
                socket.send_fds(server, [b"k"], [pidfd])
    except OSError:
        pass
    select.select([pidfd], [], [], GRACE_S)


def _read(fd: int) -> bytes | None:
    try:
        return os.read(fd, _CHUNK)
    except BlockingIOError:
        return None
