"""Hostile programs against the local, fork-server and Docker backends: each is contained.

Every attack runs in each mode this machine offers ("namespaces" as root on Linux,
"plain" rlimits, the warm "forkserver" as root on Linux, "rootless" and
"rootless-forkserver", the namespaces a user without root gets (a `LocalSandbox` or a
`ForkServerSandbox` made by a process of an unprivileged uid), and "docker", a warm
container pool, where a Docker Engine answers: run only these with ``-m docker``); an
attack that only a missing protection could stop is skipped with the reason. After each
one: the status is the expected one, the test process keeps its file descriptors and
children, no process of the job is left (by uid and by parent), and the next job runs
normally.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import socket
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stepscore.verifiers.sandbox import (
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    LocalSandbox,
    linux,
    local,
)
from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

LIMITS = {"timeout_s": 2.0, "memory_mb": 256, "file_mb": 16, "processes": 32}


def _sandbox(mode: str) -> LocalSandbox:
    try:
        if mode.startswith("rootless"):
            return _Unprivileged(warm=mode.endswith("forkserver"))  # type: ignore[return-value]
        if mode == "docker":
            return _docker_sandbox()  # type: ignore[return-value]
        if mode == "forkserver":
            return ForkServerSandbox()  # type: ignore[return-value]
        return LocalSandbox(mode=mode)  # type: ignore[arg-type]
    except IsolationUnavailableError as exc:
        pytest.skip(f"no {mode} sandbox here: {exc}")


def _docker_sandbox():  # type: ignore[no-untyped-def]
    try:
        from stepscore.verifiers.sandbox.docker import DockerSandbox
        from stepscore.verifiers.sandbox.image import build_image

        build_image()
    except Exception as exc:  # no SDK, no engine, no image: all mean "not here"
        pytest.skip(f"no Docker sandbox here: {exc}")
    return DockerSandbox(pool=1)


class _Unprivileged:
    """A `LocalSandbox` (``warm``: a `ForkServerSandbox`) made and used by a child of this
    process that runs as an unprivileged uid (what a user without root gets); `run` and
    `run_many` go to it over pipes. As root only (to become that uid); the child first
    makes this interpreter's tree reachable by that uid in a mount namespace of its own
    (it may sit under /root)."""

    UID = 65533

    def __init__(self, *, warm: bool) -> None:
        self.warm = warm
        if os.geteuid() != 0 or not sys.platform.startswith("linux"):
            raise IsolationUnavailableError("only root can become another uid")
        requests, self._requests = os.pipe()
        self._answers, answers = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self._requests)
            os.close(self._answers)
            self._serve(requests, answers)
        os.close(requests)
        os.close(answers)
        isolation = self._receive()
        if isinstance(isolation, BaseException):
            self.close()
            raise IsolationUnavailableError(f"as uid {self.UID}: {isolation}")
        self.isolation = Isolation(**isolation)
        self.shared_uids = range(self.UID, self.UID + 1)

    def run(self, program: str, **limits: object) -> ExecResult:
        return self._call("run", program, limits)

    def run_many(self, programs: list, **limits: object) -> list[ExecResult]:
        return self._call("run_many", programs, limits)

    def close(self) -> None:
        os.close(self._requests)  # the child exits at EOF
        os.waitpid(self.pid, 0)
        os.close(self._answers)

    def _call(self, name: str, programs: object, limits: dict):  # type: ignore[no-untyped-def]
        _send(self._requests, (name, programs, limits))
        answer = self._receive()
        if isinstance(answer, BaseException):
            raise answer
        if name == "run":
            return ExecResult(**answer)
        return [ExecResult(**one) for one in answer]

    def _receive(self):  # type: ignore[no-untyped-def]
        size = int.from_bytes(os.read(self._answers, 8), "big")
        data = b""
        while len(data) < size:
            data += os.read(self._answers, size - len(data))
        return pickle.loads(data)

    def _serve(self, requests: int, answers: int) -> None:
        box = None
        try:
            try:
                _reach_python()
                os.setgroups([])
                os.setgid(self.UID)
                os.setuid(self.UID)
                box = ForkServerSandbox() if self.warm else LocalSandbox(mode="namespaces")
            except BaseException as exc:
                _send(answers, exc)
                os._exit(0)
            _send(answers, dataclasses.asdict(box.isolation))
            while size := os.read(requests, 8):
                data = b""
                while len(data) < int.from_bytes(size, "big"):
                    data += os.read(requests, int.from_bytes(size, "big") - len(data))
                name, programs, limits = pickle.loads(data)
                try:
                    done = getattr(box, name)(programs, **limits)
                    answer = (
                        dataclasses.asdict(done)
                        if name == "run"
                        else [dataclasses.asdict(one) for one in done]
                    )
                except BaseException as exc:
                    answer = exc
                _send(answers, answer)
        finally:
            with contextlib.suppress(BaseException):
                if box is not None:
                    box.close()
                for stage in local._stage:  # (its atexit hook does not run in this child)
                    os.rmdir(stage)
            os._exit(0)


def _send(fd: int, value: object) -> None:
    data = pickle.dumps(value)
    data = len(data).to_bytes(8, "big") + data
    while data:
        data = data[os.write(fd, data) :]


def _reach_python() -> None:
    """In a mount namespace of this process's own: a fresh /root that holds only this
    interpreter's tree, so that any uid can run it (pyenv puts it under a private /root)."""
    prefix = os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))
    linux.unshare(linux.CLONE_NEWNS)
    linux.mount(None, "/", None, linux.MS_REC | linux.MS_PRIVATE)
    if not prefix.startswith("/root/"):
        return
    keep = tempfile.mkdtemp()
    linux.mount(prefix, keep, None, linux.MS_BIND | linux.MS_REC)
    linux.mount("tmpfs", "/root", "tmpfs", 0, "mode=0755,size=1m")
    os.makedirs(prefix)
    linux.mount(keep, prefix, None, linux.MS_BIND | linux.MS_REC)
    linux.umount2(keep, linux.MNT_DETACH)
    os.rmdir(keep)


@pytest.fixture(
    scope="module",
    params=[
        "namespaces",
        "plain",
        "forkserver",
        "rootless",
        "rootless-forkserver",
        pytest.param("docker", marks=pytest.mark.docker),
    ],
)
def sandbox(request: pytest.FixtureRequest) -> Iterator[LocalSandbox]:
    made = _sandbox(request.param)
    made.run("pass", **LIMITS)  # a warm slot for jobs of this size (the fork server's pool)
    yield made
    made.close()


def _need(sandbox: LocalSandbox, *names: str) -> None:
    missing = [name for name in names if not getattr(sandbox.isolation, name)]
    if missing:
        pytest.skip(f"this sandbox lacks {missing}, the protection this attack needs")


def _need_unprivileged(sandbox: LocalSandbox) -> None:
    """Skip unless the job is an unprivileged uid apart from the caller's processes: a uid
    of its own, or (for a caller without root) the caller's uid in PID, mount and user
    namespaces of the job's own, where it can name none of the caller's processes."""
    if sandbox.isolation.uid_drop:
        return
    if getattr(sandbox, "shared_uids", None) and sandbox.isolation.pid and sandbox.isolation.mount:
        return
    pytest.skip("jobs run as the caller's uid (here root) among its processes")


def _job_processes(sandbox: LocalSandbox) -> list[str]:
    """Processes running as a sandbox uid, or children of this test process."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            status = Path(f"/proc/{name}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields["Uid"].split()[0])
        ppid = int(fields["PPid"])
        uids = sandbox.uid_range if sandbox.isolation.uid_drop else ()
        uids = getattr(sandbox, "shared_uids", uids)  # the unprivileged caller's own uid
        if uid in uids or ppid == os.getpid():
            found.append(f"{name} {fields['Name'].strip()} uid={uid} ppid={ppid}")
    return found


def _attack(sandbox: LocalSandbox, program: str, **limits) -> ExecResult:
    fds = set(os.listdir("/proc/self/fd"))
    before = set(_job_processes(sandbox))  # e.g. other tests' warm worker pools
    start = time.perf_counter()
    result = sandbox.run(textwrap.dedent(program), **{**LIMITS, **limits})
    assert time.perf_counter() - start < LIMITS["timeout_s"] + 10
    assert set(_job_processes(sandbox)) - before == set(), "a process of the job outlived it"
    assert set(os.listdir("/proc/self/fd")) <= fds, "the test process leaked descriptors"
    after = sandbox.run("print('next')", **{**LIMITS, "timeout_s": 10.0})
    assert (after.status, after.stdout) == ("ok", "next\n"), after
    return result


@pytest.mark.slow
def test_fork_bomb(sandbox: LocalSandbox) -> None:
    _need_unprivileged(sandbox)  # RLIMIT_NPROC does not bind root
    result = _attack(
        sandbox,
        """
        import os
        while True:
            try:
                os.fork()
            except OSError:
                pass
        """,
        timeout_s=1.5,
    )
    assert result.status == "timeout", result


def test_eight_gigabytes(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "x = bytearray(8 * 1024**3)\nprint(len(x))")
    assert result.status == "memory", result
    assert "MemoryError" in result.stderr


def test_cpu_loop(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "while True:\n    pass", timeout_s=0.5)
    assert result.status == "timeout", result
    assert 0.5 <= result.wall_s < 3


def test_sleep(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "import time\ntime.sleep(60)", timeout_s=0.5)
    assert result.status == "timeout", result
    assert result.cpu_s < 0.5


def test_ten_gigabyte_file(sandbox: LocalSandbox) -> None:
    result = _attack(
        sandbox,
        """
        block = b"x" * (1 << 20)
        with open("big", "wb") as handle:
            for _ in range(10 * 1024):
                handle.write(block)
        """,
    )
    assert result.status == "error", result
    assert "File too large" in result.stderr or "No space left" in result.stderr


def test_many_files_fill_only_the_jobs_space(sandbox: LocalSandbox) -> None:
    _need(sandbox, "mount")  # without a tmpfs only the per-file limit applies
    result = _attack(
        sandbox,
        """
        block = b"x" * (1 << 20)
        for i in range(10 * 1024):
            with open(f"/tmp/f{i}", "wb") as handle:
                handle.write(block)
        """,
    )
    assert result.status == "error", result
    assert "No space left" in result.stderr


def test_gigabyte_to_stdout(sandbox: LocalSandbox) -> None:
    program = """
        import sys
        block = b"y" * (1 << 20)
        for _ in range(1024):
            sys.stdout.buffer.write(block)
    """
    result = _attack(sandbox, program, output_bytes=100_000)
    assert result.status == "output_limit", result
    assert result.stdout_truncated and result.stdout == "y" * 100_000


def test_flooded_stderr(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "import os\nwhile True:\n    os.write(2, b'z' * 65536)")
    assert result.status == "output_limit", result
    assert result.stderr_truncated and not result.stdout_truncated


def test_closed_pipes(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "import os\nfor fd in (0, 1, 2):\n    os.close(fd)\nprint('x')")
    assert (result.status, result.stdout) == ("error", ""), result  # print fails at exit


def test_closed_pipes_then_hang(sandbox: LocalSandbox) -> None:
    result = _attack(
        sandbox, "import os, time\nos.close(1)\nos.close(2)\ntime.sleep(60)", timeout_s=0.5
    )
    assert result.status == "timeout", result


def test_connect_to_host_listener(sandbox: LocalSandbox) -> None:
    _need(sandbox, "network")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        result = _attack(
            sandbox, f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=1)"
        )
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert result.status == "error", result
    assert "unreachable" in result.stderr or "refused" in result.stderr


def test_concurrent_jobs_cannot_talk(sandbox: LocalSandbox) -> None:
    """Two jobs at once: one listens on an abstract Unix socket (no file, only a network
    namespace scopes it), the other tries to reach it; each job has a network of its own
    (the fork server's slots too), so nothing passes."""
    _need(sandbox, "network")
    name = f"stepscore-{os.getpid()}-{time.monotonic_ns()}"
    listens = f"""
        import socket
        server = socket.socket(socket.AF_UNIX)
        server.bind("\\0{name}")
        server.listen(1)
        server.settimeout(2)
        try:
            print("got", server.accept()[0].recv(64))
        except OSError:
            print("nobody came")
    """
    calls = f"""
        import socket, time
        for _ in range(20):
            try:
                socket.socket(socket.AF_UNIX).connect("\\0{name}")
                print("reached it")
                break
            except OSError:
                time.sleep(0.1)
        else:
            print("unreachable")
    """
    results = sandbox.run_many(
        [textwrap.dedent(listens), textwrap.dedent(calls)], workers=2, timeout_s=6, memory_mb=256
    )
    assert [r.stdout for r in results] == ["nobody came\n", "unreachable\n"], results


def test_read_host_only_file(sandbox: LocalSandbox, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("the host's secret")
    secret.chmod(0o600)
    result = _attack(sandbox, f"print(open({str(secret)!r}).read())")
    assert result.status == "error", result
    assert "host's secret" not in result.stdout + result.stderr


def test_write_outside(sandbox: LocalSandbox, tmp_path: Path) -> None:
    _need_unprivileged(sandbox)
    tmp_path.chmod(0o755)
    targets = [str(tmp_path / "evil"), "/usr/evil", "/etc/evil", "/evil"]
    result = _attack(
        sandbox,
        f"""
        for path in {targets!r}:
            try:
                open(path, "w").write("x")
                print("wrote", path)
            except OSError as exc:
                print("denied", path, type(exc).__name__)
        """,
    )
    assert result.status == "ok", result
    assert "wrote" not in result.stdout
    assert not any(os.path.exists(path) for path in targets)


def test_kill_parent(sandbox: LocalSandbox) -> None:
    _need_unprivileged(sandbox)  # as the caller's uid it could kill its supervisor
    result = _attack(
        sandbox, "import os\ntry:\n    os.kill(os.getppid(), 9)\nexcept OSError:\n    pass"
    )
    assert result.status == "ok", result


def test_kill_everything(sandbox: LocalSandbox) -> None:
    _need_unprivileged(sandbox)  # kill(-1) as the caller's uid would hit the test process
    program = """
        import os
        try:
            os.kill(-1, 9)
        except OSError as exc:
            print(type(exc).__name__)
        print("still here")
    """
    result = _attack(sandbox, program)
    assert result.status == "ok" and "still here" in result.stdout, result


def test_kill_self(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "import os\nos.kill(os.getpid(), 9)")
    assert (result.status, result.returncode) == ("killed", -9), result


@pytest.mark.slow
def test_daemonized_grandchild(sandbox: LocalSandbox, tmp_path: Path) -> None:
    tmp_path.chmod(0o777)
    marker = tmp_path / "marker"
    before = set(_job_processes(sandbox))
    result = _attack(
        sandbox,
        f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(2)
                open({str(marker)!r}, "w").write("survived")
            os._exit(0)
        os.wait()
        print("parent done")
        """,
    )
    assert (result.status, result.stdout) == ("ok", "parent done\n"), result
    time.sleep(2.5)
    assert not marker.exists()
    assert set(_job_processes(sandbox)) - before == set()


def test_parent_environment_secret(sandbox: LocalSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPSCORE_TEST_SECRET", "hunter2-token")
    result = _attack(
        sandbox,
        """
        import os
        print(dict(os.environ))
        for pid in ("1", str(os.getppid()), "self"):
            try:
                print(open(f"/proc/{pid}/environ", "rb").read())
            except OSError as exc:
                print(type(exc).__name__)
        """,
    )
    assert result.status == "ok", result
    assert "hunter2" not in result.stdout + result.stderr


def test_thread_bomb(sandbox: LocalSandbox) -> None:
    _need_unprivileged(sandbox)  # threads count against RLIMIT_NPROC, which root ignores
    program = """
        import threading, time
        while True:
            threading.Thread(target=time.sleep, args=(30,)).start()
    """
    result = _attack(sandbox, program, timeout_s=1.0)
    assert result.status == "timeout", result  # the threads it did start keep it alive
    assert "can't start new thread" in result.stderr


def test_a_tree_too_deep_to_wipe_does_not_reach_the_next_job(sandbox: LocalSandbox) -> None:
    """A folder tree deeper than the clean-up can walk, a secret at its bottom: a fresh
    job's tmpfs goes with it; a warm slot that cannot empty its views is not reused."""
    _need(sandbox, "mount")  # the plain mode writes to the host's /tmp
    program = """
        import os
        os.chdir("/tmp")
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        open("secret", "w").write("the secret")
        print("made")
    """
    assert _attack(sandbox, program).stdout == "made\n"
    for _ in range(3):  # whichever slot the job gets
        result = sandbox.run("import os; print(os.listdir('/tmp'))", **LIMITS)
        assert (result.status, result.stdout) == ("ok", "[]\n"), result


_SYSV = """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
"""  # indented as the programs below that start with it


def test_sysv_ipc_does_not_reach_the_next_job(sandbox: LocalSandbox) -> None:
    """A job leaves a shared memory segment holding a secret, a semaphore set and a
    message queue under fixed keys; the next job finds none of them (a fresh job has an
    IPC namespace of its own; a warm slot that is left holding any is not reused)."""
    _need(sandbox, "pid")  # the plain mode shares the host's IPC namespace
    keys = [0x5EC0000 + (os.getpid() & 0xFFFF) + n for n in range(3)]
    leave = f"""{_SYSV}
        shm = libc.shmget({keys[0]}, 4096, 0o1600)  # IPC_CREAT | 0600
        ctypes.memmove(libc.shmat(shm, None, 0), b"the secret", 10)
        made = [shm, libc.semget({keys[1]}, 1, 0o1600), libc.msgget({keys[2]}, 0o1600)]
        print(all(n >= 0 for n in made))
    """
    look = f"""{_SYSV}
        shm = libc.shmget({keys[0]}, 0, 0)
        found = [shm, libc.semget({keys[1]}, 0, 0), libc.msgget({keys[2]}, 0)]
        if shm >= 0:
            print(ctypes.string_at(libc.shmat(shm, None, 0), 10))
        print(found)
    """
    assert _attack(sandbox, leave).stdout == "True\n"
    for _ in range(3):  # whichever slot the job gets
        result = sandbox.run(textwrap.dedent(look), **LIMITS)
        assert (result.status, result.stdout) == ("ok", "[-1, -1, -1]\n"), result


def test_no_posix_message_queue(sandbox: LocalSandbox) -> None:
    """POSIX message queues would outlive a job in a warm slot's IPC namespace unseen by
    /proc/sysvipc: no backend lets a job make one (RLIMIT_MSGQUEUE is 0)."""
    program = f"""{_SYSV}
        try:
            mq_open = libc.mq_open
        except AttributeError:  # an older C library keeps it in librt
            mq_open = ctypes.CDLL("librt.so.1", use_errno=True).mq_open
        name = b"/stepscore-{os.getpid()}-{time.monotonic_ns()}"
        print(mq_open(name, 0o102, 0o600, None), ctypes.get_errno())  # O_CREAT|O_RDWR
    """
    result = _attack(sandbox, program)
    assert (result.status, result.stdout) == ("ok", "-1 24\n"), result  # EMFILE


def test_ptrace(sandbox: LocalSandbox) -> None:
    _need_unprivileged(sandbox)
    program = f"""
        import ctypes, os
        libc = ctypes.CDLL(None, use_errno=True)
        for pid in (os.getppid(), 1, {os.getpid()}):
            print(pid, libc.ptrace(16, pid, None, None), ctypes.get_errno())
    """
    result = _attack(sandbox, program)
    assert result.status == "ok", result
    assert all(line.split()[1] == "-1" for line in result.stdout.splitlines()), result.stdout
    tracer = [
        line for line in Path("/proc/self/status").read_text().splitlines() if "TracerPid" in line
    ]
    assert tracer == ["TracerPid:\t0"]


def test_supervisor_memory_is_out_of_reach(sandbox: LocalSandbox) -> None:
    """A job that could write its init's memory could make it report any result. Where
    they share a uid (no root), init is non-dumpable: /proc/PID/mem stays shut."""
    _need_unprivileged(sandbox)
    program = """
        import os
        for pid in sorted({1, os.getppid()}):
            for name in ("mem", "environ"):
                try:
                    with open(f"/proc/{pid}/{name}", "rb") as handle:
                        handle.read(16)
                    print("opened", pid, name)
                except OSError as exc:
                    print("denied", pid, name, type(exc).__name__)
    """
    result = _attack(sandbox, program)
    assert result.status == "ok" and result.stdout, result
    assert all(line.startswith("denied") for line in result.stdout.splitlines()), result.stdout


def test_job_has_no_capabilities(sandbox: LocalSandbox) -> None:
    """Not root, the job's namespaces belong to a user namespace in which init had every
    capability: the job's execve (not root, no file capabilities) must leave it none."""
    _need_unprivileged(sandbox)
    program = """
        for line in open("/proc/self/status"):
            if line.startswith(("Uid:", "CapInh:", "CapPrm:", "CapEff:", "CapAmb:")):
                print(line.split()[0], line.split()[1])
    """
    result = _attack(sandbox, program)
    fields = dict(line.split() for line in result.stdout.splitlines())
    assert result.status == "ok" and fields["Uid:"] != "0", result
    assert {fields[k] for k in ("CapInh:", "CapPrm:", "CapEff:", "CapAmb:")} == {"0" * 16}


def test_segfault_is_killed(sandbox: LocalSandbox) -> None:
    result = _attack(sandbox, "import ctypes\nctypes.string_at(0)")
    assert result.status == "killed" and result.returncode == -11, result


def test_kernel_surface_is_filtered(sandbox: LocalSandbox) -> None:
    """New namespaces (a user namespace would hand the job capabilities over its own
    mounts), io_uring, bpf, mounts, ptrace: EPERM under the per-job filter; threads,
    fork and subprocess still work."""
    _need(sandbox, "seccomp")
    program = """
        import ctypes, os, subprocess, sys, threading
        libc = ctypes.CDLL(None, use_errno=True)
        calls = {
            "unshare": lambda: libc.unshare(0x10000000),
            "clone": lambda: libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0),
            "io_uring_setup": lambda: libc.syscall(425, 1, 0),
            "bpf": lambda: libc.syscall(321, 0, 0, 0),
            "mount": lambda: libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
            "ptrace": lambda: libc.ptrace(0, 0, None, None),
        }
        for name, call in calls.items():
            print(name, call(), ctypes.get_errno())
        threading.Thread(target=print, args=("thread",)).start()
        if (pid := os.fork()) == 0:
            os._exit(3)
        print("fork", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        spawn = [sys.executable, "-I", "-S", "-c", "print('spawned')"]
        print(subprocess.run(spawn, capture_output=True, text=True).stdout)
    """
    result = _attack(sandbox, program)
    assert result.status == "ok", result
    lines = result.stdout.split("\n")
    assert lines[:6] == [
        f"{name} -1 1" for name in ("unshare", "clone", "io_uring_setup", "bpf", "mount", "ptrace")
    ], result.stdout
    assert lines[6:9] == ["thread", "fork 3", "spawned"], result.stdout
