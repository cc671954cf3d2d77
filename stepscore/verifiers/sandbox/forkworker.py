"""The warm fork server's side: one root process that forks a namespaced slot per worker.

`stepscore.verifiers.sandbox.forkserver` starts ``python -I -S -X utf8 -c BOOT SOCK_FD
PARENT_PID``; BOOT imports this module by path (like `jobinit`: standard library only).
The server, still root (or, for a caller without root, in a user namespace of its own
that maps only the caller's uid, whose jobs give up the capabilities it grants, as the
Docker worker's do)::

    server (own mount + network namespace, read-only root, non-dumpable, warm imports)
    └── init (per slot, cloned as PID 1 of a new PID namespace, with network and IPC
        │    namespaces and a mount namespace holding a fresh /proc and one tmpfs seen at
        │    /job, /tmp and /dev/shm; what every job starts with (signal dispositions,
        │    argv, an empty __main__, stdio streams), no_new_privs, the seccomp filter;
        │    runs one job after another, and after each kills and reaps every process
        │    left and empties the tmpfs)
        └── job (per job: setsid, own uid, its files, rlimits; init's no_new_privs and
            seccomp filter) -> exec(compile(program))

The job is a fork of the pristine server (through init, which runs no job code), so
nothing one job does reaches the next: init kills every process of its PID namespace
and empties /job, /tmp and /dev/shm before it reports a job done, a job that leaves SysV
IPC objects in the slot's IPC namespace ends the slot (jobs cannot make POSIX message
queues: RLIMIT_MSGQUEUE is 0), and neither the server nor init (root, non-dumpable, their
sockets closed in every job) can be signalled, traced or written by a job. What is done
once per slot rather than per job (the IPC namespace, the filter, the views' size, the
interpreter state a job starts in) costs a job nothing: a fresh IPC namespace and a
filter's JIT compilation were ~0.17 ms a job, the interpreter state ~0.1 ms.

The server's socket (SOCK_SEQPACKET) takes ``b"s"`` and the views' size in bytes (ASCII
digits) with one descriptor, the slot's end of a socket pair; the answer is ``b"p"`` with
a pidfd of the slot's init (``b"f"`` alone: the clone failed); ``b"k"`` with a pidfd of
one of its slots' inits kills that slot (for a caller who may not signal it). On its slot
socket init takes ``b"j"`` with five descriptors (config memfd, stdin memfd, stdout,
stderr and status pipes), runs the job, kills what is left, and reports on the status
pipe as `jobinit` does (``J`` and ``E`` lines); the status pipe's EOF after a ``J`` line
means the job and all its processes are gone and the slot is free again, unless the line
ends in ``last``: what the job left could not all be cleared, and the slot has ended. A
slot ends when its socket closes, and dies with the server.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import marshal
import os
import select
import socket
import sys
import types
from collections.abc import Callable

try:
    import _signal as signal
except ImportError:  # pragma: no cover
    import signal  # type: ignore[no-redef]

try:
    from . import jobinit, linux, rootfs, seccomp
except ImportError:  # imported by path inside the sandbox
    import jobinit  # type: ignore[no-redef]
    import linux  # type: ignore[no-redef]
    import rootfs  # type: ignore[no-redef]
    import seccomp  # type: ignore[no-redef]

# What programs commonly import (HumanEval, MBPP, competitive programming): done once here,
# and `ast`, whose AST types `compile()` would otherwise build in every job (~0.6 ms).
# Every warm module costs every job (its pages are copied at fork and freed at exit), so
# heavy modules few programs use are left to them: `dataclasses` (3.9 ms to import in a
# job), `statistics` (2.4), `calendar` (2.0), `traceback` (2.1), `fractions` (1.5),
# `textwrap` (0.6); all six warm cost each job ~7% on HumanEval. Not `threading` either:
# its after-fork handler runs in every job (~0.3 ms).
WARM_IMPORTS = (  # noqa: SIM905 - one line per group reads better
    "abc array ast atexit bisect collections collections.abc contextlib copy datetime "
    "decimal enum functools hashlib heapq io itertools json math operator random re string "
    "struct time types typing unicodedata"
).split()

PROGRAM = "/job/main.py"


def main(argv: list[str]) -> None:
    sock = socket.socket(fileno=int(argv[0]))
    parent = int(argv[1])
    try:
        config = marshal.loads(sock.recv(1 << 20))  # (no job's data: the server's setup)
        rootless = config["rootless"]
        if rootless:  # a user namespace of our own, mapping our uid alone, owns the rest
            linux.own_user_namespace(linux.CLONE_NEWNS | linux.CLONE_NEWNET)
        else:
            linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET)
        linux.prctl(linux.PR_SET_DUMPABLE, 0)  # (after the uid map: /proc/self is root's then)
        rootfs.build_base(config["stage"], binds=config["binds"], own_proc=not rootless)
        for path in config["drop_paths"]:
            while path in sys.path:
                sys.path.remove(path)
        _warm(config["imports"])
        set_environ(config["env"])
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
    except BaseException as exc:
        sock.send(b"E " + jobinit._describe(exc).encode("utf-8", "replace"))
        os._exit(1)
    gc.collect()
    gc.freeze()  # keep the warm heap shared with every fork (no copy-on-write by refcounts)
    sock.send(b"ready")
    start_job = start_job_keeping_uid if rootless else _start_job
    serve(sock, parent, _namespace_init, start_job, filtered=config["seccomp"])


def _warm(names: list[str]) -> None:
    for name in names:
        try:
            __import__(name)
        except Exception:
            continue


StartJob = Callable[[int, int, int, int, int], None]


def serve(
    sock: socket.socket,
    parent: int,
    setup_slot: Callable[[int], None],
    start_job: StartJob,
    *,
    filtered: bool,
    resize: Callable[[int], None] | None = None,
) -> None:
    """Answer slot requests on ``sock`` until it closes or ``parent`` dies: each slot's
    init calls ``setup_slot(views_bytes)`` (its writable views of that size, empty, in an
    IPC namespace of its own), installs the `seccomp` filter if ``filtered``, then each
    job calls ``start_job(config_fd, status_fd, stdin_fd, out_w, err_w)`` in a fork of
    init (it becomes the job and never returns). ``b"k"`` with a pidfd of one of its
    slots' inits kills that slot. Shared with the Docker worker, whose one slot at a time
    shares this server's views: ``b"r"`` and a size calls ``resize(size)`` on them (the
    slot is idle, so they are empty) and answers ``b"r"``, or ``b"f"`` if it failed."""
    # the slots' inits this server forked and has not reaped, each with a pidfd that
    # wakes the loop when the init dies, so it is reaped at once (no zombie lingers)
    inits: dict[int, int] = {}
    while True:
        ready = select.select([sock, *inits.values()], [], [], 1.0)[0]
        _reap(inits)
        if os.getppid() != parent:
            os._exit(0)
        if sock not in ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 16, 8)
        except OSError:
            os._exit(0)
        if not message:
            os._exit(0)  # the caller closed its end
        if message == b"k" and len(fds) == 1:
            _kill_slot(fds[0], inits)
            continue
        size = _number_after(b"r", message)
        if resize is not None and not fds and size is not None:
            try:
                resize(size)
                sock.send(b"r")
            except OSError:
                sock.send(b"f")
            continue
        views = _number_after(b"s", message)
        if views is None or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            continue
        try:
            pid = linux.clone(linux.CLONE_NEWPID)
        except OSError:
            pid = -1
        if pid == 0:
            sock.close()
            _slot(fds[0], views, setup_slot, start_job, filtered)
        os.close(fds[0])
        if pid < 0:
            socket.send_fds(sock, [b"f"], [])
            continue
        inits[pid] = os.pidfd_open(pid)
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(sock, [b"p"], [pidfd])
        finally:
            os.close(pidfd)


def _number_after(kind: bytes, message: bytes) -> int | None:
    """The size a request of ``kind`` (its letter, then ASCII digits) asks for; None if
    ``message`` is not one (0 is not a size: a tmpfs of size 0 has no cap)."""
    if message[:1] != kind or not message[1:].isdigit() or len(message) > 16:
        return None
    return int(message[1:]) or None


def _kill_slot(pidfd: int, inits: dict[int, int]) -> None:
    """SIGKILL the slot whose init ``pidfd`` names, if it is one of ours (for a caller
    who may not signal it itself); closes ``pidfd``."""
    try:
        with open(f"/proc/self/fdinfo/{pidfd}") as info:
            pid = next((int(line.split()[1]) for line in info if line.startswith("Pid:")), 0)
        if pid in inits:
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    finally:
        os.close(pidfd)


def _reap(inits: dict[int, int]) -> None:
    try:
        while (pid := os.waitpid(-1, os.WNOHANG)[0]) > 0:
            if pid in inits:
                os.close(inits.pop(pid))
    except ChildProcessError:
        pass


def _slot(
    slot_fd: int, views: int, setup_slot: Callable[[int], None], start_job: StartJob, filtered: bool
) -> None:
    """PID 1 of a slot's PID namespace: run the jobs that come on ``slot_fd``, one at a
    time, on writable views of ``views`` bytes."""
    try:
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # the server died: all die
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # as PID 1: no signal from a job lands
        setup_slot(views)
        _prepare_job_state()
        ipc = _IpcLists()
        slot = socket.socket(fileno=slot_fd)
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)  # every job inherits it
        if filtered:  # last: the mounts and namespaces above are among what it denies
            seccomp.install()  # every job inherits it: no filter to compile per job
    except BaseException:
        os._exit(127)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(slot, 16, 8)
        except OSError:
            os._exit(0)
        if message != b"j" or len(fds) != 5:
            os._exit(0)  # the caller closed the slot (or broke the protocol)
        try:
            reusable = _init_one(start_job, ipc, *fds)
        except BaseException:
            os._exit(127)
        if not reusable:
            os._exit(0)


def _init_one(
    start_job: StartJob,
    ipc: _IpcLists,
    config_fd: int,
    stdin_fd: int,
    out_w: int,
    err_w: int,
    status_fd: int,
) -> bool:
    """One job from init: start it, wait for it, kill and reap the rest, clear what it
    left, report; whether the slot can take another job. Init never reads the job's
    config: no job's data is in the heap later jobs are forked from."""
    handed = (config_fd, stdin_fd, out_w, err_w)
    try:
        status, usage = _run_job(
            lambda: start_job(config_fd, status_fd, stdin_fd, out_w, err_w), status_fd, handed
        )
        _kill_the_rest()
        # Nothing of the job's may reach the next: files it could not have removed, or
        # SysV IPC objects, end the slot (with its namespaces, once init exits).
        reusable = rootfs.wipe_views() and ipc.empty()
        cpu = usage.ru_utime + usage.ru_stime
        last = "" if reusable else " last"
        jobinit._report(status_fd, f"J {jobinit._ending(status)} {cpu:.6f}{last}")
        return reusable
    except BaseException as exc:
        _kill_the_rest()
        jobinit._report(status_fd, f"E init: {jobinit._describe(exc)}")
        raise
    finally:
        os.close(status_fd)


class _IpcLists:
    """The slot's IPC namespace's lists of SysV objects (``/proc/sysvipc``), opened once
    (read again from the start after each job; a job only has them until it closes
    every descriptor but its stdio)."""

    def __init__(self) -> None:
        self.fds = []
        for kind in ("shm", "sem", "msg"):
            try:
                self.fds.append(os.open(f"/proc/sysvipc/{kind}", os.O_RDONLY))
            except FileNotFoundError:  # a kernel without SysV IPC: nothing can be left
                continue

    def empty(self) -> bool:
        """Whether no shared memory segment, semaphore set or message queue is left:
        each list is then its header line alone."""
        try:
            return all(os.pread(fd, 4096, 0).count(b"\n") <= 1 for fd in self.fds)
        except OSError:
            return False


_MAIN: types.ModuleType | None = None  # a slot's ready-made ``__main__`` for its jobs
# and its stdio streams (init keeps its own: no write of init's, buffered, reaches a job)
_STDIO: tuple = ()
_FIRST_STDIO: tuple = ()  # the interpreter's own: held, so no job spends time freeing them


def _prepare_job_state() -> None:
    """In a slot's init, once: what every job's interpreter starts with and no job's
    data is in, so that a job (a fork of init: each its own copy) finds it in place, as
    a fresh ``python /job/main.py`` would have it: its signal dispositions (all default
    but SIGPIPE's and SIGXFSZ's; SIGINT's handler is the job's to set: init, as PID 1,
    keeps the default), ``sys.argv``, an empty ``__main__`` module, and
    the text streams over descriptors 0-2, made over stand-ins of the kinds a job's will
    be (a memfd, then pipes); a job only puts its own descriptors at 0-2."""
    global _MAIN, _STDIO, _FIRST_STDIO
    import io

    jobinit.default_signals()  # nothing the caller of the server ignored or handled
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # as a fresh interpreter has them
        signal.signal(sig, signal.SIG_IGN)
    sys.argv = [os.path.basename(PROGRAM)]  # as `python main.py` in /job (LocalSandbox)
    _MAIN = types.ModuleType("__main__")
    _MAIN.__file__ = PROGRAM
    _MAIN.__builtins__ = builtins

    _FIRST_STDIO = (
        sys.stdin,
        sys.stdout,
        sys.stderr,
        sys.__stdin__,
        sys.__stdout__,
        sys.__stderr__,
    )
    stdin = os.memfd_create("stepscore-stdin")
    out_r, out_w = os.pipe()
    for fd, target in ((stdin, 0), (out_w, 1), (out_w, 2)):
        os.dup2(fd, target)
    for fd in (stdin, out_r, out_w):
        os.close(fd)
    kinds = ((0, "r", "surrogateescape"), (1, "w", "surrogateescape"), (2, "w", "backslashreplace"))
    streams = tuple(
        io.open(fd, mode, encoding="utf-8", errors=errors, newline="\n", closefd=False)  # noqa: UP020, SIM115 - open until exit
        for fd, mode, errors in kinds
    )
    streams[2].reconfigure(line_buffering=True)
    _STDIO = streams


def _namespace_init(views: int) -> None:
    """The fork server's slot: network and IPC namespaces of its own (no interface up;
    jobs of two slots running at once cannot reach each other, not even by an abstract
    Unix socket or SysV IPC), a mount namespace with this PID namespace's /proc and the
    tmpfs of ``views`` bytes its jobs write to."""
    linux.unshare(linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWIPC)
    flags = linux.MS_NOSUID | linux.MS_NODEV | linux.MS_NOEXEC
    linux.mount("proc", "/proc", "proc", flags)
    rootfs.mount_views(views)


_VIEW_OF_JOB = f"{rootfs.RW_DIR}/job"  # what the job sees at /job


def _start_job(config_fd: int, status_fd: int, stdin_fd: int, out_w: int, err_w: int) -> None:
    """The fork server's job, still root: its config, /job made its own; then it
    becomes the job."""
    config = read_config(config_fd)
    os.chown(_VIEW_OF_JOB, config["uid"], config["uid"])
    become_job(config, status_fd, stdin_fd, out_w, err_w)


def start_job_keeping_uid(
    config_fd: int, status_fd: int, stdin_fd: int, out_w: int, err_w: int
) -> None:
    """A job of a server in a user namespace that maps one uid (the Docker worker's, or
    the fork server's without root), forked from its slot's init: its config, first in
    line for the OOM killer, none of the capabilities the namespace gave; then it becomes
    the job, under the same uid as the server."""
    config = read_config(config_fd)
    linux.prctl(linux.PR_SET_DUMPABLE, 1)  # (/proc/self is root's while non-dumpable)
    linux.write_proc("oom_score_adj", "1000")  # the job, not the server, if memory runs out
    linux.prctl(linux.PR_SET_DUMPABLE, 0)
    linux.drop_capabilities()
    become_job(config, status_fd, stdin_fd, out_w, err_w)


def read_config(fd: int) -> dict:
    """The job's config from its sealed memfd (closed here). Its size from ``lseek``, not
    ``fstat``: a stat result is an object to build, and its pages to copy, in every job."""
    try:
        return marshal.loads(os.pread(fd, os.lseek(fd, 0, os.SEEK_END), 0))
    finally:
        os.close(fd)


def _run_job(start: Callable[[], None], status_fd: int, handed: tuple[int, ...]) -> tuple:
    """From a slot's init: fork a child that runs ``start()`` (which becomes the job and
    never returns; a failure is reported on ``status_fd``), reap until that child ends,
    close the ``handed`` descriptors (the job's); its ``(wait status, rusage)``. Init
    does nothing while its job runs: every page it wrote then would be copied."""
    try:
        pid = os.fork()
        if pid == 0:
            try:
                start()
            except BaseException as exc:
                jobinit._report(status_fd, f"E job: {jobinit._describe(exc)}")
            os._exit(127)
        while True:
            wpid, status, usage = jobinit._wait4(-1)
            if wpid == pid:
                return status, usage
    finally:
        _close(*handed)


def _close(*fds: int) -> None:
    for fd in fds:
        try:  # noqa: SIM105 - contextlib.suppress costs init a few pages a job
            os.close(fd)
        except OSError:
            pass


def _kill_the_rest() -> None:
    """From a PID namespace's init: SIGKILL every other process of the namespace and reap
    until none is left. Every process of the namespace descends from init (orphans come
    back to it), so when init has no child left, none is: the usual case, which needs no
    ``kill(-1)`` (a walk over every process on the machine)."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break  # some still run
        except ChildProcessError:
            return
    while True:
        with contextlib.suppress(OSError):
            os.kill(-1, signal.SIGKILL)
        try:
            while os.waitpid(-1, 0)[0] > 0:
                pass
        except ChildProcessError:
            return


def become_job(config: dict, status_fd: int, stdin_fd: int, out_w: int, err_w: int) -> None:
    os.setsid()
    for fd, target in ((stdin_fd, 0), (out_w, 1), (err_w, 2)):
        os.dup2(fd, target)
    os.chdir(rootfs.JOB_DIR)
    jobinit.drop_privileges(config, in_slot=True)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # (init's is the default)
    os.closerange(3, 1 << 20)  # the status pipe and anything else of the server's
    _run(config["files"][os.path.basename(PROGRAM)])


def _run(source: bytes) -> None:
    """Run ``source`` as ``__main__`` the way ``python /job/main.py`` would, then exit;
    in the state `_prepare_job_state` left (and the environment the server set)."""
    module = _MAIN
    if module is None:
        raise RuntimeError("the slot prepared no job state")
    sys.stdin, sys.stdout, sys.stderr = _STDIO  # type: ignore[misc]
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = _STDIO  # type: ignore[misc]
    sys.path.insert(0, rootfs.JOB_DIR)
    sys.modules["__main__"] = module
    code = 0
    try:
        exec(compile(source, PROGRAM, "exec"), module.__dict__)
    except SystemExit as exc:
        code = _exit_code(exc)
    except BaseException:
        kind, value, tb = sys.exc_info()
        code = 1
        tb = tb.tb_next if tb is not None else None  # not this frame: the program's own
        try:
            if value is not None:
                value.__traceback__ = tb
            sys.excepthook(kind, value, tb)
        except BaseException:
            pass
    os._exit(_finish(code))


def set_environ(env: dict) -> None:
    """Make ``os.environ`` (and the C environment) exactly ``env``: the servers set their
    jobs' environment once, at start, so that every job finds it in place."""
    os.environ.clear()
    os.environ.update(env)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    try:  # noqa: SIM105 - as in jobinit
        print(exc.code, file=sys.stderr)
    except BaseException:
        pass
    return 1


def _finish(code: int) -> int:
    """What Py_FinalizeEx does that a program can see: join threads, atexit, flush."""
    threading = sys.modules.get("threading")
    try:
        if threading is not None:
            threading._shutdown()
    except BaseException:
        pass
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = 120
    return code
