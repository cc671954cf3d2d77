"""`locate_error` on PRM800K paths, a set its rules were not tuned on.

The shared data holds PRM800K phase-1 test in a derived one-row-per-step form
(``prm800k/derived_stepwise_critic``: the steps so far, the next step, its rating, and
the final answer on a path's last row). This rebuilds each complete path (one that ends
in an answer, every step rated), appends the answer as PRM800K writes it ("# Answer"),
takes its first step rated -1 as the first error (-1: none), finds its gold answer and
solution in MATH test by the problem text, and prints ProcessBench's metric for the
checker alone, with the gold answer, and with the solution.

    python perf/locate_error_prm800k.py
"""

from __future__ import annotations

from pathlib import Path

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.labelled import prm800k_rated_steps
from stepscore.benchmarks.metrics import processbench_score
from stepscore.benchmarks.samples import MathProblem
from stepscore.data_path import DATA_ENV, shared_data_dir
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import check_steps, first_error, locate_error

FILE = "prm800k/derived_stepwise_critic/phase1_test.stepwise-critic.parquet"
RatedPath = tuple[str, list[str], int, MathProblem]


def paths(data: Path) -> list[RatedPath]:
    """(problem, steps, first -1 step or -1, MATH problem) for each complete path."""
    rows = prm800k_rated_steps(data / FILE)
    ratings = {(r.problem, r.before, r.step): r.rating for r in rows}
    math = {p.question.strip(): p for p in load_benchmark("math", "test").samples}
    found: dict[tuple[str, tuple[str, ...]], RatedPath] = {}
    for row in rows:
        if not row.answer:
            continue
        steps = [*row.before, row.step]
        rated = [ratings.get((row.problem, tuple(steps[:i]), s)) for i, s in enumerate(steps)]
        problem = math.get(row.problem.strip())
        if problem is None or any(r is None for r in rated):
            continue
        first_bad = next((i for i, r in enumerate(rated) if r is not None and r < 0), -1)
        steps[-1] += f"\n\n# Answer\n\n{row.answer}"
        found[(row.problem, tuple(steps))] = (row.problem, steps, first_bad, problem)
    return list(found.values())


def main() -> None:
    data = shared_data_dir()
    if data is None or not (data / FILE).exists():
        print(f"PRM800K's derived phase-1 test file not found; set {DATA_ENV}")
        return
    complete = paths(data)
    labels = [label for _, _, label, _ in complete]
    print(f"{len(complete)} complete paths, {sum(x != -1 for x in labels)} with a step rated -1")
    predictions: dict[str, list[int]] = {"checker": [], "+ gold answer": [], "+ solution": []}
    for prompt, steps, _, problem in complete:
        trace = Trace.from_steps(steps, prompt=prompt)
        verdicts = check_steps(trace)
        refuted = first_error(verdicts)
        predictions["checker"].append(-1 if refuted is None else refuted)
        for name, given in (("+ gold answer", None), ("+ solution", problem.solution)):
            located = locate_error(trace, answer=problem.answer, solution=given, verdicts=verdicts)
            predictions[name].append(-1 if located.step is None else located.step)
    for name, predicted in predictions.items():
        score = processbench_score(predicted, labels)
        print(
            f"{name:>14}: acc(erroneous) {100 * score.error_acc:5.1f}  "
            f"acc(correct) {100 * score.correct_acc:5.1f}  F1 {100 * score.f1:5.1f}"
        )


if __name__ == "__main__":
    main()
