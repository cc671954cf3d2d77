"""Runners and reports, checked against direct computations from the data files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.report import BenchResult, rebuild, write_report
from stepscore.benchmarks.runners import run_benchmark
from stepscore.cli import main
from stepscore.prm.scores import StepScores


def _bon_rows(shared_data: Path) -> list[dict]:
    path = shared_data / "bon" / "math_cot_100.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_math_bon_figures_equal_a_direct_computation(shared_data: Path) -> None:
    rows = _bon_rows(shared_data)
    result, samples = run_benchmark(load_benchmark("math-bon"))
    scores = [s for r in rows for s in r["score"]]
    assert result.metrics["pass@1"] == pytest.approx(sum(scores) / len(scores))
    assert result.metrics["pass@8"] == pytest.approx(sum(any(r["score"]) for r in rows) / len(rows))
    best = [r["score"][max(range(8), key=lambda k: (r["pred_score"][k][0], -k))] for r in rows]
    assert result.metrics["best_of_8"] == pytest.approx(sum(best) / len(rows))
    majority = []
    for r in rows:  # plain string votes; ties to the answer seen first
        counts = Counter(r["pred"])
        top = max(counts.values())
        winner = next(p for p in r["pred"] if counts[p] == top)
        majority.append(r["score"][r["pred"].index(winner)])
    assert result.metrics["maj@8"] == pytest.approx(sum(majority) / len(rows))
    assert len(samples) == 100
    assert result.curves["oracle"][8] == result.metrics["pass@8"]


def test_processbench_floor_and_ceiling(shared_data: Path) -> None:
    benchmark = load_benchmark("processbench", "gsm8k")
    floor, _ = run_benchmark(benchmark, judge="none")
    ceiling, samples = run_benchmark(benchmark, judge="oracle")
    assert (floor.metrics["f1"], floor.metrics["correct_acc"]) == (0.0, 1.0)
    assert (ceiling.metrics["f1"], ceiling.metrics["error_acc"]) == (1.0, 1.0)
    assert (ceiling.metrics["n_error"], ceiling.metrics["n_correct"]) == (207, 193)
    assert all(s["match"] for s in samples)
    assert "Qwen2.5-Math-PRM-7B" in ceiling.anchors
    with pytest.raises(ValueError, match="judge"):
        run_benchmark(benchmark)


def test_verifier_agreement_runner(shared_data: Path) -> None:
    result, _ = run_benchmark(load_benchmark("math-bon", limit=3))
    assert result.n == 3
    pairs = load_benchmark("gsm8k-solutions", limit=40)
    agreement, rows = run_benchmark(pairs)
    assert agreement.metrics["agreement"] == 1.0 and len(rows) == 40
    assert agreement.config["limit"] == 40


def test_report_files_and_rebuild(tmp_path: Path, shared_data: Path) -> None:
    result, samples = run_benchmark(load_benchmark("processbench", "math"), judge="oracle")
    written = write_report(tmp_path, result, samples)
    names = {p.name for p in written}
    assert {"samples.jsonl", "summary.json", "report.md", "metrics.png"} <= names
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert BenchResult.from_dict(summary) == result
    assert summary["version"].startswith("v1+sha256:") and summary["stepscore_version"]
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| oracle |" in markdown and "Skywork-PRM-7B (published)" in markdown
    (tmp_path / "report.md").unlink()
    assert {p.name for p in rebuild(tmp_path)} >= {"report.md", "metrics.png"}
    assert (tmp_path / "metrics.png").read_bytes()[:4] == b"\x89PNG"


def test_bench_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_data: Path
) -> None:
    assert main(["bench", "--list"]) == 0
    assert "processbench" in capsys.readouterr().out
    out = tmp_path / "run"
    assert (
        main(["bench", "processbench", "--split", "gsm8k", "--scorer", "none", "--out", str(out)])
        == 0
    )
    assert "| none |" in capsys.readouterr().out
    assert main(["report", str(out)]) == 0
    assert main(["bench", "procesbench"]) == 2
    assert "did you mean 'processbench'" in capsys.readouterr().err
    assert main(["bench", "processbench", "--scorer", "oracel"]) == 2
    assert "did you mean 'oracle'" in capsys.readouterr().err
    assert main(["bench", "processbench"]) == 2  # a step-labelled benchmark needs a judge
    assert "needs a judge" in capsys.readouterr().err
    assert main(["bench", "gsm8k"]) == 2  # problems without model outputs: nothing to score
    assert "nothing to evaluate" in capsys.readouterr().err


def test_prmbench_runner(shared_data: Path) -> None:
    benchmark = load_benchmark("prmbench", "sample")
    oracle, rows = run_benchmark(benchmark, judge="oracle")
    none, _ = run_benchmark(benchmark, judge="none")
    assert oracle.metrics["prm_score"] == 1.0 and len(rows) == 24
    positives, negatives = none.metrics["n_positive"], none.metrics["n_negative"]
    assert positives + negatives == sum(len(s.steps) for s in benchmark.samples)
    expected_positive_f1 = 2 * positives / (2 * positives + negatives)  # every step called right
    assert none.metrics["positive_f1"] == pytest.approx(expected_positive_f1)
    assert none.metrics["negative_f1"] == 0.0
    assert none.metrics["prm_score"] == pytest.approx(0.5 * expected_positive_f1)


class _CountingOracle:
    """The label oracle, counting the traces it is asked about."""

    name = "counting-oracle"

    def __init__(self) -> None:
        self.seen = 0

    def judge(self, traces):  # type: ignore[no-untyped-def]
        self.seen += len(traces)
        return [-1 if (e := t.first_error()) is None else e for t in traces]

    def step_verdicts(self, traces):  # type: ignore[no-untyped-def]
        raise NotImplementedError


def test_a_stopped_run_resumes_from_its_records(tmp_path: Path, shared_data: Path) -> None:
    benchmark = load_benchmark("processbench", "gsm8k", limit=150)
    first = _CountingOracle()
    full, _ = run_benchmark(benchmark, judge=first, out=tmp_path, progress=False)
    assert first.seen == 150
    lines = (tmp_path / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 150
    # a crash after 70 records, in the middle of writing the 71st
    (tmp_path / "samples.jsonl").write_text(
        "\n".join(lines[:70]) + '\n{"id": "gsm', encoding="utf-8"
    )
    again = _CountingOracle()
    resumed, records = run_benchmark(benchmark, judge=again, out=tmp_path, progress=False)
    assert again.seen == 80
    assert resumed.metrics == full.metrics and len(records) == 150
    other = load_benchmark("processbench", "gsm8k", limit=100)  # a different setup starts afresh
    fresh = _CountingOracle()
    run_benchmark(other, judge=fresh, out=tmp_path, progress=False)
    assert fresh.seen == 100


class _ConfidentScores:
    """A scalar scorer that scores labelled-right steps 0.8, the wrong one 0.2, later 0.5."""

    name = "confident"

    def score(self, traces, *, batch_size=None):  # type: ignore[no-untyped-def]
        out = []
        for trace in traces:
            error = trace.first_error()
            values = [
                0.8 if error is None or i < error else 0.2 if i == error else 0.5
                for i in range(len(trace.steps))
            ]
            out.append(StepScores.of(values))
        return out


def test_scalar_scorer_thresholds_and_calibration(tmp_path: Path, shared_data: Path) -> None:
    gsm8k = load_benchmark("processbench", "gsm8k")
    fixed, records = run_benchmark(gsm8k, judge=_ConfidentScores(), threshold=0.5)
    assert fixed.metrics["f1"] == 1.0 and fixed.metrics["threshold"] == 0.5
    assert records[0]["scores"] and fixed.config["scorer"] == "confident@0.5"
    assert {round(score, 1): frac for score, frac, _ in fixed.calibration} == {0.2: 0.0, 0.8: 1.0}
    too_low, _ = run_benchmark(gsm8k, judge=_ConfidentScores(), threshold=0.1)
    assert too_low.metrics["f1"] == 0.0  # nothing flagged
    chosen, _ = run_benchmark(gsm8k, judge=_ConfidentScores(), threshold_split="math")
    assert chosen.metrics["f1"] == 1.0 and 0.2 < chosen.metrics["threshold"] <= 0.8
    assert chosen.config["threshold_split"] == "math"
    with pytest.raises(ValueError, match="inflates"):
        run_benchmark(gsm8k, judge=_ConfidentScores(), threshold_split="gsm8k")
    with pytest.raises(ValueError, match="no threshold"):
        run_benchmark(gsm8k, judge="oracle", threshold=0.5)
    written = write_report(tmp_path, fixed, records)
    assert "calibration.png" in {p.name for p in written}


def test_checker_as_judge_and_as_scalar_scorer(shared_data: Path) -> None:
    benchmark = load_benchmark("processbench", "gsm8k")
    judged, _ = run_benchmark(benchmark, judge="checker")
    scored, _ = run_benchmark(benchmark, judge="checker-prm", threshold=0.5)
    assert judged.metrics["correct_acc"] == 1.0  # no false alarm on correct samples
    assert scored.metrics["f1"] == judged.metrics["f1"]  # refuted 0 < 0.5 <= the prior


def test_humaneval_reference_solutions_all_pass(shared_data: Path) -> None:
    """Issue 4 acceptance: all 164 canonical solutions pass their tests in the sandbox."""
    result, records = run_benchmark(load_benchmark("humaneval"))
    assert result.metrics["pass@1"] == 1.0 and result.metrics["programs"] == 164
    assert [r for r in records if r["c"] != r["n"]] == []


@pytest.mark.slow
def test_mbpp_reference_solutions_all_pass(shared_data: Path) -> None:
    result, records = run_benchmark(load_benchmark("mbpp", "full"))
    failing = [(r["id"], r["first_failure"]) for r in records if r["c"] != r["n"]]
    assert failing == [] and result.metrics["programs"] == 974


def test_pass_at_k_over_completions(shared_data: Path) -> None:
    benchmark = load_benchmark("humaneval", limit=2)
    first, second = benchmark.samples
    completions = {
        first.id: [first.solution, "    return None\n"],
        second.id: ["    raise ValueError\n", "    pass\n"],
    }
    result, records = run_benchmark(benchmark, completions=completions)
    assert [(r["n"], r["c"]) for r in records] == [(2, 1), (2, 0)]
    assert result.metrics["pass@1"] == pytest.approx(0.25)
    assert result.config["completions"] == 4
