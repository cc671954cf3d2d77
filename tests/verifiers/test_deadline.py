"""Deadlines by process isolation: results, timeouts, crashes, threads, asyncio, forks.

The tasks are stdlib callables (``time.sleep``, ``sum`` over a huge range, ``os._exit``,
``ctypes.string_at(0)``), so the workers never need to import this test module.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import multiprocessing
import operator
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from stepscore.errors import UnknownNameError
from stepscore.verifiers.deadline import (
    DeadlinePool,
    DeadlineResult,
    configure_default_pool,
    default_pool,
    run_with_deadline,
)

HUGE = range(10**18)  # sum(HUGE) is a CPU-bound loop in C that holds the GIL for ages
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state letter) of every process, read from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
            table[int(entry)] = (int(ppid), state)
    return table


def _descendants(root: int | None = None) -> dict[int, tuple[int, str]]:
    table, found = _processes(), {}
    frontier = [os.getpid() if root is None else root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, state) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = (ppid, state)
                frontier.append(pid)
    return found


def _grandchildren() -> set[int]:
    """Worker processes: forked by the fork server (a child of ours), so grandchildren."""
    return {pid for pid, (ppid, _) in _descendants().items() if ppid != os.getpid()}


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for init to reap it)."""
    entry = _processes().get(pid)
    return entry is not None and entry[1] != "Z"


def _wait_until(predicate, timeout_s: float = 5.0) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def pool():
    with DeadlinePool() as pool:
        yield pool


def test_ok_result(pool: DeadlinePool) -> None:
    result = pool.run(operator.add, 2, 3, deadline_s=10)
    assert result == DeadlineResult("ok", 5, None, result.elapsed_s)
    assert 0 < result.elapsed_s < 10
    assert pool.run(sorted, [3, 1, 2], reverse=True, deadline_s=10).value == [3, 2, 1]


def test_exception_is_an_error_and_the_worker_lives_on(pool: DeadlinePool) -> None:
    pid = pool.run(os.getpid, deadline_s=10).value
    result = pool.run(operator.truediv, 1, 0, deadline_s=10)
    assert (result.status, result.value) == ("error", None)
    assert result.error == "ZeroDivisionError: division by zero"
    assert pool.run(os.getpid, deadline_s=10).value == pid  # same warm worker


def test_system_exit_is_an_error_and_the_worker_lives_on(pool: DeadlinePool) -> None:
    pid = pool.run(os.getpid, deadline_s=10).value
    assert pool.run(sys.exit, 2, deadline_s=10).error == "SystemExit: 2"
    assert pool.run(os.getpid, deadline_s=10).value == pid


@needs_proc
def test_sleep_times_out_promptly_and_leaves_no_process(pool: DeadlinePool) -> None:
    old = pool.run(os.getpid, deadline_s=10).value
    start = time.perf_counter()
    result = pool.run(time.sleep, 30, deadline_s=0.5)
    wall = time.perf_counter() - start
    assert result.status == "timeout" and result.value is None and result.error is None
    assert 0.5 <= result.elapsed_s <= wall < 2.5
    assert not _alive(old)
    assert old not in _processes()  # reaped: not even a zombie
    new = pool.run(os.getpid, deadline_s=10)
    assert new.status == "ok" and new.value != old
    assert pool.run(operator.add, 1, 1, deadline_s=10).value == 2
    assert not [pid for pid, (_, state) in _descendants().items() if state == "Z"]


def test_cpu_bound_loop_times_out(pool: DeadlinePool) -> None:
    start = time.perf_counter()
    assert pool.run(sum, HUGE, deadline_s=0.5).status == "timeout"
    assert time.perf_counter() - start < 2.5
    assert pool.run(sum, range(4), deadline_s=10).value == 6


@needs_proc
def test_timeout_kills_what_the_task_started(pool: DeadlinePool, tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = f"echo $$ > {pidfile}; exec sleep 30"
    assert pool.run(subprocess.run, ["sh", "-c", script], deadline_s=1).status == "timeout"
    grandchild = int(pidfile.read_text())
    assert _wait_until(lambda: not _alive(grandchild))


@pytest.mark.parametrize(
    ("fn", "args", "error"),
    [
        (os._exit, (3,), "WorkerDied: exit code 3"),
        (ctypes.string_at, (0,), "WorkerDied: killed by SIGSEGV"),
    ],
    ids=["os._exit", "segfault"],
)
def test_worker_crash_is_an_error_and_the_pool_recovers(
    pool: DeadlinePool, fn, args, error: str
) -> None:
    result = pool.run(fn, *args, deadline_s=10)
    assert (result.status, result.value, result.error) == ("error", None, error)
    assert pool.run(operator.add, 1, 2, deadline_s=10).value == 3


def test_sigkill_of_a_busy_worker_reads_like_the_oom_killer(pool: DeadlinePool) -> None:
    pid = pool.run(os.getpid, deadline_s=10).value
    result = pool.run(os.kill, pid, signal.SIGKILL, deadline_s=10)
    assert result.error == "WorkerDied: killed by SIGKILL (out of memory?)"
    assert pool.run(operator.add, 1, 2, deadline_s=10).value == 3


def test_a_worker_that_died_while_idle_is_replaced(pool: DeadlinePool) -> None:
    pid = pool.run(os.getpid, deadline_s=10).value
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    result = pool.run(os.getpid, deadline_s=10)
    assert result.status == "ok" and result.value != pid


def test_closing_during_a_call_ends_it_with_an_error() -> None:
    pool = DeadlinePool()
    pool.run(operator.add, 1, 2, deadline_s=10)
    with ThreadPoolExecutor(1) as threads:
        future = threads.submit(pool.run, time.sleep, 30, deadline_s=20)
        time.sleep(0.3)
        start = time.perf_counter()
        pool.close()
        result = future.result(timeout=10)
    assert time.perf_counter() - start < 5
    assert result.status == "error" and result.error.startswith("PoolClosed")


def test_unpicklable_task_is_an_error_without_using_a_worker(pool: DeadlinePool) -> None:
    result = pool.run(lambda: 1, deadline_s=10)
    assert result.status == "error" and result.error.startswith("UnpicklableTask: ")
    result = pool.run(operator.add, threading.Lock(), 1, deadline_s=10)
    assert result.status == "error" and "lock" in result.error
    assert pool.run(operator.add, 1, 2, deadline_s=10).value == 3


def test_unpicklable_and_too_big_results_are_errors() -> None:
    with DeadlinePool(max_result_bytes=10_000) as pool:
        result = pool.run(threading.Lock, deadline_s=10)
        assert result.status == "error" and result.error.startswith("UnpicklableResult: ")
        result = pool.run(bytes, 1_000_000, deadline_s=10)
        assert result.status == "error" and result.error.startswith("ResultTooLarge: ")
        assert pool.run(bytes, 100, deadline_s=10).value == bytes(100)


def test_memory_limit_turns_a_huge_allocation_into_an_error() -> None:
    with DeadlinePool(memory_mb=1024) as pool:
        result = pool.run(bytes, 4 * 2**30, deadline_s=10)
        assert result.status == "error" and result.error.startswith("MemoryError")
        assert pool.run(operator.add, 1, 2, deadline_s=10).value == 3


def test_threads_get_the_same_results_as_sequential_calls() -> None:
    jobs = [(i, 7) for i in range(200)]
    with DeadlinePool(workers=3) as pool:
        sequential = [pool.run(pow, *job, deadline_s=10).value for job in jobs]
        with ThreadPoolExecutor(8) as threads:
            futures = [threads.submit(pool.run, pow, *job, deadline_s=10) for job in jobs]
            concurrent = [future.result().value for future in futures]
    assert concurrent == sequential == [pow(*job) for job in jobs]


def test_arun_keeps_the_event_loop_responsive() -> None:
    async def main(pool: DeadlinePool) -> tuple[list[DeadlineResult], int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        tick = asyncio.create_task(ticker())
        results = await asyncio.gather(
            pool.arun(time.sleep, 0.3, deadline_s=5),
            pool.arun(sum, HUGE, deadline_s=0.3),
            pool.arun(operator.add, 2, 2, deadline_s=5),
            pool.arun(operator.truediv, 1, 0, deadline_s=5),
        )
        tick.cancel()
        return results, ticks

    with DeadlinePool(workers=2) as pool:
        results, ticks = asyncio.run(main(pool))
    assert [r.status for r in results] == ["ok", "timeout", "ok", "error"]
    assert results[2].value == 4
    assert ticks >= 15  # ~0.3-0.6 s of loop time at 10 ms a tick


def test_map_keeps_order_with_ok_timeout_and_error_items() -> None:
    items = [(range(10),), (HUGE,), (["a"],), (range(3),), ([1.5, 2.5],)]
    with DeadlinePool(workers=2) as pool:
        results = pool.map(sum, items, deadline_s=0.5)
        assert pool.map(sum, [], deadline_s=1) == []
    assert [r.status for r in results] == ["ok", "timeout", "error", "ok", "ok"]
    assert [r.value for r in results] == [45, None, None, 3, 4.0]
    assert results[2].error.startswith("TypeError: unsupported operand")


@needs_proc
def test_close_leaves_no_workers() -> None:
    before = _grandchildren()
    pool = DeadlinePool(workers=2)
    pool.map(time.sleep, [(0.2,), (0.2,)], deadline_s=5)
    ours = _grandchildren() - before
    assert len(ours) == 2
    pool.close()
    assert _grandchildren() - before == set()
    # other pools of this test process (e.g. the math verifier's) may still run workers
    alive = {p.pid for p in multiprocessing.active_children() if p.is_alive()}
    assert not alive & ours
    pool.close()  # twice is fine
    with pytest.raises(ValueError, match="closed"):
        pool.run(operator.add, 1, 2, deadline_s=1)


@needs_proc
def test_garbage_collected_pool_kills_its_workers() -> None:
    before = _grandchildren()
    pool = DeadlinePool()
    pool.run(operator.add, 1, 2, deadline_s=10)
    assert len(_grandchildren() - before) == 1
    del pool
    gc.collect()
    assert _grandchildren() - before == set()


def test_max_tasks_per_worker_replaces_the_worker() -> None:
    with DeadlinePool(max_tasks_per_worker=2) as pool:
        pids = [pool.run(os.getpid, deadline_s=10).value for _ in range(4)]
    assert pids[0] == pids[1] != pids[2] == pids[3]


def test_initializer_failure_is_an_error_result() -> None:
    with DeadlinePool(initializer=gc.collect) as pool:
        assert pool.run(operator.add, 1, 2, deadline_s=10).value == 3
    with DeadlinePool(initializer=operator.add) as pool:  # called with no arguments
        result = pool.run(operator.add, 1, 2, deadline_s=10)
    assert result.status == "error" and result.error.startswith("WorkerStartFailed: TypeError")


def test_caller_bugs_raise() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'forkserver'"):
        DeadlinePool(start_method="forkserve")
    with pytest.raises(ValueError, match="workers"):
        DeadlinePool(workers=0)
    with pytest.raises(Exception, match="pickle"):
        DeadlinePool(initializer=lambda: None)
    with DeadlinePool() as pool:
        for bad in (0, -1, float("nan"), float("inf"), "1"):
            with pytest.raises(ValueError, match="deadline_s"):
                pool.run(operator.add, 1, 2, deadline_s=bad)


def test_spawn_start_method_works() -> None:
    with DeadlinePool(start_method="spawn") as pool:
        assert pool.run(operator.add, 1, 2, deadline_s=30).value == 3
        assert pool.run(time.sleep, 30, deadline_s=0.3).status == "timeout"


def test_default_pool_and_run_with_deadline() -> None:
    assert default_pool() is default_pool()
    assert run_with_deadline(operator.mul, 6, 7, deadline_s=10).value == 42
    try:
        configure_default_pool(workers=2, initializer=gc.collect)
        pool = default_pool()
        assert pool._workers == 2
        results = pool.map(operator.neg, [(i,) for i in range(5)], deadline_s=10)
        assert [r.value for r in results] == [0, -1, -2, -3, -4]
    finally:
        configure_default_pool()
    assert default_pool()._workers == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_gets_its_own_workers() -> None:
    parent_worker = run_with_deadline(os.getpid, deadline_s=10).value
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            result = run_with_deadline(os.getpid, deadline_s=30)
            timeout = run_with_deadline(time.sleep, 30, deadline_s=0.3)
            os.write(write, f"{result.status} {result.value} {timeout.status}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        status, worker, timeout = pipe.read().split()
    os.waitpid(child, 0)
    assert (status, timeout) == ("ok", "timeout")
    assert int(worker) not in (parent_worker, child)
    assert run_with_deadline(os.getpid, deadline_s=10).value == parent_worker  # untouched


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork")
def test_multiprocessing_fork_child_gets_its_own_workers() -> None:
    parent_worker = run_with_deadline(os.getpid, deadline_s=10).value
    ctx = multiprocessing.get_context("fork")
    queue = ctx.SimpleQueue()

    def child() -> None:
        queue.put(run_with_deadline(os.getpid, deadline_s=30))

    process = ctx.Process(target=child)
    process.start()
    result = queue.get()
    process.join(30)
    assert result.status == "ok" and result.value != parent_worker
    assert run_with_deadline(os.getpid, deadline_s=10).value == parent_worker


@needs_proc
def test_workers_die_with_their_parent() -> None:
    code = textwrap.dedent(
        """
        import os, sys, time
        from stepscore.verifiers.deadline import DeadlinePool
        pool = DeadlinePool()
        print(pool.run(os.getpid, deadline_s=30).value, flush=True)
        pool.run(time.sleep, 60, deadline_s=60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(parent.stdout.readline())
        time.sleep(0.3)  # let the worker start sleeping
        assert _alive(worker)
    finally:
        parent.kill()
        parent.wait()
    assert _wait_until(lambda: not _alive(worker), timeout_s=10)


def test_calls_reuse_the_warm_worker(pool: DeadlinePool) -> None:
    """A call is a round trip to a warm worker, not a process start (speed: perf/)."""
    pids = {pool.run(os.getpid, deadline_s=10).value for _ in range(500)}
    assert len(pids) == pool.workers and os.getpid() not in pids


def test_works_when_the_main_script_comes_from_stdin() -> None:
    """``python - < script``: children must not try to re-run a main file named <stdin>."""
    script = (
        "import operator\n"
        "from stepscore.verifiers.deadline import DeadlinePool\n"
        "with DeadlinePool(2) as pool:\n"
        "    print([r.value for r in pool.map(operator.add, [(1, 2), (3, 4)], deadline_s=30)])\n"
    )
    done = subprocess.run(
        [sys.executable, "-"], input=script, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[3, 7]"
    assert "did not start" not in done.stderr


def test_a_script_without_a_main_guard_runs_once(tmp_path) -> None:
    """Workers never re-run the caller's main script (spawn/forkserver would, unguarded)."""
    script = tmp_path / "train.py"
    script.write_text(
        "import operator\n"
        "from stepscore.verifiers.deadline import DeadlinePool\n"
        "print('main ran')\n"
        "pool = DeadlinePool(2)\n"
        "print([r.value for r in pool.map(operator.add, [(1, 2), (3, 4)], deadline_s=30)])\n"
        "pool.close()\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["main ran", "[3, 7]"]
