"""The caller's side of one local job: start its supervisor, watch it, name how it ended.

The calling thread reads the job's stdout and stderr as they come, keeping at most the
output limit of each, and stops the job at the wall-clock deadline or the first byte past
a limit. Stopping is asking: SIGTERM to the supervisor (`jobinit`), which SIGKILLs the
job's namespace (or process tree), reaps it and exits; only if it does not exit within
`_GRACE_S` is its whole session killed from here. No signal reaches the caller's own
process and nothing here depends on which thread calls it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import selectors
import signal
import socket
import subprocess
import time

from stepscore.verifiers.sandbox import slots
from stepscore.verifiers.sandbox.base import ExecResult, Limits
from stepscore.verifiers.sandbox.slots import sealed

__all__ = ["supervise"]

_GRACE_S = 5.0
_CHUNK = 1 << 16


def supervise(command: list[str], config: dict, stdin: bytes, limits: Limits) -> ExecResult:
    """Run the supervisor ``command`` on ``config``; the job's stdin is ``stdin``."""
    start = time.perf_counter()
    status_r, status_w = os.pipe()
    config_fd, stdin_fd = sealed(marshal.dumps(config)), sealed(stdin)
    try:
        proc = subprocess.Popen(
            [*command, str(config_fd), str(status_w), str(os.getpid())],
            stdin=stdin_fd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(config_fd, status_w),
            env={},
            cwd="/",
            start_new_session=True,
        )
    except OSError as exc:
        os.close(status_r)
        return ExecResult(status="sandbox_error", returncode=None, detail=f"cannot start: {exc}")
    finally:
        for fd in (config_fd, stdin_fd, status_w):
            os.close(fd)
    try:
        out, err, stopped = _collect(proc, start + limits.timeout_s, limits.output_bytes)
        if stopped:
            _stop(proc)
        proc.wait()
    except BaseException:  # e.g. KeyboardInterrupt: never leave the job running
        _stop(proc)
        raise
    finally:
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
    with os.fdopen(status_r, "rb") as handle:
        report = handle.read().decode("utf-8", "replace")
    wall = time.perf_counter() - start
    return _result(report, proc.returncode, stopped, out, err, limits, wall)


def _collect(proc: subprocess.Popen, deadline: float, cap: int) -> tuple[bytearray, bytearray, str]:
    """Read both pipes until EOF and the exit, or until the deadline or a cap is passed."""
    out, err = bytearray(), bytearray()
    streams = {proc.stdout: out, proc.stderr: err}
    with selectors.DefaultSelector() as selector:
        for pipe in streams:
            os.set_blocking(pipe.fileno(), False)
            selector.register(pipe, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.perf_counter()
            if left <= 0:
                return out, err, "timeout"
            for key, _ in selector.select(left):
                chunk = _read(key.fileobj.fileno())
                if chunk is None:
                    continue
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                buffer = streams[key.fileobj]
                buffer += chunk[: cap + 1 - len(buffer)]
                if len(buffer) > cap:
                    return out, err, "output_limit"
    try:
        proc.wait(max(0.0, deadline - time.perf_counter()))
    except subprocess.TimeoutExpired:
        return out, err, "timeout"
    return out, err, ""


def _read(fd: int) -> bytes | None:
    try:
        return os.read(fd, _CHUNK)
    except BlockingIOError:
        return None


def _stop(proc: subprocess.Popen) -> None:
    """Ask the supervisor to kill and reap the job; kill its whole session if it will not."""
    with contextlib.suppress(OSError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(_GRACE_S)
    with contextlib.suppress(OSError):  # stragglers of a job that beat the supervisor
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def watch_slot(
    pidfd: int,
    pipes: list[int],
    limits: Limits,
    start: float,
    server: socket.socket | None = None,
) -> tuple[ExecResult, bool]:
    """A job handed to a warm slot (`slots.hand_job`): its result, read from its three
    ``pipes`` within what is left of its deadline since ``start`` (``perf_counter``), and
    whether the slot came out clean (free for the next job). ``server``: see `slots.kill`."""
    deadline = time.monotonic() + limits.timeout_s - (time.perf_counter() - start)
    out_r, err_r, status_r = pipes
    out, err, report, stopped = slots.watch(
        pidfd, out_r, err_r, status_r, deadline, limits.output_bytes, server
    )
    wall = time.perf_counter() - start
    result = _result(report.decode("utf-8", "replace"), None, stopped, out, err, limits, wall)
    return result, not stopped and slots.finished(report)


def _result(
    report: str,
    launcher_code: int | None,
    stopped: str,
    out: bytearray,
    err: bytearray,
    limits: Limits,
    wall: float,
) -> ExecResult:
    lines = report.splitlines()
    job = next((line.split() for line in lines if line.startswith("J ")), None)
    end = next((line.split() for line in lines if line.startswith("L ")), None)
    error = next((line[2:] for line in lines if line.startswith("E ")), None)
    cap = limits.output_bytes
    common = {
        "stdout": out[:cap].decode("utf-8", "replace"),
        "stderr": err[:cap].decode("utf-8", "replace"),
        "stdout_truncated": len(out) > cap,
        "stderr_truncated": len(err) > cap,
        "wall_s": wall,
        "cpu_s": float((job or end or ["", "", "", "0"])[3]),
    }
    if stopped == "timeout":
        detail = f"wall-clock limit of {limits.timeout_s:g} s"
        return ExecResult(status="timeout", returncode=None, detail=detail, **common)
    if stopped == "output_limit":
        detail = f"more than {cap} bytes of output"
        return ExecResult(status="output_limit", returncode=None, detail=detail, **common)
    if error is not None or job is None:
        detail = error or f"the sandbox ended without a report ({end or launcher_code})"
        return ExecResult(status="sandbox_error", returncode=None, detail=detail, **common)
    return _ending(job[1], int(job[2]), common, limits)


def _ending(kind: str, number: int, common: dict, limits: Limits) -> ExecResult:
    if kind == "exit":
        if number == 0:
            return ExecResult(status="ok", returncode=0, **common)
        if _out_of_memory(common["stderr"]):
            return ExecResult(status="memory", returncode=number, detail="MemoryError", **common)
        return ExecResult(status="error", returncode=number, detail=f"exit code {number}", **common)
    name = _signal_name(number)
    cpu_limit = limits.timeout_s  # SIGXCPU at ceil(timeout)+1 s, SIGKILL a second later
    if number == signal.SIGXCPU or (number == signal.SIGKILL and common["cpu_s"] > cpu_limit):
        detail = f"CPU-time limit ({name})"
        return ExecResult(status="timeout", returncode=-number, detail=detail, **common)
    return ExecResult(status="killed", returncode=-number, detail=f"killed by {name}", **common)


def _out_of_memory(stderr: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    fatal = "Fatal Python error" in stderr and "memory" in stderr.lower()
    return last.startswith("MemoryError") or fatal


def _signal_name(number: int) -> str:
    with contextlib.suppress(ValueError):
        return signal.Signals(number).name
    return f"signal {number}"
