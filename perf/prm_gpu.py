"""PRM throughput and memory on a GPU: a ~0.5B-parameter model, randomly initialized.

Builds a Qwen2-0.5B-sized Llama-style model (hidden 1024, 24 layers) from a config
with a tokenizer trained on ProcessBench text (nothing is downloaded), in bf16 on
CUDA, and measures:

- scoring: `HFStepScorer.score` over ProcessBench gsm8k + math (tokens/s, steps/s,
  peak memory), and the same traces one at a time;
- training: `train_prm` optimizer steps on the same traces (tokens/s, peak memory).

    python perf/prm_gpu.py [--limit 400] [--train-steps 20]

Exits with a message when no CUDA device is present.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time

import torch

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.prm.hf import HFStepScorer
from stepscore.prm.scratch import build_model, train_tokenizer
from stepscore.prm.train import PRMTrainConfig, train_prm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--train-steps", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--layers", type=int, default=24)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to measure", file=sys.stderr)
        return 1
    traces = [
        t
        for split in ("gsm8k", "math")
        for t in load_benchmark("processbench", split, limit=args.limit // 2).samples
    ]
    tok = train_tokenizer([t.prompt + "\n" + t.text for t in traces], vocab_size=16000)
    model = build_model(
        tok, "token-classification", hidden_size=args.hidden, layers=args.layers, heads=16,
        max_positions=8192,
    )  # fmt: skip
    model = model.to("cuda", dtype=torch.bfloat16).eval()
    params = sum(p.numel() for p in model.parameters())
    scorer = HFStepScorer(model, tok, batch_size=args.batch_size, batch_tokens=65536)
    tokens = sum(len(e.input_ids) for e in scorer.encoder.encode(traces))
    steps = sum(len(t.steps) for t in traces)
    print(f"{torch.cuda.get_device_name()}: {params / 1e6:.0f}M parameters, bf16; "
          f"{len(traces)} traces, {steps} steps, {tokens} tokens")  # fmt: skip
    scorer.score(traces[:16])
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    scorer.score(traces)
    torch.cuda.synchronize()
    batched = time.perf_counter() - start
    peak = torch.cuda.max_memory_allocated() / 2**30
    start = time.perf_counter()
    for trace in traces:
        scorer.score([trace])
    torch.cuda.synchronize()
    single = time.perf_counter() - start
    print(f"score batched: {tokens / batched:,.0f} tokens/s, {steps / batched:,.0f} steps/s, "
          f"peak {peak:.2f} GiB")  # fmt: skip
    print(f"score one at a time: {tokens / single:,.0f} tokens/s ({single / batched:.1f}x slower)")

    model = model.float().train()
    torch.cuda.reset_peak_memory_stats()
    config = PRMTrainConfig(
        learning_rate=1e-5, max_steps=args.train_steps, batch_size=8, bf16=True,
        max_length=2048, logging_steps=5,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        result = train_prm(traces, model=model, tokenizer=tok, output_dir=out, config=config)
    used = result.global_steps * 8
    mean_tokens = tokens / len(traces)
    print(f"train: {result.global_steps} steps in {result.seconds:.1f} s, "
          f"~{used * mean_tokens / result.seconds:,.0f} tokens/s, "
          f"peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
