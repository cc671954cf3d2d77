"""Step scorers joined step by step (issue 6, item 5: the checker with a learned PRM)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from stepscore.errors import UnknownNameError
from stepscore.prm import StepScores, load_scorer
from stepscore.prm.combine import CombinedScorer
from stepscore.reasoning import segment
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import VerifierPRM


class _Fixed:
    """A stand-in for a learned PRM: the given scores (or statuses) per trace."""

    def __init__(self, name: str, results: Sequence[StepScores]) -> None:
        self.name = name
        self.results = list(results)

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        return self.results[: len(traces)]


_TRACE = segment("3 + 4 = 7\nSo we wait.\n7 * 2 = 15")  # verified, unverifiable, refuted


def test_min_lets_a_refutation_pull_a_step_down_and_the_prm_judge_the_rest() -> None:
    prm = _Fixed("prm", [StepScores.of([0.9, 0.3, 0.8])])
    (joined,) = CombinedScorer([VerifierPRM(prior=1.0), prm]).score([_TRACE])
    assert joined.scores == (0.9, 0.3, 0.0) and joined.aggregate == 0.0
    assert joined.status == "ok" and joined.first_below(0.5) == 1
    (mean,) = CombinedScorer([VerifierPRM(prior=1.0), prm], join="mean").score([_TRACE])
    assert mean.scores == pytest.approx((0.95, 0.65, 0.4))
    (top,) = CombinedScorer([VerifierPRM(prior=1.0), prm], join="max", how="mean").score([_TRACE])
    assert top.scores == (1.0, 1.0, 0.8) and top.aggregate == pytest.approx(2.8 / 3)


def test_unscored_steps_take_the_other_scores_and_failures_are_noted() -> None:
    truncated = StepScores.of([0.2, None, None], status="truncated", detail="cut at step 1")
    (joined,) = CombinedScorer([_Fixed("a", [truncated]), VerifierPRM()]).score([_TRACE])
    assert joined.scores == (0.2, 0.6, 0.0) and joined.status == "ok"
    both_cut = [_Fixed("a", [truncated]), _Fixed("b", [truncated])]
    (cut,) = CombinedScorer(both_cut, join="prod").score([_TRACE])
    assert cut.scores == pytest.approx((0.04, None, None)) and cut.status == "truncated"
    failed = _Fixed("broken", [StepScores.failed(3, "server down")])
    (kept,) = CombinedScorer([failed, VerifierPRM()]).score([_TRACE])
    assert kept.scores == (1.0, 0.6, 0.0) and "broken: server down" in kept.detail
    (lost,) = CombinedScorer([failed, failed]).score([_TRACE])
    assert lost.status == "error" and lost.scores == (None, None, None)
    short = _Fixed("short", [StepScores.of([0.5, 0.5])])
    (wrong,) = CombinedScorer([short, VerifierPRM()]).score([_TRACE])
    assert wrong.status == "error" and "disagree on the steps: 2, 3 for 3" in wrong.detail


def test_load_scorer_reads_joins_nested_and_bad_specs_raise() -> None:
    scorer = load_scorer(" min( checker-prm , mean(checker-prm,checker-prm) ) ")
    assert isinstance(scorer, CombinedScorer) and scorer.join == "min"
    assert scorer.name == "min(checker-prm,mean(checker-prm,checker-prm))"
    # inside a join the checker leaves what it cannot decide to the others
    assert scorer.score([_TRACE])[0].scores == (1.0, None, 0.0)
    prm = _Fixed("prm", [StepScores.of([0.9, 0.8, 0.7])])
    (capped,) = CombinedScorer([VerifierPRM(), prm]).score([_TRACE])
    (joined,) = CombinedScorer([VerifierPRM(prior=None), prm]).score([_TRACE])
    assert capped.scores == (0.9, 0.6, 0.0) and joined.scores == (0.9, 0.8, 0.0)
    assert load_scorer("min(checker-prm)", prior=0.6).score([_TRACE])[0].scores[1] == 0.6
    for bad in ("min(checker-prm,)", "min(checker-prm))(", "min()"):
        with pytest.raises(ValueError):
            load_scorer(bad)
    with pytest.raises(UnknownNameError):
        load_scorer("min(checker-prm,chekcer-prm)")
    with pytest.raises(ValueError, match="join must be"):
        CombinedScorer([VerifierPRM()], join="median")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CombinedScorer([])


def test_bench_takes_scorer_specs_as_well_as_judge_names(shared_data) -> None:  # type: ignore[no-untyped-def]
    from stepscore.benchmarks.catalog import load_benchmark
    from stepscore.benchmarks.runners import run_benchmark

    benchmark = load_benchmark("processbench", "gsm8k")
    joined, _ = run_benchmark(benchmark, judge="min(checker-prm,checker-prm)")
    alone, _ = run_benchmark(benchmark, judge="checker-prm")
    assert joined.config["scorer"] == "min(checker-prm,checker-prm)@0.5"
    assert joined.metrics["f1"] == alone.metrics["f1"] > 0.2
    with pytest.raises(UnknownNameError, match=r"step judge or scorer.*hf:PATH"):
        run_benchmark(benchmark, judge="chekcer")
