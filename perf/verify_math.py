"""Math verification: speed against Math-Verify, and agreement with labels, in one run.

    python perf/verify_math.py [--limit N] [--workers 1 2]

Pairs: GSM8K ``example_model_solutions.jsonl`` (5276 model solutions, ``is_correct``)
and ``bon/math_cot_100.jsonl`` (800 MATH responses, ``score``). For each set it prints:

- pairs/second of Math-Verify 0.9.0 used as its README shows (``parse`` the gold and the
  response, ``verify``), single process, in this process: the named baseline;
- pairs/second of stepscore's ``verify_math`` (verdict and parse caches cleared first, so
  only repeats within the set, such as a gold shared by 8 samples, hit a cache; one warm
  worker for the symbolic path) and the ratio to the baseline (targets: >= 5x on GSM8K,
  >= 2x on MATH);
- ``MathVerifier.verify_batch`` with 1, 2, ... workers and the speed-up over 1 worker
  (the cheap stage runs in the caller, so workers only pay off on the symbolic path:
  the last section measures them on MATH test golds against ``\frac{2(g)}{2}``
  rewrites that only sympy can decide);
- agreement of each verifier with the labels, and every pair where stepscore disagrees
  with the label;
- extraction without boxes: MATH test solutions with their ``\\boxed{}`` removed, graded
  against their own answers by each verifier (all are right).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from stepscore.benchmarks.labelled import LabelledPair, gsm8k_solution_pairs, math_bon_pairs
from stepscore.data_path import DATA_ENV, shared_data_dir
from stepscore.verifiers.deadline import DeadlinePool
from stepscore.verifiers.math import MathVerifier, extract_answer
from stepscore.verifiers.math.verify import clear_caches, needs_symbolic, warm_worker

TARGETS = {"gsm8k": 5.0, "math": 2.0}
T = TypeVar("T")


def math_verify_verdict(prediction: str, reference: str) -> bool:
    from math_verify import parse, verify

    gold = parse(reference if "\\boxed" in reference else f"${reference}$")
    return bool(verify(gold, parse(prediction)))


def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def line(label: str, n: int, seconds: float, extra: str = "") -> None:
    print(f"{label:32s} {n / seconds:9.1f} pairs/s   {extra}")


def batch_scaling(
    pairs: list[tuple[str, str]], workers: list[int], warm: list[tuple[str, str]]
) -> None:
    base = None
    for n in workers:
        clear_caches()
        with MathVerifier() as verifier:
            verifier.verify_batch(warm * n, workers=n)  # start every worker
            clear_caches()
            results, seconds = timed(verifier.verify_batch, pairs, workers=n)
        base = base or seconds
        equal = sum(r.correct for r in results)
        line(
            f"verify_batch workers={n}",
            len(pairs),
            seconds,
            f"speed-up {base / seconds:5.2f}x ({equal} equal)",
        )


def run_set(name: str, pairs: list[LabelledPair], workers: list[int]) -> None:
    labels = [p.label for p in pairs]
    print(f"\n== {name}: {len(pairs)} labelled pairs")

    theirs, t_theirs = timed(
        lambda: [math_verify_verdict(p.prediction, p.reference) for p in pairs]
    )
    line("Math-Verify 0.9.0 (baseline)", len(pairs), t_theirs)

    with DeadlinePool(1, initializer=warm_worker) as pool:
        verifier = MathVerifier(pool=pool)
        pool.run(len, "warm", deadline_s=60)
        clear_caches()
        ours, t_ours = timed(
            lambda: [verifier.verify(p.prediction, p.reference).correct for p in pairs]
        )
    ratio, target = t_theirs / t_ours, TARGETS[name]
    verdict = "meets" if ratio >= target else "MISSES"
    line(
        "stepscore verify_math",
        len(pairs),
        t_ours,
        f"ratio {ratio:6.2f}x (target >= {target:.0f}x: {verdict})",
    )
    batch_scaling([(p.prediction, p.reference) for p in pairs], workers, [("1", "1")])

    for who, verdicts in (("Math-Verify", theirs), ("stepscore", ours)):
        agree = sum(v == label for v, label in zip(verdicts, labels, strict=True))
        share = 100 * agree / len(pairs)
        print(f"agreement with labels: {who:12s} {agree}/{len(pairs)} = {share:.2f}%")
    for pair, verdict, their in zip(pairs, ours, theirs, strict=True):
        if verdict != pair.label:
            result = MathVerifier().verify(pair.prediction, pair.reference)
            print(f"  stepscore != label  {pair.id}  label={pair.label}  math_verify={their}")
            print(f"    pred={result.pred!r} gold={result.gold!r} ({result.reason})")


def symbolic_scaling(data: Path, workers: list[int]) -> None:
    golds = []
    for row in (data / "math" / "test.jsonl").open(encoding="utf-8"):
        answer = extract_answer(json.loads(row)["solution"], "boxed").answer
        if answer:
            golds.append(answer)
    pairs = [(f"\\frac{{2({g})}}{{2}}", g) for g in golds]
    pairs = [p for p in pairs if needs_symbolic(*p)]
    print(f"\n== symbolic path: {len(pairs)} MATH test golds g vs \\frac{{2(g)}}{{2}}")
    print("   (the pairs the cheap stage leaves to sympy)")
    warm = [(f"\\sin {k}x", f"\\cos {k}x") for k in range(2, 6)]
    batch_scaling(pairs, workers, warm)


def without_boxes(text: str) -> str:
    """``text`` with each balanced ``\\boxed{X}`` replaced by ``X``."""
    out, pos = [], 0
    while (box := text.find("\\boxed{", pos)) != -1:
        depth, end = 1, box + 7
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        out += [text[pos:box], text[box + 7 : end - 1]]
        pos = end
    return "".join(out) + text[pos:]


def unboxed_solutions(data: Path) -> None:
    """Extraction where no box marks the answer: MATH test reference solutions with their
    boxes removed (the answer is then a formula or number somewhere near the end),
    graded against their own boxed answers; every one is right, so a miss is an
    extraction (or comparison) miss."""
    rows = [json.loads(row) for row in (data / "math" / "test.jsonl").open(encoding="utf-8")]
    pairs = []
    for row in rows:
        gold = extract_answer(row["solution"], "boxed").answer
        if gold:
            pairs.append((without_boxes(row["solution"]), gold))
    clear_caches()
    ours = sum(MathVerifier().verify(p, g).correct for p, g in pairs)
    theirs = sum(math_verify_verdict(p, g) for p, g in pairs)
    print(f"\n== MATH test solutions, boxes removed: {len(pairs)} (all right)")
    print(f"graded right: Math-Verify  {theirs}/{len(pairs)} = {100 * theirs / len(pairs):.2f}%")
    print(f"graded right: stepscore    {ours}/{len(pairs)} = {100 * ours / len(pairs):.2f}%")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pairs per set")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    data = shared_data_dir()
    if data is None:
        print(f"shared data not found; set {DATA_ENV}", file=sys.stderr)
        return 2
    sets = {
        "gsm8k": gsm8k_solution_pairs(data / "gsm8k" / "example_model_solutions.jsonl"),
        "math": math_bon_pairs(data / "bon" / "math_cot_100.jsonl"),
    }
    for name, pairs in sets.items():
        run_set(name, pairs[: args.limit], args.workers)
    unboxed_solutions(data)
    symbolic_scaling(data, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
