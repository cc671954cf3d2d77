"""The processes of one sandboxed job: launcher, namespace init and the job itself.

`stepscore.verifiers.sandbox.local` starts ``python -I -S -c BOOT CONFIG_FD STATUS_FD``;
BOOT imports this module by path (the package itself is not importable there, and
importing it would cost milliseconds), so it and its helpers use the standard library only.

With namespaces (root)::

    launcher (host, root)          waits; SIGTERM from the caller = stop the job now
    └── init (PID 1 of a new PID, mount, network and IPC namespace, root)
        │   builds the read-only root (`rootfs`), then reaps everything
        └── job (setsid, uid dropped, no_new_privs, rlimits) -> exec python main.py

Not root (``userns`` in the config), the launcher first takes a user namespace that maps
only the caller's uid and gid, which then owns the others: init and the job have
capabilities over the job's namespaces only, the job keeps the caller's uid, and its
``execve`` of python (not root, no file capabilities) leaves it none at all.

When the job's main process exits, init reports and exits, and the kernel kills every
process left in the namespace (a daemonized grandchild included). When the launcher dies
(the caller was killed), init gets SIGKILL (parent-death signal) with the same effect.

Without namespaces the launcher is the job's parent and a child subreaper: orphans
(double-forked daemons) are re-parented to it, and it kills them all before it reports.

Reports go to the status pipe, one line each: ``J exit|signal N CPU_S`` (the job's end),
``E message`` (setup failed) and last ``L exit|signal N CPU_S`` (init's end, from the
launcher). Standard library only; see `linux`.
"""

from __future__ import annotations

import marshal
import os
import resource
import select

try:  # the C module under `signal`: the same calls, without importing enum (~1.5 ms)
    import _signal as signal
except ImportError:  # pragma: no cover - another Python implementation
    import signal  # type: ignore[no-redef]

try:
    from . import linux, rootfs, seccomp
except ImportError:  # imported by path inside the sandbox
    import linux  # type: ignore[no-redef]
    import rootfs  # type: ignore[no-redef]
    import seccomp  # type: ignore[no-redef]

# The launcher takes only the PID namespace (its next child is PID 1 there); init takes the
# rest, so the launcher keeps the host's mounts and the root that init pivots away from.
INIT_NAMESPACES = linux.CLONE_NEWNS | linux.CLONE_NEWNET | linux.CLONE_NEWIPC

_stop_requested = False
_target_pid = 0  # the process SIGTERM kills: init (namespaces) or the job's group (plain)


def main(argv: list[str]) -> None:
    """The launcher: read the config, start the job, wait, report, exit."""
    config_fd, status_fd = int(argv[0]), int(argv[1])
    signal.signal(signal.SIGTERM, _on_term)
    linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(argv[2]):
        os._exit(1)  # the caller died before the line above
    os.set_inheritable(status_fd, False)
    with os.fdopen(config_fd, "rb") as handle:
        config = marshal.loads(handle.read())
    try:
        if config["namespaces"]:
            _launch_in_namespaces(config, status_fd)
        else:
            _launch_plain(config, status_fd)
    except BaseException as exc:
        _report(status_fd, f"E launcher: {_describe(exc)}")
    os._exit(0)


def _on_term(signum: int, frame: object) -> None:
    global _stop_requested
    _stop_requested = True
    if _target_pid != 0:
        _kill_quietly(_target_pid)


def _launch_in_namespaces(config: dict, status_fd: int) -> None:
    global _target_pid
    if config.get("userns"):  # not root: a user namespace of our own owns the others
        linux.own_user_namespace(linux.CLONE_NEWPID)
    else:
        linux.unshare(linux.CLONE_NEWPID)
    lifeline_r, lifeline_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(lifeline_w)
        _init(config, status_fd, lifeline_r)
    os.close(lifeline_r)
    _target_pid = pid
    if _stop_requested:
        os.kill(pid, signal.SIGKILL)
    _quiet_stdio()
    _, status, usage = _wait4(pid)
    _report(status_fd, f"L {_ending(status)} {usage.ru_utime + usage.ru_stime:.6f}")


def _init(config: dict, status_fd: int, lifeline: int) -> None:
    """PID 1 of the job's namespaces: build its root, start it, reap until it ends."""
    try:
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)
        if select.select([lifeline], [], [], 0)[0]:
            os._exit(1)  # the launcher died before the line above
        linux.unshare(INIT_NAMESPACES)
        # Non-dumpable (a user namespace of ours already made it so): a job of the same
        # uid (no root) must not open this process's memory and forge its report.
        linux.prctl(linux.PR_SET_DUMPABLE, 0)
        rootfs.build(
            config["stage"],
            binds=config["binds"],
            writable_bytes=config["writable_bytes"],
            uid=config["uid"],
        )
        pid = _start_job(config, status_fd)
        _quiet_stdio()
        while True:  # as PID 1 it inherits every orphan: reap them all
            wpid, status, usage = _wait4(-1)
            if wpid == pid:
                break
        _report(status_fd, f"J {_ending(status)} {usage.ru_utime + usage.ru_stime:.6f}")
    except BaseException as exc:
        _report(status_fd, f"E init: {_describe(exc)}")
        os._exit(127)
    os._exit(0)  # the kernel now kills whatever is left in the namespace


def _launch_plain(config: dict, status_fd: int) -> None:
    """No namespaces: the launcher is the job's parent and catches its orphans."""
    global _target_pid
    linux.prctl(linux.PR_SET_CHILD_SUBREAPER, 1)
    pid = _start_job(config, status_fd)
    _target_pid = -pid  # the job's process group
    if _stop_requested:
        _kill_quietly(-pid)
    _quiet_stdio()
    while True:
        wpid, status, usage = _wait4(-1)
        if wpid == pid:
            break
    _kill_quietly(-pid)
    _kill_descendants()
    _report(status_fd, f"J {_ending(status)} {usage.ru_utime + usage.ru_stime:.6f}")
    _report(status_fd, f"L exit 0 {usage.ru_utime + usage.ru_stime:.6f}")


def _start_job(config: dict, status_fd: int) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            _become_job(config)
        except BaseException as exc:
            _report(status_fd, f"E job: {_describe(exc)}")
        os._exit(127)
    return pid


def drop_privileges(config: dict, *, in_slot: bool = False) -> None:
    """The job's own uid (before the limits: RLIMIT_NPROC does not bind root), its
    files in the working directory, no new privileges, its rlimits, its system-call
    filter (`seccomp`, when the config asks for it). ``in_slot``: a fork of a warm
    slot's init, which is PID 1 of the job's PID namespace (its death kills the job:
    no parent-death signal is needed) and has no_new_privs set already (inherited)."""
    uid = config["uid"]
    if uid > 0:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    if not in_slot:
        linux.prctl(linux.PR_SET_PDEATHSIG, signal.SIGKILL)  # cleared by setuid: after it
    for name, data in config["files"].items():
        _write_file(name, data)
    if not in_slot:
        linux.prctl(linux.PR_SET_NO_NEW_PRIVS, 1)
    for name, value in config["rlimits"].items():
        soft, hard = value if isinstance(value, tuple) else (value, value)
        resource.setrlimit(getattr(resource, name), (soft, hard))
    if config.get("seccomp"):
        seccomp.install()  # last: the calls above are among those it denies


def _write_file(name: str, data: bytes) -> None:
    """``name`` (relative to the working directory) holding ``data``, as ``open(name,
    "wb")`` would make it; without a file object (a job's start-up pays for every one)."""
    if "/" in name:
        os.makedirs(os.path.dirname(name), exist_ok=True)
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        written = os.write(fd, data)
        if written < len(data):  # (a file takes a write whole, unless a limit cuts it)
            view = memoryview(data)[written:]
            while view:
                view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _become_job(config: dict) -> None:
    """In the job's process: own session, own uid, its files, its limits, then exec."""
    os.setsid()
    os.chdir(config["workdir"])
    drop_privileges(config)
    default_signals()  # (python then ignores SIGPIPE and SIGXFSZ and handles SIGINT itself)
    os.execve(config["python"], config["argv"], config["env"])


def default_signals() -> None:
    """Every signal back to its default action: a job inherits nothing its caller ignores
    or handles (a shell runs background commands with SIGINT and SIGQUIT ignored, nohup
    ignores SIGHUP), so it starts as a fresh ``python main.py`` from a terminal would."""
    for sig in range(1, signal.NSIG):
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL, SIGSTOP, the C library's own
            continue


def _kill_descendants() -> None:
    """SIGKILL every child (orphans land here: we are a subreaper) until none is left."""
    me = str(os.getpid())
    while True:
        children = [pid for pid in _pids() if _parent_of(pid) == me]
        for pid in children:
            _kill_quietly(pid)
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            if not children:
                return


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _parent_of(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return stat[stat.rindex(b")") + 2 :].split()[1].decode()


def _kill_quietly(pid: int) -> None:
    try:  # noqa: SIM105 - contextlib would add ~2 ms of imports to every job
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _wait4(pid: int) -> tuple[int, int, resource.struct_rusage]:
    while True:
        try:
            return os.wait4(pid, 0)
        except InterruptedError:  # pragma: no cover - PEP 475 retries already
            continue


def _ending(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.waitstatus_to_exitcode(status)}"


def _quiet_stdio() -> None:
    """Let go of the job's pipes, so their EOF means the job's processes are done."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _report(status_fd: int, line: str) -> None:
    try:  # noqa: SIM105 - as above
        os.write(status_fd, line.replace("\n", " ").encode("utf-8", "replace") + b"\n")
    except OSError:
        pass


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
