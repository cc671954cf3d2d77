"""What the commands share: reading input records into traces, reporting bad ones."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from stepscore.errors import FormatError
from stepscore.jsonl import read_json_records
from stepscore.reasoning.inputs import trace_from_input
from stepscore.reasoning.segment import segment
from stepscore.reasoning.trace import Trace

__all__ = ["read_traces_arg", "report_errors", "write_lines"]


def read_traces_arg(
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


def report_errors(errors: list[FormatError], total: int) -> int:
    """Print the records that could not be read; 1 when any, or when there was none at all."""
    if total == 0:
        print("stepscore: the input holds no record", file=sys.stderr)
        return 1
    for error in errors:
        print(f"stepscore: {error}", file=sys.stderr)
    if errors:
        print(
            f"stepscore: {len(errors)} of {total} records could not be read (see above)",
            file=sys.stderr,
        )
    return 1 if errors else 0


def write_lines(stream: TextIO, records: object) -> None:
    for record in records:  # type: ignore[attr-defined]
        stream.write(json.dumps(record, ensure_ascii=False) + "\n")
