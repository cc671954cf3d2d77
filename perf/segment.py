"""Segmentation throughput (MB/s of UTF-8 text), CoT and PoT, on real traces.

    python perf/segment.py [--seconds 3]

CoT: the 1319 GSM8K test solutions, one `segment()` call each (the per-call cost is
what an RL loop or a data pipeline pays). PoT: the program-of-thought GSM8K
programs in ../shared/data/traces/pot. Each line prints MB/s and the ratio to a named
baseline run in the same process: a bare ``str.split`` on the same texts, which finds
pieces but no spans, no protected regions and no step objects. The issue's target for
CoT is >= 20 MB/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from stepscore.data_path import DATA_ENV, shared_data_dir
from stepscore.reasoning import segment

TARGET_COT_MB_S = 20.0


def throughput(texts: list[str], fn: Callable[[str], object], seconds: float) -> float:
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    rounds, started = 0, time.perf_counter()
    while rounds == 0 or time.perf_counter() - started < seconds:
        for text in texts:
            fn(text)
        rounds += 1
    return size_mb * rounds / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args()
    data = shared_data_dir()
    if data is None:
        print(f"shared data not found; set {DATA_ENV}", file=sys.stderr)
        return 2
    cot = [
        json.loads(line)["answer"]
        for line in (data / "gsm8k" / "test.jsonl").open(encoding="utf-8")
    ]
    pot = []
    for path in sorted((data / "traces" / "pot").glob("gsm8K*.jsonl")):
        for line in path.open(encoding="utf-8"):
            generated = json.loads(line).get("generated")
            if generated:
                pot.append(generated[0] if isinstance(generated, list) else generated)
    print(
        f"CoT: {len(cot)} GSM8K solutions, {sum(map(len, cot)) / 1e6:.2f} MB; "
        f"PoT: {len(pot)} programs"
    )
    cases = [
        ("CoT segment(kind='cot')", cot, lambda t: segment(t, "cot"), lambda t: t.split("\n")),
        ("CoT segment(kind='auto')", cot, segment, lambda t: t.split("\n")),
        ("PoT segment(kind='pot')", pot, lambda t: segment(t, "pot"), lambda t: t.split("\n")),
    ]
    for name, texts, fn, baseline in cases:
        ours = throughput(texts, fn, args.seconds)
        base = throughput(texts, baseline, args.seconds)
        print(
            f"{name:28s} {ours:8.2f} MB/s   baseline str.split {base:8.2f} MB/s   "
            f"ratio {ours / base:.3f}"
        )
    cot_speed = throughput(cot, lambda t: segment(t, "cot"), args.seconds)
    verdict = "meets" if cot_speed >= TARGET_COT_MB_S else "MISSES"
    print(
        f"CoT target {TARGET_COT_MB_S:.0f} MB/s: {cot_speed:.2f} MB/s "
        f"({cot_speed / TARGET_COT_MB_S:.2f}x target) {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
