"""ProcessBench with the model-free step checker: accuracies, F1, coverage, speed.

Prediction = the earliest refuted step, or -1 (ProcessBench, Zheng et al. 2024, §3).
Prints, per split: accuracy on erroneous and on correct samples, F1, the share of steps
the checker could verify or refute, and steps checked per second on one core.

Then, outside ProcessBench's protocol (which gives a judge only the problem and the
steps), the same figures for `locate_error` given what RL on these problems has at hand:
each problem's gold answer, and its worked solution, found by joining the problem text to
GSM8K or MATH test in the shared data. Splits whose problems do not join say so.

Last, false alarms on right answers (without ``--path``): the GSM8K and MATH test
reference solutions, read as chains of thought, and how many of them the checker refutes
(the references hold a few slips of their own, so a handful is expected); then the same
for model solutions whose final answer was judged right (GSM8K model solutions, MATH
best-of-8 responses), where a refutation is a false alarm or a real slip on the way.

    python perf/processbench_checker.py [gsm8k math ...] [--path FILE_OR_DIR]
"""

from __future__ import annotations

import argparse
import time

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.labelled import gsm8k_solution_pairs, math_bon_pairs
from stepscore.benchmarks.metrics import processbench_score
from stepscore.benchmarks.samples import MathProblem
from stepscore.data_path import shared_data_dir
from stepscore.errors import DataUnavailableError
from stepscore.reasoning.segment import segment
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import StepVerdict, check_steps, first_error
from stepscore.verifiers.steps.reference import locate_error


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
    with_references(split, traces, verdicts, labels)


def with_references(
    split: str, traces: list[Trace], verdicts: list[list[StepVerdict]], labels: list[int]
) -> None:
    """`locate_error` with each problem's gold answer, then with its worked solution."""
    problems = reference_problems()
    joined = [problems.get(t.prompt.strip()) for t in traces]
    if not all(joined):
        found = sum(p is not None for p in joined)
        print(f"{'':>14}  with references: {found} of {len(traces)} problems join; skipped")
        return
    for given in ("answer", "solution"):
        predictions = []
        for trace, verdict, problem in zip(traces, verdicts, joined, strict=True):
            assert problem is not None
            if given == "answer":
                located = locate_error(trace, answer=problem.answer, verdicts=verdict)
            else:
                located = locate_error(trace, solution=problem.solution, verdicts=verdict)
            predictions.append(-1 if located.step is None else located.step)
        score = processbench_score(predictions, labels)
        print(
            f"{'+ gold ' + given:>14}: acc(erroneous) {100 * score.error_acc:5.1f}  "
            f"acc(correct) {100 * score.correct_acc:5.1f}  F1 {100 * score.f1:5.1f}"
        )


def reference_problems() -> dict[str, MathProblem]:
    """GSM8K and MATH test problems by their text (empty where the data is absent)."""
    problems: dict[str, MathProblem] = {}
    for name in ("gsm8k", "math"):
        try:
            samples = load_benchmark(name, "test").samples
        except DataUnavailableError:
            continue
        problems.update((p.question.strip(), p) for p in samples)
    return problems


def reference_solutions() -> None:
    """False alarms on right answers: each GSM8K and MATH test reference solution, read
    as a chain of thought; nearly every refutation is a false alarm (the references
    hold a few slips of their own)."""
    for name in ("gsm8k", "math"):
        try:
            samples = load_benchmark(name, "test").samples
        except DataUnavailableError:
            print(f"{name + ' refs':>14}: data not found; skipped")
            continue
        traces = [
            segment(p.solution.split("####")[0], kind="cot", prompt=p.question)
            for p in samples
            if p.solution
        ]
        verdicts = [check_steps(trace) for trace in traces]
        refuted = [
            t.id or str(k)
            for k, (t, v) in enumerate(zip(traces, verdicts, strict=True))
            if first_error(v) is not None
        ]
        steps = sum(len(v) for v in verdicts)
        wrong = sum(s.status == "refuted" for v in verdicts for s in v)
        print(
            f"{name + ' refs':>14}: {len(refuted)} of {len(traces)} reference solutions "
            f"refuted ({100 * len(refuted) / max(len(traces), 1):.2f}%), {wrong} of {steps} steps"
        )


def right_model_answers() -> None:
    """False alarms on model solutions whose final answer a grader judged right (GSM8K's
    model solutions, MATH best-of-8): a refutation there is a false alarm or a slip the
    model made on its way to the right answer (both happen; the notes list them)."""
    data = shared_data_dir()
    sources = (
        ("gsm8k models", "gsm8k/example_model_solutions.jsonl", gsm8k_solution_pairs),
        ("math bon", "bon/math_cot_100.jsonl", math_bon_pairs),
    )
    for name, relative, read in sources:
        if data is None or not (data / relative).is_file():
            print(f"{name:>14}: data not found; skipped")
            continue
        right = [pair for pair in read(data / relative) if pair.label]
        refuted = [
            pair.id
            for pair in right
            if first_error(check_steps(segment(pair.prediction, kind="cot"))) is not None
        ]
        print(
            f"{name:>14}: {len(refuted)} of {len(right)} solutions with a right final answer "
            f"refuted ({100 * len(refuted) / max(len(right), 1):.2f}%): {', '.join(refuted)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="*", default=["gsm8k", "math"])
    parser.add_argument("--path", default=None, help="a file or folder holding the split")
    args = parser.parse_args()
    for split in args.splits:
        run(split, args.path)
    if not args.path:
        reference_solutions()
        right_model_answers()


if __name__ == "__main__":
    main()
