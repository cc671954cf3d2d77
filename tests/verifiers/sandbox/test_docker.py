"""The Docker backend: its image, its containers' limits, its cleanup and its recovery.

Every test needs a reachable Docker Engine (marker ``docker``) and skips with the reason
when there is none; the image is built here when missing (no registry is used).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.skipif(sys.platform != "linux", reason="Linux")]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    try:
        from stepscore.verifiers.sandbox.docker import docker_client

        made = docker_client()
        made.ping()
    except Exception as exc:  # no SDK or no engine
        pytest.skip(f"no Docker Engine here: {exc}")
    return made


@pytest.fixture(scope="module")
def image(client) -> str:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.image import build_image

    try:
        return build_image(client=client)
    except Exception as exc:
        pytest.skip(f"the sandbox image cannot be built here: {exc}")


@pytest.fixture(scope="module")
def sandbox(client, image: str) -> Iterator:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.docker import DockerSandbox

    made = DockerSandbox(image=image, pool=2, memory_mb=1024, pids=128, cpus=1.0, client=client)
    yield made
    made.close()


def _ours(client) -> list:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.docker import LABEL

    return client.containers.list(all=True, filters={"label": LABEL})


def test_image_build_is_idempotent(client, image: str) -> None:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.image import build_image

    before = client.images.get(image).id
    assert build_image(image, client=client) == image
    assert client.images.get(image).id == before
    labels = client.images.get(image).labels
    assert labels["stepscore.python_version"] == ".".join(map(str, sys.version_info[:3]))


def test_containers_have_the_limits(client, sandbox) -> None:  # type: ignore[no-untyped-def]
    assert len(sandbox.container_ids) == 2
    for container_id in sandbox.container_ids:
        host = client.api.inspect_container(container_id)["HostConfig"]
        config = client.api.inspect_container(container_id)["Config"]
        assert host["NetworkMode"] == "none"
        assert host["ReadonlyRootfs"] is True
        assert host["CapDrop"] == ["ALL"] and not host["CapAdd"]
        assert "no-new-privileges" in host["SecurityOpt"]
        assert any(opt.startswith("seccomp=") for opt in host["SecurityOpt"])
        assert host["Memory"] == 1024 << 20 and host["MemorySwap"] == 1024 << 20
        assert host["PidsLimit"] == 128 and host["NanoCpus"] == 10**9
        assert host["Init"] is True and "/tmp" in host["Tmpfs"]
        assert config["User"] == "65534:65534"


def test_jobs_run_unprivileged_and_isolated(sandbox) -> None:  # type: ignore[no-untyped-def]
    program = """
        import os, socket
        status = open("/proc/self/status").read()
        caps = [line for line in status.splitlines() if line.startswith("CapEff")]
        print(os.getuid(), os.getpid(), caps[0].split()[1])
        print(sorted(name for _, name in socket.if_nameindex()))
    """
    result = sandbox.run(textwrap.dedent(program), timeout_s=5, memory_mb=256)
    assert result.status == "ok", result
    first, second = result.stdout.splitlines()
    assert first == "65534 2 0000000000000000"  # init is PID 1 of the job's namespace
    assert second == "['lo']"


def test_files_do_not_leak_to_the_next_job(sandbox) -> None:  # type: ignore[no-untyped-def]
    writes = "for d in ('/job', '/tmp', '/dev/shm'):\n    open(d + '/left', 'w').write('x')"
    looks = "import os\nprint([sorted(os.listdir(d)) for d in ('/job', '/tmp', '/dev/shm')])"
    for _ in range(3):  # on both containers of the pool
        assert sandbox.run(writes, timeout_s=5, memory_mb=256).status == "ok"
        result = sandbox.run(looks, files={"in.txt": "hi"}, timeout_s=5, memory_mb=256)
        assert result.stdout == "[['in.txt', 'main.py'], [], []]\n", result


def test_each_job_gets_its_own_write_cap(sandbox) -> None:  # type: ignore[no-untyped-def]
    """The container's one slot keeps its views' size until a job asks for another; the
    zygote then resizes them (empty, between jobs)."""
    write = "open('/tmp/blob', 'wb').write(b'x' * (3 << 20)); print('wrote')"
    sizes = (1, 8, 8, 1, 8)
    results = [sandbox.run(write, file_mb=mb, timeout_s=5, memory_mb=256) for mb in sizes]
    assert [r.ok for r in results] == [mb > 3 for mb in sizes], results


def test_a_stopped_jobs_files_are_gone_for_the_next(sandbox) -> None:  # type: ignore[no-untyped-def]
    """A job killed at its deadline never reached its init's clean-up: the next slot's
    init empties the views before it takes a job."""
    writes = (
        "import time\nfor d in ('/job', '/tmp', '/dev/shm'):\n"
        "    open(d + '/left', 'w').write('x')\ntime.sleep(30)"
    )
    looks = "import os\nprint([sorted(os.listdir(d)) for d in ('/job', '/tmp', '/dev/shm')])"
    for _ in range(2):  # on both containers of the pool
        assert sandbox.run(writes, timeout_s=1, memory_mb=256).status == "timeout"
    for _ in range(2):
        result = sandbox.run(looks, timeout_s=5, memory_mb=256)
        assert result.stdout == "[['main.py'], [], []]\n", result


def test_the_zygote_kills_a_slot_the_host_may_not_signal(
    client, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A caller who is not root may not signal the container's uid: at a deadline the
    slot is killed by the zygote that forked it, at the host's request."""
    from stepscore.verifiers.sandbox import slots

    def refused(pidfd: int, sig: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(slots.signal, "pidfd_send_signal", refused)
    started = time.monotonic()
    result = sandbox.run("import time\ntime.sleep(60)", timeout_s=1, memory_mb=256)
    assert result.status == "timeout" and time.monotonic() - started < 4, result
    monkeypatch.undo()
    for container_id in sandbox.container_ids:  # Docker's init, main, zygote, <= 1 slot init
        assert len(client.api.top(container_id)["Processes"]) <= 4
    assert sandbox.run("print(3)", timeout_s=5, memory_mb=256).stdout == "3\n"


def test_any_stdin_text_goes_in(sandbox) -> None:  # type: ignore[no-untyped-def]
    """A lone surrogate in stdin reaches the job (it used to raise in the caller)."""
    result = sandbox.run("print(ascii(input()))", stdin="a\udc80b", timeout_s=5, memory_mb=256)
    assert result.stdout == "'a\\udced\\udcb2\\udc80b'\n", result


def test_close_removes_every_container(client, image: str) -> None:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.docker import DockerSandbox

    with DockerSandbox(image=image, pool=2, client=client) as sandbox:
        ids = set(sandbox.container_ids)
        assert ids <= {found.id for found in _ours(client)}
    assert not ids & {found.id for found in _ours(client)}


def _owner_process(image: str) -> subprocess.Popen:
    """Another process that owns a one-container pool and prints the container's id."""
    owner = textwrap.dedent(
        f"""
        import time
        from stepscore.verifiers.sandbox.docker import DockerSandbox
        sandbox = DockerSandbox(image={image!r}, pool=1)
        print(sandbox.container_ids[0], flush=True)
        time.sleep(600)
        """
    )
    return subprocess.Popen([sys.executable, "-c", owner], stdout=subprocess.PIPE, text=True)


def test_stale_container_of_a_killed_owner_is_removed(client, image: str) -> None:  # type: ignore[no-untyped-def]
    from stepscore.verifiers.sandbox.docker import cleanup_stale

    proc = _owner_process(image)
    try:
        container_id = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert container_id in {found.id for found in _ours(client)}
        client.api.pause(container_id)  # keep it from ending by itself when its owner dies
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert cleanup_stale(client) >= 1
    assert container_id not in {found.id for found in _ours(client)}


def test_owner_death_ends_its_containers(client, image: str) -> None:  # type: ignore[no-untyped-def]
    proc = _owner_process(image)
    container_id = proc.stdout.readline().strip()  # type: ignore[union-attr]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while container_id in {found.id for found in _ours(client)}:
        assert time.monotonic() < deadline, "the container outlived its owner"
        time.sleep(0.2)


def test_container_killed_mid_job_is_replaced(client, sandbox) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    before = set(sandbox.container_ids)
    with ThreadPoolExecutor(1) as pool:
        sleeper = "import time\ntime.sleep(30)"
        pending = pool.submit(sandbox.run, sleeper, timeout_s=60, memory_mb=64)
        time.sleep(1.0)
        busy = max(before, key=lambda found: len(client.api.top(found)["Processes"]))
        idle = (before - {busy}).pop()
        client.api.kill(busy)
        client.api.kill(idle)  # an idle one dies too: the next job must not notice
        result = pending.result(timeout=60)
    assert result.status == "sandbox_error", result
    for _ in range(4):
        after = sandbox.run("print('next')", timeout_s=10, memory_mb=256)
        assert (after.status, after.stdout) == ("ok", "next\n"), after
    assert len(sandbox.container_ids) == 2 and not set(sandbox.container_ids) & before


def test_a_container_whose_zygote_died_is_replaced(client, sandbox) -> None:  # type: ignore[no-untyped-def]
    """The host talks to each container's zygote directly: if it dies (its slots with it),
    the container is found gone before the next job and replaced; no job fails for it."""
    before = set(sandbox.container_ids)
    for container_id in before:
        top = client.api.top(container_id, ps_args="-o pid,ppid")
        parent = {int(row[0]): int(row[1]) for row in top["Processes"]}
        zygotes = [pid for pid in parent if _depth(pid, parent) == 2]
        assert len(zygotes) == 1, top
        os.kill(zygotes[0], signal.SIGKILL)
    time.sleep(0.5)
    for _ in range(4):
        after = sandbox.run("print('next')", timeout_s=10, memory_mb=256)
        assert (after.status, after.stdout) == ("ok", "next\n"), after
    assert len(sandbox.container_ids) == 2 and not set(sandbox.container_ids) & before


def test_many_jobs_through_the_warm_pool(sandbox) -> None:  # type: ignore[no-untyped-def]
    """Two hundred jobs in a row on the pool's warm slots (speed: perf/sandbox.py)."""
    programs = [f"print(sum(range({i})))" for i in range(200)]
    results = sandbox.run_many(programs, timeout_s=5, memory_mb=256, workers=2)
    assert [r.stdout for r in results] == [f"{sum(range(i))}\n" for i in range(200)]


def test_no_job_data_where_later_jobs_are_forked_from(client, sandbox, memory_holds) -> None:  # type: ignore[no-untyped-def]
    """In each container, jobs are forks of a slot's init, itself a fork of the zygote,
    itself a fork of the main process: none of them may ever hold a job's program, files
    or input (jobs go from the host straight to the slot)."""
    import secrets

    if os.geteuid() != 0:
        pytest.skip("reading another process's memory needs root")
    marker = "stepscore-" + secrets.token_hex(12)
    program = f"print(len({marker!r}), open('data.txt').read() == input())"
    for _ in range(4):  # both containers of the pool
        result = sandbox.run(
            program, stdin=marker + "\n", files={"data.txt": marker}, timeout_s=10, memory_mb=256
        )
        assert result.stdout == f"{len(marker)} True\n", result
    checked = 0
    for container_id in sandbox.container_ids:
        top = client.api.top(container_id, ps_args="-o pid,ppid")
        parent = {int(row[0]): int(row[1]) for row in top["Processes"]}
        # Docker's init (0) -> main (1) -> zygote (2) -> slot init (3)
        for pid in parent:
            if _depth(pid, parent) >= 1:
                assert not memory_holds(pid, marker.encode()), (container_id[:12], pid)
                checked += 1
    assert checked >= 3 * len(sandbox.container_ids)


def _depth(pid: int, parent: dict[int, int]) -> int:
    return 0 if parent[pid] not in parent else 1 + _depth(parent[pid], parent)


def test_a_forked_child_cannot_use_or_remove_the_parents_pool(client, sandbox) -> None:  # type: ignore[no-untyped-def]
    """Its containers' sockets are shared with the parent: a child gets a clear error,
    and neither its close() nor its exit removes the parent's containers."""
    before = set(sandbox.container_ids)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            result = sandbox.run("print(1)", timeout_s=5, memory_mb=256)
            os.write(write_end, f"{result.status}|{result.detail}".encode())
            sandbox.close()
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        status, detail = answer.read().split("|", 1)
    os.waitpid(pid, 0)
    assert status == "sandbox_error" and "forked child" in detail
    assert set(sandbox.container_ids) == before
    assert {client.containers.get(cid).status for cid in before} == {"running"}
    assert sandbox.run("print(2)", timeout_s=5, memory_mb=256).stdout == "2\n"


def test_each_job_starts_as_a_fresh_interpreter(sandbox, starting_state) -> None:  # type: ignore[no-untyped-def]
    starting_state(sandbox)
