"""Runners: evaluate something on a loaded benchmark and return the figures.

Which runner applies follows from what the benchmark's samples are, not from its name:
step-labelled `Trace`s are judged by a `StepJudge` (ProcessBench F1), PRMBench samples
by its step verdicts (PRMScore), labelled
(prediction, reference) pairs test a math verifier (agreement with the labels),
best-of-N groups are scored by selection rules (maj@k, best-of-N by the stored reward,
the oracle). Each runner returns the headline metrics, optional curves over N, and one
JSON-compatible record per sample for the report.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stepscore import __version__
from stepscore.benchmarks.benchmark import Benchmark
from stepscore.benchmarks.judges import StepJudge, get_judge
from stepscore.benchmarks.labelled import LabelledPair
from stepscore.benchmarks.metrics import (
    best_of_n,
    maj_at_k,
    prmbench_score,
    processbench_score,
    selection_curve,
    weighted_best_of_n,
)
from stepscore.benchmarks.report import BenchResult
from stepscore.benchmarks.samples import BestOfNGroup, PRMBenchSample
from stepscore.reasoning.trace import Trace

__all__ = ["ANCHORS", "RunOutput", "run_benchmark"]

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


@dataclass(frozen=True)
class RunOutput:
    """A runner's figures and per-sample records."""

    metrics: dict[str, float | int | None]
    samples: list[dict[str, Any]]
    curves: dict[str, dict[int, float]] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)


def run_benchmark(
    benchmark: Benchmark, *, judge: str | StepJudge | None = None, seed: int | None = None
) -> tuple[BenchResult, list[dict[str, Any]]]:
    """Run the runner that fits ``benchmark``'s samples; the result and sample records."""
    if not benchmark.samples:
        raise ValueError(f"{benchmark.name}/{benchmark.split} has no samples to evaluate")
    kind = type(benchmark.samples[0])
    runner = next((r for t, r in _RUNNERS if issubclass(kind, t)), None)
    if runner is None:
        raise ValueError(
            f"nothing to evaluate on {benchmark.name}: its samples ({kind.__name__}) carry "
            "no model outputs; evaluate generated responses against them instead"
        )
    started = time.perf_counter()
    output = runner(benchmark.samples, judge)
    result = BenchResult(
        benchmark=benchmark.name,
        split=benchmark.split,
        version=benchmark.version,
        stepscore_version=__version__,
        n=len(benchmark.samples),
        metrics=output.metrics,
        config={**output.config, "source": benchmark.source, "limit": benchmark.limit},
        seed=seed,
        wall_s=round(time.perf_counter() - started, 3),
        anchors=ANCHORS.get((benchmark.name, benchmark.split), {}),
        curves=output.curves,
    )
    return result, output.samples


def _judged(traces: Sequence[Trace], judge: str | StepJudge | None) -> RunOutput:
    """ProcessBench: the judge's earliest-error predictions against the labels."""
    judge = _resolve(judge)
    predictions = judge.judge(traces)
    labels = [-1 if (e := t.first_error()) is None else e for t in traces]
    score = processbench_score(predictions, labels)
    samples = [
        {"id": t.id, "label": y, "prediction": p, "match": p == y, "steps": len(t.steps)}
        for t, p, y in zip(traces, predictions, labels, strict=True)
    ]
    metrics = {
        "error_acc": score.error_acc,
        "correct_acc": score.correct_acc,
        "f1": score.f1,
        "n_error": score.n_error,
        "n_correct": score.n_correct,
    }
    return RunOutput(metrics, samples, config={"scorer": judge.name})


def _prmbench(samples: Sequence[PRMBenchSample], judge: str | StepJudge | None) -> RunOutput:
    """PRMBench: step verdicts on the modified solutions, PRMScore over all steps."""
    judge = _resolve(judge)
    traces = [s.trace() for s in samples]
    verdicts = judge.step_verdicts(traces)
    labels = [[s.label is None or s.label >= 0.5 for s in t.steps] for t in traces]
    score = prmbench_score([v for vs in verdicts for v in vs], [y for ys in labels for y in ys])
    rows = [
        {"id": s.id, "classification": s.classification, "verdicts": v, "labels": y}
        for s, v, y in zip(samples, verdicts, labels, strict=True)
    ]
    metrics = {
        "prm_score": score.score,
        "positive_f1": score.positive_f1,
        "negative_f1": score.negative_f1,
        "n_positive": score.n_positive,
        "n_negative": score.n_negative,
    }
    return RunOutput(metrics, rows, config={"scorer": judge.name})


def _agreement(pairs: Sequence[LabelledPair], judge: object) -> RunOutput:
    """Labelled model outputs: stepscore's math verifier against the labels."""
    from stepscore.verifiers.math import MathVerifier

    with MathVerifier() as verifier:
        results = verifier.verify_batch([(p.prediction, p.reference) for p in pairs])
    samples = [
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
    agree = sum(s["verdict"] == s["label"] for s in samples)
    metrics = {
        "agreement": agree / len(samples),
        "false_positives": sum(s["verdict"] and not s["label"] for s in samples),
        "false_negatives": sum(s["label"] and not s["verdict"] for s in samples),
        "disagreements": len(samples) - agree,
    }
    return RunOutput(metrics, samples, config={"system": "stepscore verify_math"})


def _best_of_n(groups: Sequence[BestOfNGroup], judge: object) -> RunOutput:
    """Best-of-N on sampled responses with stored correctness and reward scores.

    Candidates are each group's extracted answers (``preds``) with their reward score;
    weighted voting needs non-negative weights, so scores (logits) pass a sigmoid.
    """
    problems = [_candidates(g) for g in groups]
    n = min(len(g.responses) for g in groups)
    rows = []
    for group, candidates in zip(groups, problems, strict=True):
        majority = maj_at_k([c[0] for c in candidates], correct=[c[2] for c in candidates])
        best = best_of_n(candidates)
        weighted = weighted_best_of_n([(a, _sigmoid(s), c) for a, s, c in candidates])
        rows.append(
            {
                "id": group.id,
                "gold": group.gold,
                "majority": majority.answer,
                "majority_correct": majority.correct,
                "best": best.answer,
                "best_correct": best.correct,
                "weighted_correct": weighted.correct,
                "any_correct": any(group.correct),
                "mean_correct": sum(group.correct) / len(group.correct),
            }
        )
    metrics = {
        f"maj@{n}": _mean(r["majority_correct"] for r in rows),
        f"best_of_{n}": _mean(r["best_correct"] for r in rows),
        f"weighted_best_of_{n}": _mean(r["weighted_correct"] for r in rows),
        f"pass@{n}": _mean(r["any_correct"] for r in rows),
        "pass@1": _mean(r["mean_correct"] for r in rows),
    }
    sigmoid_problems = [[(a, _sigmoid(s), c) for a, s, c in p] for p in problems]
    curves = {
        "majority": _curve(problems, "majority"),
        "best-of-N (reward)": _curve(problems, "best"),
        "weighted (reward)": _curve(sigmoid_problems, "weighted"),
        "oracle": _curve(problems, "oracle"),
    }
    return RunOutput(metrics, rows, curves, config={"system": "stored reward scores"})


def _resolve(judge: str | StepJudge | None) -> StepJudge:
    if judge is None:
        raise ValueError("a step-labelled benchmark needs a judge (--scorer), e.g. 'none'")
    return get_judge(judge) if isinstance(judge, str) else judge


def _candidates(group: BestOfNGroup) -> list[tuple[str | None, float, bool]]:
    return [
        (pred or None, float(score), bool(correct))
        for pred, score, correct in zip(group.preds, group.scores, group.correct, strict=True)
    ]


def _curve(problems: list[list[tuple[str | None, float, bool]]], method: str) -> dict[int, float]:
    return {point.n: point.accuracy for point in selection_curve(problems, method)}  # type: ignore[arg-type]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _mean(values: Any) -> float:
    values = [float(v) for v in values]  # booleans count as 0/1
    return sum(values) / len(values)


_RUNNERS: list[tuple[type, Callable[[Any, Any], RunOutput]]] = [
    (Trace, _judged),
    (PRMBenchSample, _prmbench),
    (LabelledPair, _agreement),
    (BestOfNGroup, _best_of_n),
]
