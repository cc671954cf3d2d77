"""HFStepScorer speed: batched scoring vs one trace at a time, and vs a bare forward.

Same model, same traces (ProcessBench gsm8k, real model solutions), same run:

- (a) one at a time, as search-and-learn's PRM adapters and most ProcessBench scripts
  do: each trace tokenized and run alone (its Math-Shepherd adapter; the Qwen PRM model
  card); for the ``chat`` family, as its RLHFlow adapter (``_score_single``, after
  RLHFlow's own prm_evaluate.py) does, one forward per step over the conversation up to
  that step;
- (b) `HFStepScorer.score` (length-sorted batches under a token budget);
- (c) a bare batched forward: the same padded batches, prepared before the clock
  starts, through ``model(input_ids, attention_mask)`` and nothing else.

Targets (CPU): (b) >= 3x (a); (b) / (c) <= 1.15. For the language-model families
(``--family step-tag`` or ``chat``) the models get a 32,000-row LM head (``--lm-vocab``),
as Math-Shepherd's Mistral has: (a) and (c) compute it over every token, as upstream
scripts do, while (b) applies only its two label rows at the score tokens
(``--lm-vocab 4000``: a head no bigger than the tokenizer's, to see the rest alone). On a CPU a
token-classification forward is compute-bound, so batching gains little there; the
figures for both are in the issue notes. The model is a randomly initialized
Llama-style PRM (weights do not change the cost) with a tokenizer trained on the
traces, since nothing can be downloaded here; ``--model DIR`` scores with a real one.

    python perf/prm_score.py [--family token-classification] [--sizes 64x2,256x4]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import torch

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.prm.encode import TraceEncoder
from stepscore.prm.forward import pad_batch, plan_batches
from stepscore.prm.hf import HFStepScorer
from stepscore.prm.scratch import build_model, train_tokenizer

HEADS = {"token-classification": "token-classification", "two-class": "token-classification"}


def one_at_a_time(scorer: HFStepScorer, traces: list) -> float:
    """(a): the per-trace loop; returns seconds."""
    start = time.perf_counter()
    with torch.inference_mode():
        for trace in traces:
            encoded = scorer.encoder.encode([trace])[0]
            ids = torch.tensor([encoded.input_ids])
            out = scorer.model(input_ids=ids)
            logits = out.logits[0, list(encoded.positions)]
            if scorer.encoder.pair_ids is not None:
                logits = logits[:, list(scorer.encoder.pair_ids)]
            logits[:, :2].float().softmax(-1)[:, 1].tolist()
    return time.perf_counter() - start


def prefix_by_prefix(scorer: HFStepScorer, traces: list) -> float:
    """(a) for the chat family: a forward per step over the conversation so far, the
    score read at its last reply (search-and-learn's RLHFlow ``_score_single``)."""
    assert scorer.encoder.pair_ids is not None
    pair = list(scorer.encoder.pair_ids)
    start = time.perf_counter()
    with torch.inference_mode():
        for trace in traces:
            for k in range(len(trace.steps)):
                prefix = dataclasses.replace(trace, steps=trace.steps[: k + 1])
                encoded = scorer.encoder.encode([prefix])[0]
                out = scorer.model(input_ids=torch.tensor([encoded.input_ids]))
                out.logits[0, encoded.positions[-1], pair].float().softmax(-1)[1].item()
    return time.perf_counter() - start


def bare_forward(scorer: HFStepScorer, traces: list, batch_size: int) -> float:
    """(c): the batches (b) would run, padded beforehand; forward only."""
    encoded = scorer.encoder.encode(traces)
    batches = plan_batches(
        [len(e.input_ids) for e in encoded],
        batch_size=batch_size,
        batch_tokens=scorer.batch_tokens,
    )
    padded = [pad_batch([encoded[i] for i in b], scorer.pad_id) for b in batches]
    start = time.perf_counter()
    with torch.inference_mode():
        for ids, mask in padded:
            scorer.model(input_ids=ids, attention_mask=mask).logits  # noqa: B018
    return time.perf_counter() - start


def measure(scorer: HFStepScorer, traces: list, batch_size: int, repeats: int) -> None:
    steps = sum(len(t.steps) for t in traces)
    params = sum(p.numel() for p in scorer.model.parameters())
    print(f"\nfamily {scorer.family.name}, {params:,} parameters, batch size {batch_size}")
    scorer.score(traces[:8])  # warm-up
    best = {"a": float("inf"), "b": float("inf"), "c": float("inf")}
    for _ in range(repeats):
        baseline = prefix_by_prefix if scorer.family.name == "chat" else one_at_a_time
        best["a"] = min(best["a"], baseline(scorer, traces))
        start = time.perf_counter()
        scorer.score(traces, batch_size=batch_size)
        best["b"] = min(best["b"], time.perf_counter() - start)
        best["c"] = min(best["c"], bare_forward(scorer, traces, batch_size))
    for key, label in (
        ("a", "one at a time, upstream"),
        ("b", "HFStepScorer.score"),
        ("c", "bare batched forward"),
    ):
        print(f"  ({key}) {label:<22} {best[key]:7.3f} s  {steps / best[key]:9,.0f} steps/s")
    speedup, overhead = best["a"] / best["b"], best["b"] / best["c"]
    print(f"  (b) vs (a): {speedup:.2f}x (target >= 3x: {'met' if speedup >= 3 else 'MISSED'})")
    met = "met" if overhead <= 1.15 else "MISSED"
    print(f"  (b) / (c): {overhead:.3f} of the bare forward (target <= 1.15: {met})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="token-classification")
    parser.add_argument("--model", help="a saved PRM folder instead of random models")
    parser.add_argument("--split", default="gsm8k")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument(
        "--sizes", default="64x2,256x4", help="random models to measure: HIDDENxLAYERS,..."
    )
    parser.add_argument(
        "--lm-vocab", type=int, default=32000, help="LM head rows of step-tag/chat models"
    )
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    traces = list(load_benchmark("processbench", args.split, limit=args.limit).samples)
    steps = sum(len(t.steps) for t in traces)
    print(f"{len(traces)} ProcessBench {args.split} traces, {steps} steps; "
          f"torch threads {torch.get_num_threads()}")  # fmt: skip
    if args.model:
        measure(HFStepScorer.from_pretrained(args.model), traces, args.batch_size, args.repeats)
        return
    tok = train_tokenizer([t.prompt + "\n" + t.text for t in traces], vocab_size=4000)
    tokens = sum(len(e.input_ids) for e in TraceEncoder(tok, args.family).encode(traces))
    print(f"{tokens} tokens with a BPE tokenizer trained on them (vocabulary 4000)")
    for size in args.sizes.split(","):
        hidden, layers = (int(v) for v in size.split("x"))
        head = HEADS.get(args.family, "causal-lm")
        vocab = args.lm_vocab if head == "causal-lm" else None
        model = build_model(tok, head, hidden_size=hidden, layers=layers, vocab_size=vocab)
        model.eval()
        scorer = HFStepScorer(model, tok, family=args.family)
        measure(scorer, traces, args.batch_size, args.repeats)


if __name__ == "__main__":
    main()
