"""`stepscore score` and `stepscore train-prm`: PRMs from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stepscore.commands.common import read_traces_arg, report_errors, write_lines
from stepscore.table import render_table

__all__ = ["score_command", "train_prm_command"]


def score_command(args: argparse.Namespace) -> int:
    from stepscore.prm.catalog import load_scorer

    traces, errors = read_traces_arg(args, args.file, resegment=False)
    scorer = load_scorer(args.scorer, family=args.family, device=args.device)
    results = scorer.score(traces, batch_size=args.batch_size)
    lines = ({"id": t.id, **r.to_dict()} for t, r in zip(traces, results, strict=True))
    if args.output is not None:
        from stepscore.jsonl import write_jsonl

        write_jsonl(lines, args.output)
    elif sys.stdout.isatty() if args.table is None else args.table:
        rows = [
            {
                "trace": t.id or f"#{n + 1}",
                "steps": len(t.steps),
                "scores": " ".join("-" if s is None else f"{s:.3f}" for s in r.scores),
                "aggregate": None if r.aggregate is None else round(r.aggregate, 4),
                "status": r.status,
            }
            for n, (t, r) in enumerate(zip(traces, results, strict=True))
        ]
        print(render_table(rows, max_width=70))
    else:
        write_lines(sys.stdout, lines)
    failed = sum(r.status == "error" for r in results)
    if failed:
        print(f"stepscore: {failed} of {len(results)} traces could not be scored", file=sys.stderr)
    return report_errors(errors, len(traces) + len(errors))


def train_prm_command(args: argparse.Namespace) -> int:
    from stepscore.prm.train import PRMTrainConfig, train_prm

    train, errors = read_traces_arg(args, args.file, resegment=False)
    held: list = []
    if args.eval is not None:
        held, eval_errors = read_traces_arg(args, args.eval, resegment=False)
        errors += eval_errors
    config = PRMTrainConfig(
        family=args.family,
        label_mode=args.label_mode,
        neutral=args.neutral,
        max_length=args.max_length,
        epochs=args.epochs,
        learning_rate=args.lr,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum,
        eval_every=args.eval_every,
        save_every=args.save_every,
        seed=args.seed,
    )
    result = train_prm(train, held or None, model=args.model, output_dir=args.out, config=config)
    curve = [
        {
            "step": p.step,
            "epoch": round(p.epoch, 3),
            "loss": None if p.loss is None else round(p.loss, 4),
            "eval F1": None if p.eval is None else round(p.eval.processbench_f1, 4),
            "eval step acc": None if p.eval is None else p.eval.step_accuracy,
        }
        for p in result.history
    ]
    print(render_table(curve))
    print(
        f"\ntrained on {result.train_traces} traces ({result.train_targets} step labels, "
        f"{result.skipped_traces} skipped) in {result.seconds:.1f} s; model in {Path(args.out)}"
    )
    return report_errors(errors, len(train) + len(held) + len(errors))
