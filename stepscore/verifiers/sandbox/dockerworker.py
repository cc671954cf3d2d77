"""The Docker backend's fork server: the main process of each warm sandbox container.

`stepscore.verifiers.sandbox.docker` starts ``python -I -S -c BOOT`` in the container, which
connects to a Unix socket the host made for it (its stdin and stdout from then on); the
host sends, as the first message, the source of this module and of the ones it uses (`linux`,
`rootfs`, `jobinit`, `forkworker`), so the code in the container is always the library's
own; standard library only. The container runs as uid 65534 with every capability
dropped; the server then takes a user namespace of its own (an identity map of that one
uid) and a mount namespace, which let it do what it needs without any host privilege::

    container (no network, read-only root, pids/memory/CPU limits, seccomp profile)
    └── server (uid 65534, non-dumpable; its own userns + mount ns; warm imports)
        │   one tmpfs at /.rw seen at /job, /tmp and /dev/shm, resized to file_mb and
        │   emptied after every job
        └── init (per job: PID 1 of a new PID + IPC namespace, no capabilities)
            └── job (setsid, rlimits) -> exec(compile(program)) as `forkworker` does

Nothing a job does reaches the server: the server is outside the job's PID namespace (so
``kill``, ``kill(-1)`` and ``ptrace`` cannot name it), non-dumpable (so ``/proc/PID/mem``
is closed), and the job holds none of its descriptors. When the job's main process ends,
init kills and reaps everything else in its namespace before it reports, so no process
outlives the job; a job stopped for time or output is ended by SIGKILL to its init.

Protocol on that socket, each message ``>I`` length-prefixed: requests
are marshalled dicts (host and container run the same interpreter, see `image`); answers
are ``>III`` (JSON header, stdout, stderr lengths) followed by the three parts.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import marshal
import os
import select
import shutil
import struct
import sys
import time

try:
    import _signal as signal
except ImportError:  # pragma: no cover
    import signal  # type: ignore[no-redef]

try:
    from . import forkworker, jobinit, linux, rootfs
except ImportError:  # the container: the modules were sent by the host
    import forkworker  # type: ignore[no-redef]
    import jobinit  # type: ignore[no-redef]
    import linux  # type: ignore[no-redef]
    import rootfs  # type: ignore[no-redef]

MODULES = ("linux", "rootfs", "jobinit", "forkworker", "dockerworker")  # in import order
BOOT = (  # connect to the host's socket, take it as stdin and stdout, load the modules
    "import os,sys,marshal,socket\n"
    "s=socket.socket(socket.AF_UNIX);s.connect('/run/stepscore/sock')\n"
    "os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);s.close()\n"
    "def r(n):\n"
    " b=b''\n"
    " while len(b)<n:\n"
    "  c=os.read(0,n-len(b))\n"
    "  if not c:os._exit(0)\n"
    "  b+=c\n"
    " return b\n"
    "for k,s in marshal.loads(r(int.from_bytes(r(4),'big'))):\n"
    " m=type(sys)(k);sys.modules[k]=m;exec(compile(s,k+'.py','exec'),m.__dict__)\n"
    "sys.modules['dockerworker'].main()\n"
)
LENGTH = struct.Struct(">I")
ANSWER = struct.Struct(">III")
_GRACE_S = 5.0
_CHUNK = 1 << 16
_CLONE_NEWUSER = 0x10000000
_VIEWS = (("job", rootfs.JOB_DIR, 0o700), ("tmp", "/tmp", 0o1777), ("shm", "/dev/shm", 0o1777))


def main() -> None:
    """Set up, answer ``ready`` (or the error), then serve jobs until stdin closes."""
    try:
        config = marshal.loads(_read_message())
        _own_namespaces()  # (writes /proc/self/uid_map: while still dumpable)
        linux.prctl(linux.PR_SET_DUMPABLE, 0)  # same uid as the jobs: keep /proc/PID/mem shut
        size = _mount_writable(config["writable_bytes"])
        forkworker._warm(config["imports"])
    except BaseException as exc:
        _answer({"error": jobinit._describe(exc)}, b"", b"")
        os._exit(1)
    gc.collect()
    gc.freeze()  # keep the warm heap shared with every fork
    _answer({"ready": True}, b"", b"")
    while True:
        request = marshal.loads(_read_message())
        if request.get("writable_bytes", size) != size:
            size = _resize(request["writable_bytes"])
        header, out, err = _one_job(request)
        if not _wipe():
            size = _mount_writable(size)  # something would not go: a fresh tmpfs instead
        _answer(header, out, err)


def _read_exactly(count: int) -> bytes:
    data = bytearray()
    while len(data) < count:
        chunk = os.read(0, count - len(data))
        if not chunk:
            os._exit(0)  # the host closed our stdin (closed or died): the container ends
        data += chunk
    return bytes(data)


def _read_message() -> bytes:
    return _read_exactly(LENGTH.unpack(_read_exactly(LENGTH.size))[0])


def _answer(header: dict, out: bytes, err: bytes) -> None:
    blob = json.dumps(header).encode()
    view = memoryview(ANSWER.pack(len(blob), len(out), len(err)) + blob + out + err)
    while view:
        view = view[os.write(1, view) :]


def _own_namespaces() -> None:
    """A user namespace mapping only our uid (for CAP_SYS_ADMIN over our own mounts and
    PID namespaces, never over the host's) and a private mount namespace."""
    uid, gid = os.getuid(), os.getgid()
    linux.unshare(_CLONE_NEWUSER | linux.CLONE_NEWNS)
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1")):
        _write(f"/proc/self/{name}", text)
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


_FLAGS = linux.MS_NOSUID | linux.MS_NODEV


def _mount_writable(size: int) -> int:
    """A fresh tmpfs of ``size`` bytes at /.rw, seen at /job, /tmp and /dev/shm (over any
    earlier one: replacing a tmpfs a job left unremovable is rare and stacking is cheap)."""
    options = f"size={size},nr_inodes=16384,mode=0755"
    linux.mount("tmpfs", rootfs.RW_DIR, "tmpfs", _FLAGS, options)
    for name, target, mode in _VIEWS:
        source = f"{rootfs.RW_DIR}/{name}"
        os.mkdir(source)
        os.chmod(source, mode)
        linux.mount(source, target, None, linux.MS_BIND)
    return size


def _resize(size: int) -> int:
    options = f"size={size},nr_inodes=16384,mode=0755"
    linux.mount(None, rootfs.RW_DIR, None, linux.MS_REMOUNT | _FLAGS, options)
    return size


def _wipe() -> bool:
    """Empty the job's writable views (every process of the job is gone by now)."""
    ok = True
    for name, _, mode in _VIEWS:
        path = f"{rootfs.RW_DIR}/{name}"
        try:
            os.chmod(path, mode)
            for entry in os.scandir(path):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, onerror=_unlock)
                else:
                    os.unlink(entry.path)
            ok = ok and not os.listdir(path)
        except OSError:
            ok = False
    return ok


def _unlock(function, path: str, exc_info) -> None:  # type: ignore[no-untyped-def]
    """A job may have made a directory unwritable: give it back its mode and retry."""
    try:
        os.chmod(os.path.dirname(path), 0o700)
        os.chmod(path, 0o700)
        function(path)
    except OSError:
        pass


# -- one job ----------------------------------------------------------------------------


def _one_job(request: dict) -> tuple[dict, bytes, bytes]:
    start = time.monotonic()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    status_r, status_w = os.pipe()
    stdin_fd = _sealed(request["stdin"])
    theirs = (stdin_fd, out_w, err_w, status_w)
    try:
        pid = linux.clone(linux.CLONE_NEWPID | linux.CLONE_NEWIPC)
    except OSError as exc:
        for fd in (*theirs, out_r, err_r, status_r):
            os.close(fd)
        return {"report": f"E clone: {exc}", "stopped": ""}, b"", b""
    if pid == 0:
        _init(request, *theirs)
    for fd in theirs:
        os.close(fd)
    pidfd = os.pidfd_open(pid)
    try:
        deadline = start + request["timeout_s"]
        out, err, report, stopped = _watch(pidfd, out_r, err_r, status_r, request, deadline)
    finally:
        for fd in (out_r, err_r, status_r, pidfd):
            os.close(fd)
        os.waitpid(pid, 0)
    header = {"report": report.decode("utf-8", "replace"), "stopped": stopped}
    return header, bytes(out), bytes(err)


def _watch(
    pidfd: int, out_r: int, err_r: int, status_r: int, request: dict, deadline: float
) -> tuple[bytearray, bytearray, bytearray, str]:
    """Read the job's pipes until they close, its deadline, or its output cap."""
    cap = request["output_bytes"]
    out, err, report = bytearray(), bytearray(), bytearray()
    buffers = {out_r: out, err_r: err, status_r: report}
    open_fds = set(buffers)
    stopped = ""
    while open_fds and not stopped:
        left = deadline - time.monotonic()
        if left <= 0:
            stopped = "timeout"
            break
        for fd in select.select(list(open_fds), [], [], left)[0]:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                open_fds.discard(fd)
                continue
            buffer = buffers[fd]
            if fd == status_r:
                buffer += chunk[:4096]
            else:
                buffer += chunk[: cap + 1 - len(buffer)]
                if len(buffer) > cap:
                    stopped = "output_limit"
    left = deadline - time.monotonic()
    if not stopped and not select.select([pidfd], [], [], max(0.0, left))[0]:
        stopped = "timeout"
    if stopped:
        with contextlib.suppress(OSError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)  # its whole PID namespace
        select.select([pidfd], [], [], _GRACE_S)
    return out, err, report, stopped


def _sealed(data: bytes) -> int:
    fd = os.memfd_create("stepscore-stdin")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _init(request: dict, stdin_fd: int, out_w: int, err_w: int, status_fd: int) -> None:
    """PID 1 of the job's namespaces: no capabilities, start the job, then kill and reap
    every other process of the namespace before reporting how the job ended."""
    try:
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)  # let go of the container's stdin/stdout
        keep = sorted({null, stdin_fd, out_w, err_w, status_fd})
        _close_all_but(keep)
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # the server died: all die
        linux.prctl(linux.PR_SET_DUMPABLE, 1)  # (/proc/self is root's while non-dumpable)
        _write("/proc/self/oom_score_adj", "1000")  # the job, not the server, if memory runs out
        linux.prctl(linux.PR_SET_DUMPABLE, 0)
        _drop_capabilities()
        status, usage = forkworker.run_job(
            lambda: forkworker._become_job(request, status_fd, stdin_fd, out_w, err_w),
            status_fd,
            (stdin_fd, out_w, err_w),
        )
        forkworker.kill_the_rest()
        cpu = usage.ru_utime + usage.ru_stime
        jobinit._report(status_fd, f"J {jobinit._ending(status)} {cpu:.6f}")
    except BaseException as exc:
        jobinit._report(status_fd, f"E init: {jobinit._describe(exc)}")
        os._exit(127)
    os._exit(0)


def _close_all_but(keep: list[int]) -> None:
    low = 3
    for fd in keep:
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 1 << 20)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


def _drop_capabilities() -> None:
    """Give up the capabilities the server's user namespace grants (the job gets none)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    libc = linux._lib()
    if libc.capset(ctypes.byref(header), data) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"capset: {os.strerror(errno)}")


if __name__ == "__main__":  # pragma: no cover - run only through BOOT
    sys.exit("run by stepscore.verifiers.sandbox.docker")
