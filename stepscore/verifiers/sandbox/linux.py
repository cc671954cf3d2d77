"""Thin ctypes wrappers for the Linux calls Python 3.11's `os` lacks.

``unshare``, ``mount``, ``umount2``, ``pivot_root`` and ``prctl`` are what the sandbox
needs to give a job its own namespaces and root. Standard library only: this module also
runs inside the sandbox, imported by path under ``python -I -S`` (see `jobinit`), where the
stepscore package is not importable. Each call raises `OSError` with the errno on failure.
"""

from __future__ import annotations

import ctypes
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_NOATIME = 1024
MS_NODIRATIME = 2048
MS_RELATIME = 1 << 21
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38

_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41}  # syscall numbers
_CLONE = {"x86_64": 56, "aarch64": 220, "riscv64": 220}
_SIGCHLD = 17

_libc = None


def _lib() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def unshare(flags: int) -> None:
    _check(_lib().unshare(ctypes.c_int(flags)), "unshare")


def own_user_namespace(flags: int = 0) -> None:
    """Unshare a user namespace (with ``flags``' other namespaces, which it then owns) that
    maps only this process's uid and gid, each to itself: capabilities over what the new
    namespaces hold, none over the host's; no privilege needed where the kernel allows
    unprivileged user namespaces. Children of the caller's may then be made in them."""
    uid, gid = os.getuid(), os.getgid()  # (read before: unmapped ids read as 65534 after)
    unshare(CLONE_NEWUSER | flags)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1")):
        write_proc(name, text)
    write_proc("gid_map", f"{gid} {gid} 1")


def write_proc(name: str, text: str) -> None:
    """Write ``text`` to /proc/self/``name`` (no file object: jobs call this too)."""
    fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


_NO_CAPABILITIES = (_CapHeader(0x20080522, 0), (_CapData * 2)())  # _LINUX_CAPABILITY_VERSION_3


def drop_capabilities() -> None:
    """Give up every capability (those a user namespace of ours grants included)."""
    header, data = _NO_CAPABILITIES  # made once, before any fork: each job only calls
    if _lib().capset(ctypes.byref(header), data) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"capset: {os.strerror(errno)}")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    lib = _lib()
    lib.mount.argtypes = (ctypes.c_char_p,) * 3 + (ctypes.c_ulong, ctypes.c_char_p)
    result = lib.mount(_bytes(source), _bytes(target), _bytes(fstype), flags, _bytes(data))
    _check(result, f"mount {source} on {target}")


def umount2(target: str, flags: int) -> None:
    _check(_lib().umount2(_bytes(target), ctypes.c_int(flags)), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    number = _PIVOT_ROOT.get(os.uname().machine)
    if number is None:
        raise OSError(38, "pivot_root: unknown syscall number on this machine")
    lib = _lib()
    lib.syscall.argtypes = (ctypes.c_long, ctypes.c_char_p, ctypes.c_char_p)
    _check(lib.syscall(number, _bytes(new_root), _bytes(put_old)), "pivot_root")


_prctl = None


def prctl(option: int, arg2: int = 0, arg3: int = 0) -> None:
    """``prctl(option, arg2, arg3, 0, 0)``; pass a pointer as ``ctypes.addressof(...)``."""
    global _prctl
    if _prctl is None:  # typed once: every job calls it, and its setup would cost each one
        _prctl = _lib().prctl
        _prctl.argtypes = (ctypes.c_int,) + (ctypes.c_ulong,) * 4
    if _prctl(option, arg2, arg3, 0, 0) != 0:
        _check(-1, f"prctl {option}")


def clone(flags: int) -> int:
    """`os.fork` into new namespaces (``flags``, e.g. ``CLONE_NEWPID``: the child is PID 1
    of its own PID namespace), with the interpreter's own before/after-fork steps around
    it; the caller must have a single thread. Returns 0 in the child, its pid in the parent.
    """
    number = _CLONE.get(os.uname().machine)
    if number is None:
        raise OSError(38, "clone: unknown syscall number on this machine")
    api, libc = ctypes.pythonapi, _lib()
    libc.syscall.restype = ctypes.c_long
    libc.syscall.argtypes = (ctypes.c_long,) * 6
    api.PyOS_BeforeFork()
    pid = libc.syscall(number, flags | _SIGCHLD, 0, 0, 0, 0)
    if pid == 0:
        api.PyOS_AfterFork_Child()
        return 0
    errno = ctypes.get_errno()
    api.PyOS_AfterFork_Parent()
    if pid < 0:
        raise OSError(errno, f"clone: {os.strerror(errno)}")
    return pid
