"""ProcessBench with the model-free step checker: accuracies, F1, coverage, speed.

Prediction = the earliest refuted step, or -1 (ProcessBench, Zheng et al. 2024, §3).
Prints, per split: accuracy on erroneous and on correct samples, F1, the share of steps
the checker could verify or refute, and steps checked per second on one core (the
fastest of three passes).

Then, outside ProcessBench's protocol (which gives a judge only the problem and the
steps), the same figures for `locate_error` given what RL on these problems has at hand:
each problem's gold answer, and its worked solution, found by joining the problem text to
GSM8K or MATH test in the shared data. Splits whose problems do not join say so.

Last, false alarms on right answers (without ``--path``): the GSM8K (test and train) and MATH
test reference solutions, read as chains of thought, and how many of them the checker refutes
(the references hold a few slips of their own, so a handful is expected); then the same
for model solutions whose final answer was judged right (GSM8K model solutions, MATH
best-of-8 responses), where a refutation is a false alarm or a real slip on the way; and
PRM800K phase-1 steps by their human rating (``--prm800k-train``: the train part too).

    python perf/processbench_checker.py [gsm8k math ...] [--path FILE_OR_DIR] [--prm800k-train]
"""

from __future__ import annotations

import argparse
import time

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.labelled import gsm8k_solution_pairs, math_bon_pairs, prm800k_rated_steps
from stepscore.benchmarks.metrics import processbench_score
from stepscore.benchmarks.samples import MathProblem
from stepscore.data_path import shared_data_dir
from stepscore.errors import DataUnavailableError, MissingExtraError
from stepscore.reasoning.segment import segment
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import StepVerdict, check_steps, first_error
from stepscore.verifiers.steps.reference import locate_error

PASSES = 3  # speed: the fastest pass over the split (a shared machine's noise only slows)


def run(split: str, path: str | None) -> None:
    traces = load_benchmark("processbench", split, path=path).samples
    seconds = float("inf")
    for _ in range(PASSES):
        start = time.perf_counter()
        verdicts = [check_steps(trace) for trace in traces]
        seconds = min(seconds, time.perf_counter() - start)
    steps = sum(len(v) for v in verdicts)
    checked = sum(s.status != "unverifiable" for v in verdicts for s in v)
    predictions = [-1 if (e := first_error(v)) is None else e for v in verdicts]
    labels = [-1 if (e := t.first_error()) is None else e for t in traces]
    score = processbench_score(predictions, labels)
    print(
        f"{split:>14}: acc(erroneous) {100 * score.error_acc:5.1f}  "
        f"acc(correct) {100 * score.correct_acc:5.1f}  F1 {100 * score.f1:5.1f}  "
        f"verifiable {100 * checked / max(steps, 1):5.1f}% of {steps} steps  "
        f"{steps / seconds:,.0f} steps/s (fastest of {PASSES} passes)"
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
    """False alarms on right answers: each GSM8K (test and train) and MATH test reference
    solution, read as a chain of thought; nearly every refutation is a false alarm (the references
    hold a few slips of their own)."""
    for name, part in (("gsm8k", "test"), ("gsm8k", "train"), ("math", "test")):
        label = f"{name} {part} refs" if part != "test" else f"{name} refs"
        try:
            samples = load_benchmark(name, part).samples
        except DataUnavailableError:
            print(f"{label:>14}: data not found; skipped")
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
            f"{label:>14}: {len(refuted)} of {len(traces)} reference solutions "
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


PRM800K = "prm800k/derived_stepwise_critic/phase1_{}.stepwise-critic.parquet"


def rated_steps(part: str) -> None:
    """PRM800K phase-1 steps by their human rating, each checked after the steps before
    it (a step after one the checker refutes is left out): a refutation of a step rated
    +1 is a false alarm or a slip the raters passed; of one rated -1, a hit."""
    data = shared_data_dir()
    if data is None or not (data / PRM800K.format(part)).is_file():
        print(f"{'prm800k ' + part:>14}: data not found; skipped")
        return
    try:
        rows = prm800k_rated_steps(data / PRM800K.format(part))
    except MissingExtraError as exc:
        print(f"{'prm800k ' + part:>14}: {exc}; skipped")
        return
    counts: dict[int, list[int]] = {1: [0, 0], 0: [0, 0], -1: [0, 0]}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for row in rows:
        steps = (*row.before, row.step)
        if row.rating is None or (row.problem, steps) in seen:
            continue
        seen.add((row.problem, steps))
        verdicts = check_steps(Trace.from_steps(list(steps), prompt=row.problem))
        if first_error(verdicts[:-1]) is not None:
            continue
        counts[row.rating][0] += verdicts[-1].status == "refuted"
        counts[row.rating][1] += 1
    print(
        f"{'prm800k ' + part:>14}: "
        + ", ".join(
            f"{name} {counts[r][0]} of {counts[r][1]} refuted "
            f"({100 * counts[r][0] / max(counts[r][1], 1):.2f}%)"
            for r, name in ((1, "rated +1"), (0, "rated 0"), (-1, "rated -1"))
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="*", default=["gsm8k", "math"])
    parser.add_argument("--path", default=None, help="a file or folder holding the split")
    parser.add_argument(
        "--prm800k-train", action="store_true", help="also PRM800K phase-1 train (minutes)"
    )
    args = parser.parse_args()
    for split in args.splits:
        run(split, args.path)
    if not args.path:
        reference_solutions()
        right_model_answers()
        for part in ("test", "train_plus") if args.prm800k_train else ("test",):
            rated_steps(part)


if __name__ == "__main__":
    main()
