"""The jobs' system-call filter: kernel surface no program under test needs, denied.

Installed by each fresh job itself, after its privileges are dropped and ``no_new_privs``
is set, just before the program runs (`jobinit`), and by each warm slot's init once its
namespaces and mounts are made, so that every job forked from it inherits the filter
(`forkworker`; inside Docker containers too, on top of the container's profile):
``ptrace`` and ``process_vm_*``, new namespaces (``unshare``, ``setns``, ``clone`` with a
``CLONE_NEW*`` flag), mounts and the new mount API, ``bpf``, ``perf_event_open``,
``userfaultfd``, ``io_uring``, keyrings, module and kexec loading, clock setting and the
like fail with EPERM; ``clone3``, whose flags a
filter cannot read, fails with ENOSYS so the C library falls back to ``clone`` (threads,
``fork`` and ``subprocess`` keep working). Another architecture's system calls (the
32-bit ABIs on x86-64) kill the process.

Written by hand as classic BPF (no libseccomp), for x86-64 only: `AVAILABLE` is False
elsewhere and the sandboxes then do not claim ``seccomp``. Standard library only, for
the same reason as `linux`.
"""

from __future__ import annotations

import ctypes
import os
import struct

try:
    from . import linux
except ImportError:  # imported by path inside the sandbox
    import linux  # type: ignore[no-redef]

__all__ = ["AVAILABLE", "DENIED", "install"]

# x86-64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl)
DENIED = {
    "ptrace": 101,
    "syslog": 103,
    "uselib": 134,
    "personality": 135,
    "adjtimex": 159,
    "chroot": 161,
    "acct": 163,
    "settimeofday": 164,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "iopl": 172,
    "ioperm": 173,
    "init_module": 175,
    "delete_module": 176,
    "quotactl": 179,
    "lookup_dcookie": 212,
    "clock_settime": 227,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "perf_event_open": 298,
    "fanotify_init": 300,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "clock_adjtime": 305,
    "setns": 308,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "kcmp": 312,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
    "quotactl_fd": 443,
}
_CLONE, _CLONE3 = 56, 435
_NAMESPACE_FLAGS = 0x7E020000  # CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET}
_X32_BIT = 0x40000000
_AUDIT_ARCH_X86_64 = 0xC000003E

_LD_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF_W loads, BPF_K jumps
_ALLOW, _KILL_PROCESS = 0x7FFF0000, 0x80000000
_EPERM, _ENOSYS = 0x00050000 | 1, 0x00050000 | 38  # SECCOMP_RET_ERRNO | errno
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (args[0]: its low 32 bits)
_SECCOMP_MODE_FILTER = 2

AVAILABLE = os.uname().machine == "x86_64"


def _program() -> list[tuple[int, int, int, int]]:
    """The filter as ``(code, jt, jf, k)`` instructions: the architecture, then ``clone``'s
    flags, then a binary search over the denied numbers (a dozen instructions a call)."""
    clone_flags = [
        (_LD_ABS, 0, 0, _ARG0),
        (_JSET, 0, 1, _NAMESPACE_FLAGS),
        (_RET, 0, 0, _EPERM),
        (_RET, 0, 0, _ALLOW),
    ]
    return [
        (_LD_ABS, 0, 0, _ARCH),
        (_JEQ, 1, 0, _AUDIT_ARCH_X86_64),
        (_RET, 0, 0, _KILL_PROCESS),
        (_LD_ABS, 0, 0, _NR),
        (_JGE, 0, 1, _X32_BIT),
        (_RET, 0, 0, _EPERM),
        (_JEQ, 0, len(clone_flags), _CLONE),
        *clone_flags,
        *_search(sorted((*DENIED.values(), _CLONE3))),
    ]


def _search(numbers: list[int]) -> list[tuple[int, int, int, int]]:
    """Return the denial of whichever of ``numbers`` the call is, else allow it."""
    if len(numbers) <= 3:
        out = []
        for number in numbers:
            action = _ENOSYS if number == _CLONE3 else _EPERM
            out += [(_JEQ, 0, 1, number), (_RET, 0, 0, action)]
        return [*out, (_RET, 0, 0, _ALLOW)]
    middle = len(numbers) // 2
    below, above = _search(numbers[:middle]), _search(numbers[middle:])
    assert len(below) < 256  # a jump offset is one byte
    return [(_JGE, len(below), 0, numbers[middle]), *below, *above]


def install() -> None:
    """Filter this process's (and its future children's) system calls; needs
    ``no_new_privs`` (or CAP_SYS_ADMIN). Raises OSError where it cannot be installed."""
    if not AVAILABLE:
        raise OSError(38, f"no seccomp filter for {os.uname().machine}")
    linux.prctl(linux.PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, _PROG_ADDRESS)


def _sock_fprog(code: bytes) -> tuple[ctypes.Array, ctypes.Array, int]:
    """A ``struct sock_fprog`` for ``code``: the two buffers (keep them alive) and its
    address. Built once, at import, so each job's `install` is one system call."""
    filters = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("=HxxxxxxQ", len(code) // 8, ctypes.addressof(filters))
    header = ctypes.create_string_buffer(fprog, len(fprog))
    return filters, header, ctypes.addressof(header)


_FILTER = b"".join(struct.pack("=HBBI", *ins) for ins in _program())  # 8 bytes each
_FILTER_BUFFER, _PROG_BUFFER, _PROG_ADDRESS = _sock_fprog(_FILTER)
