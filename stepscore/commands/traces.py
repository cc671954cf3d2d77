"""`stepscore eval`, `segment` and `check`: traces in, judgements out."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from stepscore import __version__
from stepscore.commands.common import read_traces_arg, report_errors, write_lines
from stepscore.evaluate import EvalRecord, evaluate_trace, summarize
from stepscore.jsonl import write_jsonl
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace
from stepscore.samples import sample_traces_path
from stepscore.table import render_table

__all__ = ["check_command", "eval_command", "segment_command"]


def segment_command(args: argparse.Namespace) -> int:
    traces, errors = read_traces_arg(args, args.file, resegment=True)
    as_table = (
        sys.stdout.isatty() if args.table is None and args.output is None else bool(args.table)
    )
    if args.output is not None:
        write_jsonl((t.to_dict() for t in traces), args.output)
    elif as_table:
        rows = [
            {
                "trace": t.id or f"#{n + 1}",
                "step": s.index,
                "kind": s.kind,
                "round": s.round,
                "span": f"{s.start}-{s.end}",
                "text": s.text,
            }
            for n, t in enumerate(traces)
            for s in t.steps
        ]
        print(render_table(rows, max_width=70))
    else:
        write_lines(sys.stdout, (t.to_dict() for t in traces))
    return report_errors(errors, len(traces) + len(errors))


def eval_command(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    path = args.file or str(sample_traces_path())
    started = time.perf_counter()
    traces, errors = read_traces_arg(args, path, resegment=False)
    if args.limit is not None:
        traces = traces[: max(args.limit, 0)]
    from stepscore.verifiers.math import MathVerifier

    verifier = MathVerifier()
    progress = tqdm(traces, desc="eval", unit="trace", file=sys.stderr, disable=None, leave=False)
    records: list[EvalRecord] = [
        evaluate_trace(trace, position=n, verifier=verifier) for n, trace in enumerate(progress)
    ]
    summary = summarize(records, input_errors=len(errors))
    scored = _scores(args, traces)
    rows = [_row(r) for r in records]
    for row, result in zip(rows, scored or (), strict=False):
        row["PRM score"] = None if result.aggregate is None else round(result.aggregate, 3)
        row["first < 0.5"] = result.first_below(0.5) if result.status != "error" else "error"
    print(render_table(rows))
    print()
    print(
        render_table(
            [{"metric": k, "value": _plain(v)} for k, v in summary.to_dict().items()], max_width=80
        )
    )
    if args.out is not None:
        extra = [{"step_scores": r.to_dict()} for r in scored] if scored else None
        _write_eval(
            args.out, path, traces, records, summary.to_dict(), time.perf_counter() - started, extra
        )
        print(f"\nwrote {args.out / 'traces.jsonl'} and {args.out / 'summary.json'}")
    return report_errors(errors, len(traces) + len(errors))


def check_command(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from stepscore.verifiers.steps import check_steps
    from stepscore.verifiers.steps.reference import locate_with_trace_reference as locate

    traces, errors = read_traces_arg(args, args.file, resegment=False)
    checked = []
    for n, trace in enumerate(traces):
        verdicts = check_steps(trace)
        checked.append((n, trace, verdicts, locate(trace, verdicts)))
    if sys.stdout.isatty() if args.table is None else args.table:
        rows = [
            {
                "trace": t.id or f"#{n + 1}",
                "step": v.index if t.kind != "refine" else _place(t, position),
                "status": v.status,
                "claims": "; ".join(
                    f"{c.expression} = {c.asserted} ({c.status})" for c in v.claims
                ),
                "reason": v.reason,
                "first error (gold)": (
                    located.found_by if located and located.step == position else None
                ),
            }
            for n, t, verdicts, located in checked
            for position, v in enumerate(verdicts)
        ]
        print(render_table(rows, max_width=60))
    else:
        write_lines(
            sys.stdout,
            (
                {
                    "id": t.id,
                    "verdicts": [asdict(v) for v in verdicts],
                    "located": None if located is None else asdict(located),
                }
                for _, t, verdicts, located in checked
            ),
        )
    return report_errors(errors, len(traces) + len(errors))


def _place(trace: Trace, position: int) -> str:
    """``3 revision r1``: a refinement step's index, kind and round."""
    step = trace.steps[position]
    return f"{step.index} {step.kind} r{step.round or 0}"


def _scores(args: argparse.Namespace, traces: list[Trace]) -> list[StepScores] | None:
    """Every trace scored by ``--scorer`` in one batched call (None without it)."""
    if not args.scorer:
        return None
    from stepscore.prm.catalog import load_scorer

    return load_scorer(args.scorer, family=args.family, device=args.device).score(traces)


def _row(record: EvalRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "kind": record.kind,
        "strategy": record.strategy,
        "steps": record.n_steps,
        "answer": record.answer if record.answer_status == "ok" else f"({record.answer_status})",
        "reference": record.reference,
        "correct": record.correct if record.verify_status in (None, "ok") else record.verify_status,
        "first error (given)": (
            "none"
            if record.labelled and record.expected_error_step is None
            else record.expected_error_step
        ),
        "first refuted": record.refuted_step,
        "first error (gold)": (
            None if record.located_step is None else f"{record.located_step} ({record.located_by})"
        ),
        "rounds": _rounds(record),
    }


def _rounds(record: EvalRecord) -> str | None:
    """``draft, fixed`` with the rounds whose feedback raised a false alarm or missed an
    error marked (``regressed*``: its feedback called a right answer wrong)."""
    if not record.rounds:
        return None
    marks = {n: "*" for n in record.false_alarms} | {n: "?" for n in record.missed_errors}
    return ", ".join(label + marks.get(n, "") for n, label in enumerate(record.rounds))


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
    return value


def _write_eval(
    out: Path,
    source: str,
    traces: list[Trace],
    records: list[EvalRecord],
    summary: dict[str, object],
    wall_s: float,
    extra: list[dict[str, object]] | None = None,
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    more = extra or [{} for _ in records]
    write_jsonl(
        (
            {**r.to_dict(), **x, "trace": t.to_dict()}
            for r, x, t in zip(records, more, traces, strict=True)
        ),
        out / "traces.jsonl",
    )
    meta = {"stepscore_version": __version__, "input": source, "wall_s": round(wall_s, 3)}
    (out / "summary.json").write_text(
        json.dumps({**summary, **meta}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
