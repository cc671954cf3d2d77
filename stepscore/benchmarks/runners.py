"""Runners: evaluate something on a loaded benchmark and return the figures.

Which runner applies follows from what the benchmark's samples are, not from its name:
step-labelled `Trace`s are judged by a `StepJudge` (ProcessBench F1), PRMBench samples
by its step verdicts (PRMScore), labelled (prediction, reference) pairs test the math
verifier (agreement with the labels), best-of-N groups are scored by selection rules
(maj@k, best-of-N by the stored reward, the oracle).

Every runner is two pure halves: ``evaluate`` turns a chunk of samples into one
JSON-compatible record per sample (keyed by the sample's id), ``aggregate`` turns all
records into the metrics. So a run goes chunk by chunk with a progress bar, appends
records to ``samples.jsonl`` as they are made, and a run that stopped half-way picks
up the records already written (same benchmark version and config) and does only the
rest.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepscore import __version__
from stepscore.benchmarks.benchmark import Benchmark
from stepscore.benchmarks.judges import JUDGES, StepJudge, get_judge
from stepscore.benchmarks.labelled import LabelledPair
from stepscore.benchmarks.metrics import (
    best_of_n,
    earliest_error,
    maj_at_k,
    pass_at_k,
    prmbench_score,
    processbench_score,
    select_threshold,
    selection_curve,
    weighted_best_of_n,
)
from stepscore.benchmarks.report import BenchResult
from stepscore.benchmarks.samples import BestOfNGroup, CodeProblem, PRMBenchSample
from stepscore.errors import UnknownNameError
from stepscore.jsonl import iter_json_lines
from stepscore.prm.catalog import SCORER_FORMS, load_scorer
from stepscore.prm.scores import StepScorer
from stepscore.reasoning.trace import Trace

__all__ = ["ANCHORS", "Runner", "run_benchmark"]

# Published ProcessBench F1 (Zheng et al. 2024, "ProcessBench", Table 3), as fractions.
ANCHORS: dict[tuple[str, str], dict[str, dict[str, float]]] = {
    ("processbench", "gsm8k"): {
        "Math-Shepherd-PRM-7B": {"f1": 0.479},
        "RLHFlow-PRM-Mistral-8B": {"f1": 0.504},
        "Skywork-PRM-7B": {"f1": 0.708},
        "Qwen2.5-Math-PRM-7B": {"f1": 0.824},
    },
    ("processbench", "math"): {
        "Math-Shepherd-PRM-7B": {"f1": 0.295},
        "RLHFlow-PRM-Mistral-8B": {"f1": 0.334},
        "Skywork-PRM-7B": {"f1": 0.536},
        "Qwen2.5-Math-PRM-7B": {"f1": 0.776},
    },
}

Record = dict[str, Any]
Curves = dict[str, dict[int, float]]
_CHUNK = 64  # samples evaluated (and records saved) at a time
_CODE_WORKERS = 2  # sandboxed programs run at once


@dataclass(frozen=True)
class Figures:
    """What `Runner.aggregate` makes of the records."""

    metrics: dict[str, Any]
    curves: Curves = field(default_factory=dict)
    calibration: tuple[tuple[float, float, int], ...] = ()


@dataclass(frozen=True)
class RunContext:
    """What evaluation needs besides the samples: the step judge, model completions."""

    judge: Any = None
    completions: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Runner:
    """How to evaluate one kind of sample: per-sample records, then the metrics."""

    sample_type: type
    evaluate: Callable[[Sequence[Any], RunContext], list[Record]]
    aggregate: Callable[[list[Record]], Figures]
    needs_judge: bool = False
    system: str = "stepscore"


def run_benchmark(
    benchmark: Benchmark,
    *,
    judge: str | StepJudge | StepScorer | None = None,
    threshold: float | None = None,
    threshold_split: str | None = None,
    completions: Mapping[str, Sequence[str]] | None = None,
    seed: int | None = None,
    out: Path | None = None,
    progress: bool | None = None,
) -> tuple[BenchResult, list[Record]]:
    """Run the runner that fits ``benchmark``'s samples; the result and sample records.

    A scalar step scorer's scores become verdicts at ``threshold`` (default 0.5), or at
    the threshold with the best F1 on ``threshold_split`` of the same benchmark (never
    the split being reported). ``completions`` maps a code problem's id to the programs
    a model wrote for it (pass@k over them); without, its reference solution runs. With
    ``out``, records go to ``out/samples.jsonl`` as
    they are made and a stopped run resumes from them. ``progress``: a bar on standard
    error (None: on a terminal).
    """
    if not benchmark.samples:
        raise ValueError(f"{benchmark.name}/{benchmark.split} has no samples to evaluate")
    runner = _runner_for(benchmark)
    resolved = None
    if runner.needs_judge:
        resolved = _thresholded(benchmark, _resolve(judge), threshold, threshold_split)
    system = resolved.name if resolved is not None else runner.system
    config = {"scorer" if resolved else "system": system, "limit": benchmark.limit}
    if completions:
        config["completions"] = sum(len(v) for v in completions.values())
    started = time.perf_counter()
    context = RunContext(resolved, dict(completions or {}))
    records = _evaluate_all(benchmark, runner, context, config, out, progress)
    figures = runner.aggregate(records)
    result = BenchResult(
        benchmark=benchmark.name,
        split=benchmark.split,
        version=benchmark.version,
        stepscore_version=__version__,
        n=len(records),
        metrics=figures.metrics,
        config={**config, "source": benchmark.source, "threshold_split": threshold_split},
        seed=seed,
        wall_s=round(time.perf_counter() - started, 3),
        anchors=ANCHORS.get((benchmark.name, benchmark.split), {}),
        curves=figures.curves,
        calibration=figures.calibration,
    )
    return result, records


def _runner_for(benchmark: Benchmark) -> Runner:
    kind = type(benchmark.samples[0])
    runner = next((r for r in RUNNERS if issubclass(kind, r.sample_type)), None)
    if runner is None:
        raise ValueError(
            f"nothing to evaluate on {benchmark.name}: its samples ({kind.__name__}) carry "
            "no model outputs; evaluate generated responses against them instead"
        )
    return runner


def _evaluate_all(
    benchmark: Benchmark,
    runner: Runner,
    context: RunContext,
    config: dict[str, Any],
    out: Path | None,
    progress: bool | None,
) -> list[Record]:
    """Records for every sample, reusing those a previous run of the same setup saved."""
    from tqdm import tqdm

    done = _resume(out, benchmark, config) if out is not None else {}
    todo = [s for s in benchmark.samples if _sample_id(s) not in done]
    sink = _open_sink(out, benchmark, config, fresh=not done) if out is not None else None
    bar = tqdm(
        total=len(benchmark.samples), initial=len(benchmark.samples) - len(todo), unit="sample",
        desc=benchmark.name, file=sys.stderr, disable=None if progress is None else not progress,
        leave=False,
    )  # fmt: skip
    try:
        for start in range(0, len(todo), _CHUNK):
            chunk = todo[start : start + _CHUNK]
            for record in runner.evaluate(chunk, context):
                done[record["id"]] = record
                if sink is not None:
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            if sink is not None:
                sink.flush()
            bar.update(len(chunk))
    finally:
        bar.close()
        if sink is not None:
            sink.close()
    return [done[_sample_id(s)] for s in benchmark.samples]


def _resume(out: Path, benchmark: Benchmark, config: dict[str, Any]) -> dict[str, Record]:
    """Records of an earlier run with the same benchmark version and config, by id."""
    run_file, samples_file = out / "run.json", out / "samples.jsonl"
    if not (run_file.is_file() and samples_file.is_file()):
        return {}
    if json.loads(run_file.read_text(encoding="utf-8")) != _run_key(benchmark, config):
        return {}
    with samples_file.open(encoding="utf-8") as lines:  # a line cut by a crash is skipped
        return {r.value["id"]: r.value for r in iter_json_lines(lines) if r.ok}


def _open_sink(out: Path, benchmark: Benchmark, config: dict[str, Any], *, fresh: bool) -> Any:
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").write_text(json.dumps(_run_key(benchmark, config)), encoding="utf-8")
    return (out / "samples.jsonl").open("w" if fresh else "a", encoding="utf-8")


def _run_key(benchmark: Benchmark, config: dict[str, Any]) -> dict[str, Any]:
    return {
        "benchmark": benchmark.name,
        "split": benchmark.split,
        "version": benchmark.version,
        **config,
    }


class _Thresholded:
    """A step scorer read at a threshold: a step scored below it is wrong; a step the
    scorer could not score (None: cut by a length limit, a failed trace) is not flagged."""

    def __init__(self, scorer: StepScorer, threshold: float) -> None:
        self.scorer, self.threshold = scorer, threshold
        self.name = f"{scorer.name}@{threshold:.4g}"

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        return [earliest_error(s, self.threshold) for s in step_scores(self.scorer, traces)]

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        return [[x >= self.threshold for x in s] for s in step_scores(self.scorer, traces)]


def step_scores(scorer: StepScorer, traces: Sequence[Trace]) -> list[list[float]]:
    """Each trace's step scores, an unscored step as 1.0 (never below a threshold)."""
    return [[1.0 if x is None else x for x in r.scores] for r in scorer.score(traces)]


def _thresholded(
    benchmark: Benchmark,
    judge: StepJudge | StepScorer,
    threshold: float | None,
    threshold_split: str | None,
) -> StepJudge | _Thresholded:
    """A verdict-giving judge; a scalar scorer gets its threshold here."""
    if isinstance(judge, StepJudge):
        if threshold is not None or threshold_split is not None:
            raise ValueError(f"{judge.name} gives verdicts, not scores: it takes no threshold")
        return judge
    if threshold_split is None:
        return _Thresholded(judge, 0.5 if threshold is None else threshold)
    if threshold is not None:
        raise ValueError("give a threshold or a split to choose it on, not both")
    if threshold_split == benchmark.split:
        raise ValueError("a threshold chosen on the reported split inflates it; pick another")
    from stepscore.benchmarks.catalog import load_benchmark

    selection = load_benchmark(benchmark.name, threshold_split)
    traces = list(selection.samples)
    scores = step_scores(judge, traces)
    choice = select_threshold(list(zip(scores, (_label(t) for t in traces), strict=True)))
    return _Thresholded(judge, choice.threshold)


def _sample_id(sample: Any) -> str:
    return str(sample.id)


# --- ProcessBench: earliest-error predictions -----------------------------------------


def _judge_traces(traces: Sequence[Trace], context: RunContext) -> list[Record]:
    judge = context.judge
    if isinstance(judge, _Thresholded):
        scores = step_scores(judge.scorer, traces)
        predictions = [earliest_error(s, judge.threshold) for s in scores]
        extra = [{"scores": s, "threshold": judge.threshold} for s in scores]
    else:
        predictions, extra = judge.judge(traces), [{} for _ in traces]
    return [
        {"id": t.id, "label": _label(t), "prediction": p, "match": p == _label(t), **x}
        for t, p, x in zip(traces, predictions, extra, strict=True)
    ]


def _calibration(records: list[Record], bins: int = 10) -> tuple[tuple[float, float, int], ...]:
    """Reliability bins over the steps whose correctness the labels say: ProcessBench
    labels the steps before the first error right, that step wrong, and no later one."""
    pairs = []
    for record in records:
        label, scores = record["label"], record["scores"]
        known = len(scores) if label == -1 else label + 1
        pairs += [(float(x), float(i != label)) for i, x in enumerate(scores[:known])]
    table = []
    for b in range(bins):
        members = [(x, y) for x, y in pairs if min(int(x * bins), bins - 1) == b]
        if members:
            mean = sum(x for x, _ in members) / len(members)
            table.append((mean, sum(y for _, y in members) / len(members), len(members)))
    return tuple(table)


def _label(trace: Trace) -> int:
    error = trace.first_error()
    return -1 if error is None else error


def _processbench_metrics(records: list[Record]) -> Figures:
    score = processbench_score([r["prediction"] for r in records], [r["label"] for r in records])
    metrics = {
        "error_acc": score.error_acc,
        "correct_acc": score.correct_acc,
        "f1": score.f1,
        "n_error": score.n_error,
        "n_correct": score.n_correct,
    }
    if "threshold" in records[0]:
        metrics["threshold"] = records[0]["threshold"]
    return Figures(metrics, calibration=_calibration(records) if "scores" in records[0] else ())


# --- PRMBench: step verdicts ----------------------------------------------------------


def _judge_prmbench(samples: Sequence[PRMBenchSample], context: RunContext) -> list[Record]:
    judge = context.judge
    traces = [s.trace() for s in samples]
    verdicts = judge.step_verdicts(traces)
    return [
        {
            "id": s.id,
            "classification": s.classification,
            "verdicts": v,
            "labels": [step.label is None or step.label >= 0.5 for step in t.steps],
        }
        for s, t, v in zip(samples, traces, verdicts, strict=True)
    ]


def _prmbench_metrics(records: list[Record]) -> Figures:
    score = prmbench_score(
        [v for r in records for v in r["verdicts"]], [y for r in records for y in r["labels"]]
    )
    return Figures(
        {
            "prm_score": score.score,
            "positive_f1": score.positive_f1,
            "negative_f1": score.negative_f1,
            "n_positive": score.n_positive,
            "n_negative": score.n_negative,
        }
    )


# --- labelled outputs: the math verifier against the labels ---------------------------


def _verify_pairs(pairs: Sequence[LabelledPair], context: RunContext) -> list[Record]:
    from stepscore.verifiers.math import MathVerifier

    with MathVerifier() as verifier:
        results = verifier.verify_batch([(p.prediction, p.reference) for p in pairs])
    return [
        {
            "id": p.id,
            "label": p.label,
            "verdict": r.correct,
            "status": r.status,
            "pred": r.pred,
            "gold": r.gold,
            "reason": r.reason,
        }
        for p, r in zip(pairs, results, strict=True)
    ]


def _agreement_metrics(records: list[Record]) -> Figures:
    agree = sum(r["verdict"] == r["label"] for r in records)
    return Figures(
        {
            "agreement": agree / len(records),
            "false_positives": sum(r["verdict"] and not r["label"] for r in records),
            "false_negatives": sum(r["label"] and not r["verdict"] for r in records),
            "disagreements": len(records) - agree,
        }
    )


# --- best-of-N: selection rules over stored rewards -----------------------------------


def _select(groups: Sequence[BestOfNGroup], context: RunContext) -> list[Record]:
    """Candidates are each group's extracted answers (``preds``) with their reward score;
    weighted voting needs non-negative weights, so scores (logits) pass a sigmoid."""
    records = []
    for group in groups:
        candidates = [
            (pred or None, float(score), bool(correct))
            for pred, score, correct in zip(group.preds, group.scores, group.correct, strict=True)
        ]
        majority = maj_at_k([c[0] for c in candidates], correct=[c[2] for c in candidates])
        weighted = weighted_best_of_n([(a, _sigmoid(s), c) for a, s, c in candidates])
        records.append(
            {
                "id": group.id,
                "gold": group.gold,
                "candidates": candidates,
                "majority": majority.answer,
                "majority_correct": majority.correct,
                "best_correct": best_of_n(candidates).correct,
                "weighted_correct": weighted.correct,
            }
        )
    return records


def _selection_metrics(records: list[Record]) -> Figures:
    problems = [[tuple(c) for c in r["candidates"]] for r in records]
    n = min(len(p) for p in problems)
    metrics = {
        f"maj@{n}": _mean(r["majority_correct"] for r in records),
        f"best_of_{n}": _mean(r["best_correct"] for r in records),
        f"weighted_best_of_{n}": _mean(r["weighted_correct"] for r in records),
        f"pass@{n}": _mean(any(c[2] for c in p) for p in problems),
        "pass@1": _mean(sum(c[2] for c in p) / len(p) for p in problems),
    }
    weighted = [[(a, _sigmoid(s), c) for a, s, c in p] for p in problems]
    curves = {
        "majority": _curve(problems, "majority"),
        "best-of-N (reward)": _curve(problems, "best"),
        "weighted (reward)": _curve(weighted, "weighted"),
        "oracle": _curve(problems, "oracle"),
    }
    return Figures(metrics, curves)


def _curve(problems: list[list[Any]], method: str) -> dict[int, float]:
    return {point.n: point.accuracy for point in selection_curve(problems, method)}  # type: ignore[arg-type]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _mean(values: Any) -> float:
    values = [float(v) for v in values]  # booleans count as 0/1
    return sum(values) / len(values)


# --- code: programs run against their tests in the sandbox -----------------------------


def _run_code(problems: Sequence[CodeProblem], context: RunContext) -> list[Record]:
    """Each problem's programs (model completions when given, else the reference
    solution) verified in the sandbox, two at a time; pass@k follows from the counts."""
    from concurrent.futures import ThreadPoolExecutor

    from stepscore.verifiers.code import verify_code

    jobs = []
    for problem in problems:
        given = context.completions.get(problem.id)
        programs = [_program(problem, c) for c in given] if given else [problem.reference_program]
        tests = list(problem.test_list) or [problem.test]
        setup = problem.setup if problem.test_list else ""
        jobs += [(problem.id, bool(given), program, tests, setup) for program in programs]
    with ThreadPoolExecutor(max_workers=_CODE_WORKERS) as pool:
        results = list(pool.map(lambda job: verify_code(job[2], job[3], setup=job[4]), jobs))
    records: dict[str, Record] = {}
    for (pid, given, *_), result in zip(jobs, results, strict=True):
        record = records.setdefault(
            pid,
            {
                "id": pid,
                "n": 0,
                "c": 0,
                "source": "completions" if given else "reference",
                "first_failure": None,
            },
        )
        record["n"] += 1
        record["c"] += result.passed
        if not result.passed and record["first_failure"] is None:
            record["first_failure"] = result.first_failure
    return [records[p.id] for p in problems]


def _code_metrics(records: list[Record]) -> Figures:
    n = min(r["n"] for r in records)
    metrics: dict[str, Any] = {
        f"pass@{k}": sum(pass_at_k(r["n"], r["c"], k) for r in records) / len(records)
        for k in (1, 10, 100)
        if k <= n
    }
    metrics["programs"] = sum(r["n"] for r in records)
    metrics["failing_problems"] = sum(r["c"] < r["n"] for r in records)
    return Figures(metrics)


def _program(problem: CodeProblem, completion: str) -> str:
    """A HumanEval completion continues its prompt; an MBPP one is the whole program."""
    return problem.prompt + completion if problem.prompt_kind == "code" else completion


def _resolve(
    judge: str | StepJudge | StepScorer | None,
) -> StepJudge | StepScorer:
    if judge is None:
        raise ValueError("a step-labelled benchmark needs a judge (--scorer), e.g. 'none'")
    if not isinstance(judge, str):
        return judge
    if judge in JUDGES:
        return get_judge(judge)
    try:  # a step scorer spec: hf:PATH, judge:URL#MODEL, min(checker-prm,hf:PATH), ...
        return load_scorer(judge)
    except UnknownNameError:
        raise UnknownNameError(
            "step judge or scorer", judge, [*sorted(JUDGES), *SCORER_FORMS[1:]]
        ) from None


RUNNERS: tuple[Runner, ...] = (
    Runner(Trace, _judge_traces, _processbench_metrics, needs_judge=True),
    Runner(PRMBenchSample, _judge_prmbench, _prmbench_metrics, needs_judge=True),
    Runner(LabelledPair, _verify_pairs, _agreement_metrics, system="stepscore verify_math"),
    Runner(BestOfNGroup, _select, _selection_metrics, system="stored reward scores"),
    Runner(CodeProblem, _run_code, _code_metrics, system="sandboxed tests"),
)
