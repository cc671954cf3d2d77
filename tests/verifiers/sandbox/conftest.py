"""Fixtures shared by the sandbox tests."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator

import pytest

# What a job starts with, as ``python /job/main.py`` would have it, then changes to all of
# it: a fork of a warm slot must show the first line every time (nothing of a job's, nor
# of the init it was forked from, reaches the next).
_STARTING_STATE = """
import os, signal, sys
signals = ("SIGINT", "SIGTERM", "SIGCHLD", "SIGXCPU", "SIGPIPE", "SIGXFSZ", "SIGUSR1",
           "SIGHUP", "SIGQUIT")
handlers = [signal.getsignal(getattr(signal, s)) for s in signals]
with open("/proc/self/status") as status:
    nnp = [line.split()[1] for line in status if line.startswith("NoNewPrivs:")]
print(sys.argv, __file__, [getattr(h, "name", getattr(h, "__name__", h)) for h in handlers],
      nnp, "spoiled" in globals(), sys.path[0], sys.stdout.isatty())
for s in signals[1:]:
    signal.signal(getattr(signal, s), signal.SIG_IGN)
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
sys.argv.append("spoiled"); sys.path.insert(0, "/spoiled")
globals()["spoiled"] = sys.modules["__main__"].spoiled = True
"""
STARTING_STATE = (
    "['main.py'] /job/main.py ['default_int_handler', 'SIG_DFL', 'SIG_DFL', 'SIG_DFL', "
    "'SIG_IGN', 'SIG_IGN', 'SIG_DFL', 'SIG_DFL', 'SIG_DFL'] ['1'] False /job False\n"
)


@pytest.fixture
def starting_state() -> Callable[[object], None]:
    """``starting_state(sandbox)``: three jobs in a row each start as a fresh interpreter
    would (signal dispositions, argv, ``__main__``, no new privileges), though each
    spoils all of it before it ends. Run it with signals ignored by the test process too
    (`test_local`, `test_forkserver`): a job inherits none of its caller's."""
    return _check_starting_state


@pytest.fixture
def signals_ignored() -> Callable[[], contextlib.AbstractContextManager]:
    """``with signals_ignored():`` this process ignores SIGINT, SIGQUIT and SIGHUP, as a
    trainer run in the background (or under nohup) does; a sandbox made or run then must
    not hand that on to its jobs."""
    return _signals_ignored


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    names = (signal.SIGINT, signal.SIGQUIT, signal.SIGHUP)
    before = [signal.signal(sig, signal.SIG_IGN) for sig in names]
    try:
        yield
    finally:
        for sig, handler in zip(names, before, strict=True):
            signal.signal(sig, handler)


def _check_starting_state(sandbox: object) -> None:
    for _ in range(3):
        result = sandbox.run(_STARTING_STATE, timeout_s=10, memory_mb=512)  # type: ignore[attr-defined]
        assert (result.status, result.stdout) == ("ok", STARTING_STATE), result


@pytest.fixture
def memory_holds() -> Callable[[int, bytes], bool]:
    """``memory_holds(pid, needle)``: whether ``needle`` is anywhere in the readable
    memory of process ``pid`` (read as root through /proc/PID/mem)."""
    return _memory_holds


def _memory_holds(pid: int, needle: bytes) -> bool:
    """Whether ``needle`` is anywhere in the readable memory of process ``pid`` (root)."""
    fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
    try:
        with open(f"/proc/{pid}/maps") as maps:
            regions = [line.split() for line in maps]
        for fields in regions:
            if not fields[1].startswith("r") or fields[-1] in ("[vvar]", "[vsyscall]"):
                continue
            low, high = (int(x, 16) for x in fields[0].split("-"))
            try:
                if needle in os.pread(fd, high - low, low):
                    return True
            except OSError:
                continue
        return False
    finally:
        os.close(fd)
