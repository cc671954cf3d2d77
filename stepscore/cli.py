"""The `stepscore` command.

    stepscore eval [FILE] [--out DIR]      judge traces (default: the shipped sample)
    stepscore segment FILE                 split texts or traces into steps
    stepscore check FILE                   recompute the claims of each reasoning step
    stepscore audit-math FILE              stepscore vs Math-Verify vs labels on answer pairs
    stepscore bench NAME [--out DIR]       run a benchmark, write JSONL/JSON/Markdown/PNG
    stepscore report DIR                   rebuild a report's table and plots

Exit status: 0 when every input record was processed, 1 when some could not be read
(each is reported with its line number; the others are still processed), 2 for a
usage error (unknown name, missing file).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from stepscore import __version__
from stepscore.errors import FormatError, StepscoreError
from stepscore.evaluate import EvalRecord, evaluate_trace, summarize
from stepscore.jsonl import read_json_records, write_jsonl
from stepscore.reasoning.cot import COT_STRATEGIES, DEFAULT_TAG
from stepscore.reasoning.inputs import trace_from_input
from stepscore.reasoning.segment import POT_STRATEGIES, segment
from stepscore.reasoning.trace import TRACE_KINDS, Trace
from stepscore.samples import sample_traces_path
from stepscore.table import render_table

__all__ = ["main"]

log = logging.getLogger("stepscore")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args))
    except (StepscoreError, OSError, ValueError) as exc:  # the caller's mistake: say it
        log.debug("command failed", exc_info=True)
        print(f"stepscore: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stepscore", description="Process supervision and verification of LLM reasoning."
    )
    parser.add_argument("--version", action="version", version=f"stepscore {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    ev = commands.add_parser("eval", help="judge reasoning traces (default: the shipped sample)")
    ev.add_argument(
        "file", nargs="?", help="JSONL of texts or traces, a .json list, or - (default: the sample)"
    )
    _input_options(ev)
    ev.add_argument("--out", type=Path, help="folder for per-trace JSONL and a JSON summary")
    ev.add_argument("--limit", type=int, help="only the first N records")
    ev.set_defaults(run=_cmd_eval)

    seg = commands.add_parser("segment", help="split texts or traces into steps")
    seg.add_argument("file", help="JSONL of texts or traces, a .json list, or - for standard input")
    _input_options(seg)
    shape = seg.add_mutually_exclusive_group()
    shape.add_argument(
        "--table", dest="table", action="store_true", default=None, help="readable table"
    )
    shape.add_argument("--jsonl", dest="table", action="store_false", help="traces as JSONL")
    seg.add_argument("-o", "--output", type=Path, help="write the traces to this JSONL file")
    seg.set_defaults(run=_cmd_segment)

    check = commands.add_parser("check", help="recompute the claims of each reasoning step")
    check.add_argument("file", help="JSONL of texts or traces, a .json list, or -")
    _input_options(check)
    check_shape = check.add_mutually_exclusive_group()
    check_shape.add_argument("--table", dest="table", action="store_true", default=None)
    check_shape.add_argument("--jsonl", dest="table", action="store_false")
    check.set_defaults(run=_cmd_check)

    audit = commands.add_parser(
        "audit-math", help="where stepscore, Math-Verify and the labels disagree on answer pairs"
    )
    audit.add_argument("file", help="JSONL of {prediction, reference[, label]} objects, or -")
    audit.add_argument("--limit", type=int, help="only the first N pairs")
    audit.add_argument("--no-math-verify", action="store_true", help="compare with labels only")
    audit.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    audit.set_defaults(run=_cmd_audit_math)

    bench = commands.add_parser("bench", help="run a benchmark and write its report")
    bench.add_argument("name", help="benchmark name (see `stepscore bench --list`)", nargs="?")
    bench.add_argument("--list", action="store_true", help="list the benchmarks and splits")
    bench.add_argument("--split", help="split (default: the benchmark's first)")
    bench.add_argument("--scorer", help="step judge for step-labelled benchmarks, e.g. none")
    bench.add_argument("--threshold", type=float, help="step-score threshold of a scalar scorer")
    bench.add_argument(
        "--threshold-split", help="choose a scalar scorer's threshold on this split (not the test)"
    )
    bench.add_argument(
        "--completions", help="JSONL of {task_id, completion} model programs for code benchmarks"
    )
    bench.add_argument("--path", help="local data file or folder (offline use)")
    bench.add_argument("--limit", type=int, help="only the first N samples")
    bench.add_argument("--out", type=Path, help="report folder (JSONL, JSON, Markdown, PNG)")
    bench.set_defaults(run=_cmd_bench)

    report = commands.add_parser("report", help="rebuild the table and plots of a report folder")
    report.add_argument("dir", type=Path)
    report.set_defaults(run=_cmd_report)
    return parser


def _input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        default=None,
        help="read records of a named format, keeping their steps and labels "
        "(processbench, prm800k, math_shepherd, trl, jsonl)",
    )
    parser.add_argument(
        "--kind",
        default="auto",
        choices=("auto", *TRACE_KINDS),
        help="trace kind (default: per record)",
    )
    strategies = sorted({*COT_STRATEGIES, *POT_STRATEGIES})
    parser.add_argument(
        "--strategy", default="auto", choices=("auto", *strategies), help="step strategy"
    )
    parser.add_argument(
        "--tag", default=DEFAULT_TAG, help=f"explicit step tag (default {DEFAULT_TAG!r})"
    )


def _read(
    args: argparse.Namespace, path: str, *, resegment: bool
) -> tuple[list[Trace], list[FormatError]]:
    if path != "-" and not Path(path).is_file():
        raise FileNotFoundError(f"no such file: {path}")
    segment("", args.kind, args.strategy, tag=args.tag)  # a bad kind/strategy pair is a usage error
    if args.format:
        from stepscore.reasoning.formats import read_traces

        result = read_traces(path, format=args.format)
        return result.traces, list(result.errors)
    from tqdm import tqdm

    traces: list[Trace] = []
    errors: list[FormatError] = []
    records = read_json_records(path)
    for record in tqdm(
        records, desc="read", unit="record", file=sys.stderr, disable=None, leave=False
    ):
        if record.error is not None:
            errors.append(FormatError(record.error, line=record.line))
            continue
        try:
            traces.append(
                trace_from_input(
                    record.value,
                    kind=args.kind,
                    strategy=args.strategy,
                    tag=args.tag,
                    resegment=resegment,
                    line=record.line,
                )
            )
        except FormatError as exc:
            errors.append(exc)
    return traces, errors


def _report_errors(errors: list[FormatError], total: int) -> int:
    for error in errors:
        print(f"stepscore: {error}", file=sys.stderr)
    if errors:
        print(
            f"stepscore: {len(errors)} of {total} records could not be read (see above)",
            file=sys.stderr,
        )
    return 1 if errors else 0


def _cmd_segment(args: argparse.Namespace) -> int:
    traces, errors = _read(args, args.file, resegment=True)
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
        _write_lines(sys.stdout, (t.to_dict() for t in traces))
    return _report_errors(errors, len(traces) + len(errors))


def _cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    path = args.file or str(sample_traces_path())
    started = time.perf_counter()
    traces, errors = _read(args, path, resegment=False)
    if args.limit is not None:
        traces = traces[: max(args.limit, 0)]
    from stepscore.verifiers.math import MathVerifier

    verifier = MathVerifier()
    progress = tqdm(traces, desc="eval", unit="trace", file=sys.stderr, disable=None, leave=False)
    records: list[EvalRecord] = [
        evaluate_trace(trace, position=n, verifier=verifier) for n, trace in enumerate(progress)
    ]
    summary = summarize(records, input_errors=len(errors))
    print(render_table([_row(r) for r in records]))
    print()
    print(
        render_table(
            [{"metric": k, "value": _plain(v)} for k, v in summary.to_dict().items()], max_width=80
        )
    )
    if args.out is not None:
        _write_eval(
            args.out, path, traces, records, summary.to_dict(), time.perf_counter() - started
        )
        print(f"\nwrote {args.out / 'traces.jsonl'} and {args.out / 'summary.json'}")
    return _report_errors(errors, len(traces) + len(errors))


def _cmd_check(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from stepscore.verifiers.steps import check_steps

    traces, errors = _read(args, args.file, resegment=False)
    checked = [(n, t, check_steps(t)) for n, t in enumerate(traces)]
    if sys.stdout.isatty() if args.table is None else args.table:
        rows = [
            {
                "trace": t.id or f"#{n + 1}",
                "step": v.index,
                "status": v.status,
                "claims": "; ".join(
                    f"{c.expression} = {c.asserted} ({c.status})" for c in v.claims
                ),
                "reason": v.reason,
            }
            for n, t, verdicts in checked
            for v in verdicts
        ]
        print(render_table(rows, max_width=60))
    else:
        _write_lines(
            sys.stdout,
            ({"id": t.id, "verdicts": [asdict(v) for v in verdicts]} for _, t, verdicts in checked),
        )
    return _report_errors(errors, len(traces) + len(errors))


def _cmd_audit_math(args: argparse.Namespace) -> int:
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
    return _report_errors(errors, len(rows) + len(errors))


def _cmd_bench(args: argparse.Namespace) -> int:
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


def _cmd_report(args: argparse.Namespace) -> int:
    from stepscore.benchmarks.report import rebuild

    if not (args.dir / "summary.json").is_file():
        raise FileNotFoundError(f"no summary.json in {args.dir}")
    for path in rebuild(args.dir):
        print(f"wrote {path}")
    return 0


def _row(record: EvalRecord) -> dict[str, object]:
    return {
        "id": record.id,
        "kind": record.kind,
        "strategy": record.strategy,
        "steps": record.n_steps,
        "answer": record.answer if record.answer_status == "ok" else f"({record.answer_status})",
        "reference": record.reference,
        "correct": record.correct if record.verify_status in (None, "ok") else record.verify_status,
        "first error (given)": record.expected_error_step,
        "first refuted": record.refuted_step,
    }


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
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(
        ({**r.to_dict(), "trace": t.to_dict()} for r, t in zip(records, traces, strict=True)),
        out / "traces.jsonl",
    )
    meta = {"stepscore_version": __version__, "input": source, "wall_s": round(wall_s, 3)}
    (out / "summary.json").write_text(
        json.dumps({**summary, **meta}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _write_lines(stream: TextIO, records: object) -> None:
    for record in records:  # type: ignore[attr-defined]
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
