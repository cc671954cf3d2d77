"""The local backend's ordinary behaviour: output, exit codes, stdin, files, batches."""

from __future__ import annotations

import sys

import pytest

from stepscore.errors import StepscoreError
from stepscore.verifiers.sandbox import (
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Job,
    LocalSandbox,
    Sandbox,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

LIMITS = {"timeout_s": 10.0, "memory_mb": 256}


@pytest.fixture(scope="module")
def sandbox() -> LocalSandbox:
    return LocalSandbox()


def test_is_a_sandbox(sandbox: LocalSandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert sandbox.isolation.rlimits


def test_hello_world(sandbox: LocalSandbox) -> None:
    result = sandbox.run("print('hello world')", **LIMITS)
    assert (result.status, result.returncode, result.stdout) == ("ok", 0, "hello world\n")
    assert result.ok and result.stderr == "" and not result.stdout_truncated
    assert 0 < result.wall_s < 10 and 0 <= result.cpu_s < 10


def test_exit_code(sandbox: LocalSandbox) -> None:
    result = sandbox.run("import sys\nsys.exit(7)", **LIMITS)
    assert (result.status, result.returncode) == ("error", 7)


def test_stdin(sandbox: LocalSandbox) -> None:
    result = sandbox.run("print(sum(int(x) for x in input().split()))", stdin="1 2 3\n", **LIMITS)
    assert result.stdout == "6\n"


def test_no_stdin_reads_eof(sandbox: LocalSandbox) -> None:
    result = sandbox.run("import sys\nprint(repr(sys.stdin.read()))", **LIMITS)
    assert result.stdout == "''\n"


def test_files_in_the_job_directory(sandbox: LocalSandbox) -> None:
    files = {"data.txt": "41", "pkg/helper.py": "def inc(x):\n    return x + 1\n"}
    program = "from pkg.helper import inc\nprint(inc(int(open('data.txt').read())))"
    assert sandbox.run(program, files=files, **LIMITS).stdout == "42\n"


def test_stderr_and_exception(sandbox: LocalSandbox) -> None:
    result = sandbox.run("import sys\nprint('warn', file=sys.stderr)\n1 / 0", **LIMITS)
    assert result.status == "error" and result.returncode == 1
    assert result.stderr.startswith("warn\n") and "ZeroDivisionError" in result.stderr
    assert 'File "main.py"' in result.stderr or "main.py" in result.stderr


def test_syntax_error(sandbox: LocalSandbox) -> None:
    result = sandbox.run("def broken(:\n    pass", **LIMITS)
    assert result.status == "error" and "SyntaxError" in result.stderr


def test_unicode(sandbox: LocalSandbox) -> None:
    result = sandbox.run("print('ки ∑ 🙂', input())", stdin="é\n", **LIMITS)
    assert result.stdout == "ки ∑ 🙂 é\n"


def test_invalid_utf8_output_is_replaced(sandbox: LocalSandbox) -> None:
    result = sandbox.run("import sys\nsys.stdout.buffer.write(b'a\\xffb')", **LIMITS)
    assert result.stdout == "a\ufffdb"


def test_run_many_keeps_order(sandbox: LocalSandbox) -> None:
    programs = [f"import time\ntime.sleep({0.05 * (5 - i)})\nprint({i})" for i in range(6)]
    results = sandbox.run_many(programs, workers=3, **LIMITS)
    assert [r.stdout for r in results] == [f"{i}\n" for i in range(6)]


def test_run_many_jobs_are_isolated(sandbox: LocalSandbox) -> None:
    write = "import os\nopen('left.txt', 'w').write('x')\nopen(os.environ['TMPDIR'] + '/t', 'w')"
    check = (
        "import os\nprint(os.path.exists('left.txt'), os.path.exists(os.environ['TMPDIR'] + '/t'))"
    )
    results = sandbox.run_many([write, Job(check), Job(check, stdin="")], workers=1, **LIMITS)
    assert [r.status for r in results] == ["ok"] * 3
    assert results[1].stdout == results[2].stdout == "False False\n"


def test_run_many_with_stdin_and_files(sandbox: LocalSandbox) -> None:
    jobs = [
        Job("print(input() + open('f').read())", stdin=str(i), files={"f": "!"}) for i in range(3)
    ]
    assert [r.stdout for r in sandbox.run_many(jobs, workers=2, **LIMITS)] == [
        "0!\n",
        "1!\n",
        "2!\n",
    ]


def test_result_is_frozen(sandbox: LocalSandbox) -> None:
    result = sandbox.run("pass", **LIMITS)
    with pytest.raises(AttributeError):
        result.status = "error"  # type: ignore[misc]
    assert isinstance(result, ExecResult)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"timeout_s": 0}, ValueError),
        ({"timeout_s": float("inf")}, ValueError),
        ({"memory_mb": -1}, ValueError),
        ({"output_bytes": 1.5}, ValueError),
        ({"files": {"/etc/passwd": "x"}}, ValueError),
        ({"files": {"../up": "x"}}, ValueError),
        ({"files": {"main.py": "x"}}, ValueError),
        ({"files": {"a": b"bytes"}}, TypeError),
    ],
)
def test_caller_bugs_raise(sandbox: LocalSandbox, kwargs: dict, error: type) -> None:
    with pytest.raises(error):
        sandbox.run("pass", **{**LIMITS, **kwargs})


def test_run_many_bad_workers(sandbox: LocalSandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.run_many(["pass"], workers=0, **LIMITS)


def test_require_what_is_missing_raises() -> None:
    with pytest.raises(IsolationUnavailableError, match="network") as info:
        LocalSandbox(mode="plain", require={"network"})
    assert isinstance(info.value, StepscoreError)


def test_require_unknown_name() -> None:
    with pytest.raises(ValueError, match="unknown isolation"):
        LocalSandbox(require={"teleport"})


def test_require_what_is_there(sandbox: LocalSandbox) -> None:
    wanted = Isolation.of(sandbox.isolation.enabled())
    assert LocalSandbox(require=wanted).isolation == sandbox.isolation


def test_namespaces_isolation_is_full_as_root(sandbox: LocalSandbox) -> None:
    import os

    if os.geteuid() != 0:
        pytest.skip("namespaces need root here")
    iso = sandbox.isolation
    assert iso.network and iso.pid and iso.mount and iso.readonly_root and iso.uid_drop


def test_plain_mode_reports_no_namespaces() -> None:
    iso = LocalSandbox(mode="plain").isolation
    assert not (iso.network or iso.pid or iso.mount) and iso.rlimits


def test_isolation_missing() -> None:
    assert Isolation(rlimits=True).missing(Isolation(network=True, rlimits=True)) == ("network",)


def test_each_job_starts_as_a_fresh_interpreter(sandbox: LocalSandbox, starting_state) -> None:  # type: ignore[no-untyped-def]
    # the reference the warm backends must match: a fresh `python /job/main.py`
    starting_state(sandbox)


def test_jobs_inherit_no_signal_their_caller_ignores(
    sandbox: LocalSandbox,
    starting_state,  # type: ignore[no-untyped-def]
    signals_ignored,  # type: ignore[no-untyped-def]
) -> None:
    with signals_ignored():
        starting_state(sandbox)
