"""A learned PRM and the model-free checker, alone and joined: ProcessBench F1 by error kind.

    python perf/prm_synthetic.py --out out/prm_synthetic     # trains the PRM (~5-10 min)
    python perf/prm_combined.py --model out/prm_synthetic/model [--heldout 1500]

The PRM of `perf/prm_synthetic.py` learns "operation" errors (a step's words say one
operation, its arithmetic does another), which the checker cannot see; the checker
refutes "arithmetic" slips, which a model that small does not learn to see. Held-out
traces here draw every error kind (`stepscore.prm.synthetic.ERROR_KINDS`), and three
scorers judge them at threshold 0.5: the PRM, `VerifierPRM` (refuted 0, verified 1,
unverifiable 0.6), and ``min(checker-prm, PRM)`` (`CombinedScorer`; there the checker
leaves the steps it cannot decide to the PRM). Prints ProcessBench accuracy on erroneous
samples per error kind, accuracy on correct samples, and F1.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stepscore.benchmarks.metrics import processbench_score
from stepscore.prm.combine import CombinedScorer
from stepscore.prm.synthetic import ERROR_KINDS, synthetic_traces
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import VerifierPRM


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("out/prm_synthetic/model"))
    parser.add_argument("--heldout", type=int, default=1500, help="held-out traces")
    parser.add_argument("--seed", type=int, default=11, help="held-out seed (not a training one)")
    parser.add_argument("--max-value", type=int, default=99)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not args.model.is_dir():
        print(f"no model at {args.model}: run perf/prm_synthetic.py --out {args.model.parent}")
        return 2

    import torch

    from stepscore.prm.hf import HFStepScorer

    torch.set_num_threads(args.threads)
    heldout = synthetic_traces(args.heldout, seed=args.seed, max_value=args.max_value)
    prm = HFStepScorer.from_pretrained(args.model, device="cpu", batch_size=64)
    joined = CombinedScorer([VerifierPRM(prior=None), prm])  # undecided steps: the PRM's
    scorers = {"PRM": prm, "checker-prm": VerifierPRM(), "min(checker, PRM)": joined}
    kinds = [_kind(t) for t in heldout]
    labels = [-1 if (e := t.first_error()) is None else e for t in heldout]
    print(f"{len(heldout)} held-out traces (seed {args.seed}); error kinds: " + ", ".join(
        f"{k} {kinds.count(k)}" for k in ERROR_KINDS
    ))  # fmt: skip
    header = "".join(f"{k:>16}" for k in ERROR_KINDS)
    print(f"{'scorer':>20}{header}{'correct':>10}{'F1':>8}")
    for name, scorer in scorers.items():
        predictions = [
            -1 if (e := s.first_below(0.5)) is None else e for s in scorer.score(heldout)
        ]
        board = processbench_score(predictions, labels)
        per_kind = "".join(
            f"{_share(predictions, labels, kinds, kind):>16.3f}" for kind in ERROR_KINDS
        )
        print(f"{name:>20}{per_kind}{board.correct_acc:>10.3f}{board.f1:>8.4f}")
    return 0


def _kind(trace: Trace) -> str | None:
    kind = trace.meta.get("synthetic", {}).get("error_kind")
    return kind if isinstance(kind, str) else None


def _share(predictions: list[int], labels: list[int], kinds: list[str | None], kind: str) -> float:
    """Accuracy (earliest error exactly) on the erroneous traces of one error kind."""
    picked = [(p, y) for p, y, k in zip(predictions, labels, kinds, strict=True) if k == kind]
    return sum(p == y for p, y in picked) / len(picked) if picked else float("nan")


if __name__ == "__main__":
    raise SystemExit(main())
