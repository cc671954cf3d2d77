"""`stepscore audit-math`, `bench` and `report`: figures on benchmarks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stepscore.commands.common import report_errors
from stepscore.errors import FormatError
from stepscore.jsonl import read_json_records
from stepscore.table import render_table

__all__ = ["audit_math_command", "bench_command", "report_command"]


def audit_math_command(args: argparse.Namespace) -> int:
    from stepscore.verifiers.math import MathVerifier
    from stepscore.verifiers.math.audit import audit_math, audit_row_from_record

    if args.file != "-" and not Path(args.file).is_file():
        raise FileNotFoundError(f"no such file: {args.file}")
    rows, errors = [], []
    for record in read_json_records(args.file):
        try:
            if record.error is not None:
                raise FormatError(record.error, line=record.line)
            rows.append((record.line, *audit_row_from_record(record.value, record.line)))
        except FormatError as exc:
            errors.append(exc)
    rows = rows[: args.limit] if args.limit is not None else rows
    theirs = None
    if not args.no_math_verify:
        from stepscore.verifiers.math.mathverify_backend import MathVerifyBackend

        theirs = MathVerifyBackend()
    with MathVerifier(workers=args.workers) as ours:
        report = audit_math(rows, ours, theirs)
    table = [
        {
            "line": row.line,
            "label": row.label,
            "stepscore": row.ours.correct,
            "math_verify": None if row.theirs is None else row.theirs.correct,
            "pred": row.ours.pred,
            "gold": row.ours.gold,
            "reason": row.ours.reason,
        }
        for row in report.disagreements
    ]
    if table:
        print(render_table(table))
        print()
    print(render_table([{"metric": k, "value": v} for k, v in report.to_dict().items()]))
    return report_errors(errors, len(rows) + len(errors))


def bench_command(args: argparse.Namespace) -> int:
    from stepscore.benchmarks.catalog import available_benchmarks, load_benchmark
    from stepscore.benchmarks.report import render_markdown, write_report
    from stepscore.benchmarks.runners import run_benchmark

    if args.list or not args.name:
        rows = [{"benchmark": k, "splits": ", ".join(v)} for k, v in available_benchmarks().items()]
        print(render_table(rows, max_width=80))
        return 0
    benchmark = load_benchmark(args.name, args.split, path=args.path, limit=args.limit)
    for error in benchmark.errors:
        print(f"stepscore: {error}", file=sys.stderr)
    result, samples = run_benchmark(
        benchmark,
        judge=args.scorer,
        threshold=args.threshold,
        threshold_split=args.threshold_split,
        completions=_completions(args.completions) if args.completions else None,
        out=args.out,
    )
    print(render_markdown(result))
    if args.out is not None:
        for path in write_report(args.out, result, samples):
            print(f"wrote {path}")
    return 1 if benchmark.errors else 0


def _completions(path: str) -> dict[str, list[str]]:
    """Model programs by problem id from JSONL ({"task_id" or "id", "completion"})."""
    found: dict[str, list[str]] = {}
    for record in read_json_records(path):
        value = record.value
        if record.error is not None or not isinstance(value, dict):
            raise FormatError(record.error or "expected an object", line=record.line)
        task = value.get("task_id", value.get("id"))
        if task is None or not isinstance(value.get("completion"), str):
            raise FormatError("needs a task_id (or id) and a completion string", line=record.line)
        found.setdefault(str(task), []).append(value["completion"])
    return found


def report_command(args: argparse.Namespace) -> int:
    from stepscore.benchmarks.report import rebuild

    if not (args.dir / "summary.json").is_file():
        raise FileNotFoundError(f"no summary.json in {args.dir}")
    for path in rebuild(args.dir):
        print(f"wrote {path}")
    return 0
