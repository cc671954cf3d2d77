"""The warm fork-server backend: the Sandbox contract, no state between jobs, and a server
that is replaced when it dies. (Hostile programs: `test_attacks`, parametrized over it.)"""

from __future__ import annotations

import ast
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from stepscore.verifiers.sandbox import IsolationUnavailableError, Job, Sandbox
from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root on Linux"
)

LIMITS = {"timeout_s": 5.0, "memory_mb": 256}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[ForkServerSandbox]:
    try:
        made = ForkServerSandbox()
    except IsolationUnavailableError as exc:
        pytest.skip(f"no fork server here: {exc}")
    yield made
    made.close()


def test_is_a_sandbox(sandbox: ForkServerSandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert set(sandbox.isolation.enabled()) >= {"network", "pid", "mount", "uid_drop"}


def test_hello_and_exit_codes(sandbox: ForkServerSandbox) -> None:
    assert sandbox.run("print(6 * 7)", **LIMITS).stdout == "42\n"
    result = sandbox.run("import sys; sys.exit(3)", **LIMITS)
    assert (result.status, result.returncode) == ("error", 3)
    result = sandbox.run("raise SystemExit('bye')", **LIMITS)
    assert (result.status, result.returncode, result.stderr) == ("error", 1, "bye\n")


def test_traceback_names_only_the_program(sandbox: ForkServerSandbox) -> None:
    result = sandbox.run("x = 1\n1 / 0\n", **LIMITS)
    assert result.status == "error"
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert 'File "/job/main.py", line 2, in <module>' in result.stderr
    assert "forkworker" not in result.stderr
    assert result.stderr.rstrip().endswith("ZeroDivisionError: division by zero")


def test_syntax_error(sandbox: ForkServerSandbox) -> None:
    result = sandbox.run("def f(:\n", **LIMITS)
    assert result.status == "error" and "SyntaxError" in result.stderr


def test_stdin_files_and_imports(sandbox: ForkServerSandbox) -> None:
    program = "import helper, sys\nprint(helper.VALUE, sys.stdin.read().upper(), __name__)"
    result = sandbox.run(program, stdin="abc", files={"helper.py": "VALUE = 7"}, **LIMITS)
    assert result.stdout == "7 ABC __main__\n", result


def test_files_in_folders_and_the_environment(sandbox: ForkServerSandbox) -> None:
    program = (
        "import os, sys\nfrom pkg.mod import VALUE\n"
        "print(VALUE, open('data/deep/x.txt').read(), sorted(os.environ.items()))\n"
        "print('threading' in sys.modules)"
    )
    files = {"pkg/__init__.py": "", "pkg/mod.py": "VALUE = 5", "data/deep/x.txt": "deep"}
    result = sandbox.run(program, files=files, **LIMITS)
    env = [
        ("HOME", "/job"),
        ("LANG", "C.UTF-8"),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("TMPDIR", "/tmp"),
    ]
    # threading is not warm (its after-fork handler would cost every job): a program that
    # uses threads imports it as a fresh interpreter would (next test)
    assert result.stdout == f"5 deep {env}\nFalse\n", result


def test_atexit_and_threads_finish(sandbox: ForkServerSandbox) -> None:
    program = """
import atexit, threading, time
atexit.register(lambda: print("atexit"))
threading.Thread(target=lambda: (time.sleep(0.2), print("thread"))).start()
print("main")
"""
    assert sandbox.run(program, **LIMITS).stdout == "main\nthread\natexit\n"


def test_random_differs_between_jobs(sandbox: ForkServerSandbox) -> None:
    program = "import random, os\nprint(random.random(), os.urandom(8).hex())"
    outputs = {sandbox.run(program, **LIMITS).stdout for _ in range(5)}
    assert len(outputs) == 5


def test_no_state_leaks_between_jobs(sandbox: ForkServerSandbox) -> None:
    poison = """
import math, sys, os, builtins
math.pi = 3
builtins.print = None
sys.modules["json"] = None
os.environ["LEAK"] = "1"
open("/tmp/leak", "w").write("x")
open("/dev/shm/leak", "w").write("x")
open("leak", "w").write("x")
try:
    import sysv_ipc  # noqa: not installed; SysV IPC dies with the job's IPC namespace
except ImportError:
    pass
"""
    assert sandbox.run(poison, **LIMITS).status == "ok"
    check = """
import math, os, json
print(math.pi > 3.1, "LEAK" in os.environ, os.path.exists("/tmp/leak"),
      os.path.exists("/dev/shm/leak"), os.path.exists("leak"))
"""
    assert sandbox.run(check, **LIMITS).stdout == "True False False False False\n"


def test_server_memory_is_out_of_reach(sandbox: ForkServerSandbox) -> None:
    program = f"""
import os
import secrets
for target in ("1", "{sandbox.server_pid}"):
    try:
        open(f"/proc/{{target}}/mem", "r+b")
        print("opened", target)
    except OSError as exc:
        print(type(exc).__name__)
"""
    result = sandbox.run(program, **LIMITS)
    assert result.status == "ok" and "opened" not in result.stdout, result


def test_dead_server_is_replaced(sandbox: ForkServerSandbox) -> None:
    before = sandbox.server_pid
    assert before is not None
    os.kill(before, signal.SIGKILL)
    time.sleep(0.1)
    result = sandbox.run("print('back')", **LIMITS)
    assert result.stdout == "back\n", result
    assert sandbox.server_pid not in (None, before)


def test_recycle_after() -> None:
    with ForkServerSandbox(recycle_after=2) as sandbox:
        pids = set()
        for _ in range(5):
            assert sandbox.run("pass", **LIMITS).ok
            pids.add(sandbox.server_pid)
        assert len(pids) == 3


def test_run_many_in_order(sandbox: ForkServerSandbox) -> None:
    jobs = [f"print({i})" for i in range(20)] + [Job("print(input())", stdin="x")]
    results = sandbox.run_many(jobs, workers=4, **LIMITS)
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(20)] + ["x\n"]


def test_closed_sandbox_reports_an_error() -> None:
    sandbox = ForkServerSandbox()
    sandbox.close()
    result = sandbox.run("pass", **LIMITS)
    assert result.status == "sandbox_error"


def test_a_folder_the_jobs_own_tmp_would_hide_cannot_be_exposed(tmp_path) -> None:
    from stepscore.verifiers.sandbox import rootfs

    assert rootfs.shadowed("/tmp/x/site-packages") and not rootfs.shadowed("/var/tmp/x")
    with pytest.raises(ValueError, match="cannot expose /tmp/"):
        ForkServerSandbox(expose=["/tmp/stepscore-not-visible"])


def _pid_of(pidfd: int) -> int:
    with open(f"/proc/self/fdinfo/{pidfd}") as info:
        return next(int(line.split()[1]) for line in info if line.startswith("Pid:"))


def test_no_job_data_where_later_jobs_are_forked_from(
    sandbox: ForkServerSandbox, memory_holds: Callable[[int, bytes], bool]
) -> None:
    """A later job is a fork of the server through a slot's init: neither may ever hold
    an earlier job's program, files or input (its own memory would show them)."""
    marker = "stepscore-" + secrets.token_hex(12)
    program = f"print(len({marker!r}), open('data.txt').read() == input())"
    result = sandbox.run(program, stdin=marker + "\n", files={"data.txt": marker}, **LIMITS)
    assert result.stdout == f"{len(marker)} True\n", result
    server = sandbox._server
    assert server is not None and server.idle
    for pid in (server.proc.pid, *(_pid_of(slot.pidfd) for slot in server.idle)):
        assert not memory_holds(pid, marker.encode()), pid


def test_slots_are_reused_until_a_job_is_stopped() -> None:
    with ForkServerSandbox() as sandbox:
        server = sandbox._server
        assert server is not None
        first = {_pid_of(slot.pidfd) for slot in server.idle}
        # a daemon that outlives its job's main process is killed before the slot is free
        daemon = "import os\nif os.fork() == 0:\n    os.setsid()\n    import time; time.sleep(60)\n"
        for program in ("print(1)", daemon):
            assert sandbox.run(program, **LIMITS).ok
        assert {_pid_of(slot.pidfd) for slot in server.idle} == first
        # /proc of the slot's namespace: init and the job (no daemon left): 2 pid folders
        listing = "import os; print(sorted(p for p in os.listdir('/proc') if p.isdigit()))"
        assert len(eval(sandbox.run(listing, **LIMITS).stdout)) == 2
        assert sandbox.run("import time; time.sleep(30)", timeout_s=0.5, memory_mb=256).status == (
            "timeout"
        )
        assert sandbox.run("print('next')", **LIMITS).stdout == "next\n"
        after = {_pid_of(slot.pidfd) for slot in server.idle}
        assert after and first.isdisjoint(after)


def test_a_stopped_slot_is_reaped_at_once() -> None:
    """The server wakes when a slot's init dies, not on its next 1 s tick: no zombie
    lingers among the caller's descendants (a pool's "no process left" check saw one)."""

    def zombies(parent: int) -> list[int]:
        found = []
        for name in os.listdir("/proc"):
            try:
                with open(f"/proc/{name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] == "Z" and int(fields[1]) == parent:
                found.append(int(name))
        return found

    with ForkServerSandbox() as sandbox:
        server = sandbox._server
        assert server is not None
        for _ in range(3):
            stopped = sandbox.run("while True: pass", timeout_s=0.3, memory_mb=256)
            assert stopped.status == "timeout"
            time.sleep(0.15)
            assert zombies(server.proc.pid) == []


def test_each_job_gets_its_own_write_cap_and_empty_views(sandbox: ForkServerSandbox) -> None:
    write = "open('/tmp/blob', 'wb').write(b'x' * (3 << 20)); print('wrote')"
    results = [sandbox.run(write, file_mb=mb, **LIMITS) for mb in (1, 8, 1)]
    assert [r.ok for r in results] == [False, True, False], results
    messy = """
import os
os.makedirs("deep/er", exist_ok=True)
open("deep/er/f", "w").write("x")
os.mkfifo("/tmp/fifo")
os.symlink("/etc/passwd", "/dev/shm/link")
os.chmod("deep/er", 0)
os.chmod("deep", 0)
os.chmod(".", 0o500)
"""
    assert sandbox.run(messy, **LIMITS).ok
    check = "import os; print(os.listdir('.'), os.listdir('/tmp'), os.listdir('/dev/shm'))"
    for _ in range(3):  # whichever slot runs it
        assert sandbox.run(check, **LIMITS).stdout == "['main.py'] [] []\n"
    assert os.path.exists("/etc/passwd")


def test_a_forked_child_gets_a_server_of_its_own(sandbox: ForkServerSandbox) -> None:
    """multiprocessing and DataLoader workers fork the caller, maybe while another thread
    is inside the sandbox: a child must neither wait on a lock nobody will release nor
    talk on its parent's server socket, and both keep working."""
    import select

    assert sandbox.run("print(1)", **LIMITS).ok
    parent_server = sandbox.server_pid
    read_end, write_end = os.pipe()
    with sandbox._lock:  # as if another thread were taking a slot at the fork
        pid = os.fork()
        if pid == 0:
            try:
                os.close(read_end)
                results = [sandbox.run(f"print({i})", **LIMITS).stdout for i in range(3)]
                ok = results == ["0\n", "1\n", "2\n"]
                os.write(write_end, f"{ok} {sandbox.server_pid}\n".encode())
                sandbox.close()
            finally:
                os._exit(0)
    os.close(write_end)
    try:
        assert select.select([read_end], [], [], 20)[0], "the forked child hangs"
        ok, child_server = os.read(read_end, 100).decode().split()
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    assert ok == "True" and int(child_server) != parent_server
    assert sandbox.server_pid == parent_server
    assert [sandbox.run(f"print({i})", **LIMITS).stdout for i in range(3)] == ["0\n", "1\n", "2\n"]


def test_a_server_kills_only_its_own_slots_when_asked() -> None:
    """``b"k"`` with a pidfd: the server signals it only if it names one of its slots."""
    from stepscore.verifiers.sandbox import forkworker

    other = subprocess.Popen(["sleep", "30"])
    try:
        forkworker._kill_slot(os.pidfd_open(other.pid), inits={})
        time.sleep(0.2)
        assert other.poll() is None  # not one of its slots: left alone
        forkworker._kill_slot(os.pidfd_open(other.pid), inits={other.pid: -1})
        assert other.wait(5) == -signal.SIGKILL
    finally:
        other.kill()
        other.wait()


def test_stdio_is_what_a_fresh_interpreter_has(sandbox: ForkServerSandbox) -> None:
    """The streams a slot makes once for its jobs look, to a program, exactly like those
    of ``python main.py`` with the job's stdin and pipes (`LocalSandbox`)."""
    from stepscore.verifiers.sandbox import LocalSandbox

    program = """import sys
streams = [sys.stdin, sys.stdout, sys.stderr]
print([(s.fileno(), s.seekable(), s.isatty(), s.encoding, s.errors, s.line_buffering,
        type(s.buffer).__name__) for s in streams])
print(sys.stdin.read(), sys.stdin is sys.__stdin__, sys.stderr is sys.__stderr__)
print("to stderr", file=sys.stderr)
"""
    fresh = LocalSandbox().run(program, stdin="abc\nd", **LIMITS)
    warm = sandbox.run(program, stdin="abc\nd", **LIMITS)
    assert fresh.status == warm.status == "ok", (fresh, warm)
    assert (warm.stdout, warm.stderr) == (fresh.stdout, fresh.stderr)
    assert "(1, False, False, 'utf-8', 'surrogateescape', False, 'BufferedWriter')" in warm.stdout


def test_nothing_stored_on_the_views_reaches_the_next_job(sandbox: ForkServerSandbox) -> None:
    """Beyond files: an extended attribute or chosen times on /job, a touched /tmp; the
    next job on the slot finds the three folders bare, their times fixed."""
    stores = """import os
os.setxattr("/job", "user.leak", b"secret")
os.utime("/job", (123456, 123456))
os.utime("/tmp", None)
os.chmod("/job", 0o755)
print("stored")
"""
    looks = """import os
print([(os.listxattr(d), os.stat(d).st_mtime, oct(os.stat(d).st_mode & 0o7777))
       for d in ("/job", "/tmp", "/dev/shm")])
"""
    assert sandbox.run(stores, **LIMITS).stdout == "stored\n"
    before = time.time()
    job, tmp, shm = ast.literal_eval(sandbox.run(looks, **LIMITS).stdout)
    assert (job[0], job[2]) == ([], "0o700")
    assert job[1] >= before - 1  # written by this job (its main.py), not the 123456 stored
    assert tmp == shm == ([], 0.0, "0o1777")


def test_stdin_is_sealed_and_any_text_goes_in(sandbox: ForkServerSandbox) -> None:
    """Stdin holding a lone surrogate reaches the job as it does on `LocalSandbox`
    (it used to raise UnicodeEncodeError in the caller), and the job cannot write
    into its stdin (a sealed memfd on both)."""
    from stepscore.verifiers.sandbox import LocalSandbox

    program = """import os, sys
try:
    os.write(0, b"x")
    print("wrote")
except OSError as exc:
    print(type(exc).__name__)
print(ascii(sys.stdin.read()))
"""
    fresh = LocalSandbox().run(program, stdin="a\udc80b", **LIMITS)
    warm = sandbox.run(program, stdin="a\udc80b", **LIMITS)
    assert warm.status == fresh.status == "ok", (fresh, warm)
    assert warm.stdout == fresh.stdout == "PermissionError\n'a\\udced\\udcb2\\udc80b'\n"


def test_each_job_starts_as_a_fresh_interpreter(sandbox: ForkServerSandbox, starting_state) -> None:  # type: ignore[no-untyped-def]
    # (what init sets up once per slot, and what the job still sets itself)
    starting_state(sandbox)


def test_jobs_inherit_no_signal_their_caller_ignores(starting_state, signals_ignored) -> None:  # type: ignore[no-untyped-def]
    with signals_ignored():
        made = ForkServerSandbox()  # its server inherits what this process ignores
    try:
        starting_state(made)
    finally:
        made.close()
