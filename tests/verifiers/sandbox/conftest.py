"""Fixtures shared by the sandbox tests."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest


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
