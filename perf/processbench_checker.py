"""ProcessBench with the model-free step checker: accuracies, F1, coverage, speed.

Prediction = the earliest refuted step, or -1 (ProcessBench, Zheng et al. 2024, §3).
Prints, per split: accuracy on erroneous and on correct samples, F1, the share of steps
the checker could verify or refute, and steps checked per second on one core.

    python perf/processbench_checker.py [gsm8k math ...] [--path FILE_OR_DIR]
"""

from __future__ import annotations

import argparse
import time

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.metrics import processbench_score
from stepscore.verifiers.steps import check_steps, first_error


def run(split: str, path: str | None) -> None:
    traces = load_benchmark("processbench", split, path=path).samples
    start = time.perf_counter()
    verdicts = [check_steps(trace) for trace in traces]
    seconds = time.perf_counter() - start
    steps = sum(len(v) for v in verdicts)
    checked = sum(s.status != "unverifiable" for v in verdicts for s in v)
    predictions = [-1 if (e := first_error(v)) is None else e for v in verdicts]
    labels = [-1 if (e := t.first_error()) is None else e for t in traces]
    score = processbench_score(predictions, labels)
    print(
        f"{split:>14}: acc(erroneous) {100 * score.error_acc:5.1f}  "
        f"acc(correct) {100 * score.correct_acc:5.1f}  F1 {100 * score.f1:5.1f}  "
        f"verifiable {100 * checked / max(steps, 1):5.1f}% of {steps} steps  "
        f"{steps / seconds:,.0f} steps/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="*", default=["gsm8k", "math"])
    parser.add_argument("--path", default=None, help="a file or folder holding the split")
    args = parser.parse_args()
    for split in args.splits:
        run(split, args.path)


if __name__ == "__main__":
    main()
