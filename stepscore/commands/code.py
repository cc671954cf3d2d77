"""`stepscore exec` and `verify-code`: model code in the sandbox."""

from __future__ import annotations

import argparse
import sys

from stepscore.commands.common import report_errors
from stepscore.errors import FormatError
from stepscore.jsonl import read_json_records
from stepscore.table import render_table

__all__ = ["exec_command", "verify_code_command"]


def exec_command(args: argparse.Namespace) -> int:
    from stepscore.jsonl import open_text
    from stepscore.verifiers.sandbox import LocalSandbox

    with open_text(args.file) as stream:
        program = stream.read()
    stdin = None
    if args.stdin:
        with open_text(args.stdin) as stream:
            stdin = stream.read()
    with LocalSandbox() as sandbox:
        result = sandbox.run(program, stdin=stdin, timeout_s=args.timeout, memory_mb=args.memory)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    cut = " (output cut)" if result.stdout_truncated or result.stderr_truncated else ""
    print(
        f"stepscore exec: {result.status}, exit {result.returncode}, {result.wall_s:.2f} s{cut}"
        + (f": {result.detail}" if result.detail else ""),
        file=sys.stderr,
    )
    return 0 if result.status == "ok" else 1


def verify_code_command(args: argparse.Namespace) -> int:
    from stepscore.verifiers.code import verify_code

    rows, errors = [], []
    for record in read_json_records(args.file):
        value = record.value
        ok = isinstance(value, dict) and isinstance(value.get("program"), str) and "tests" in value
        if record.error is not None or not ok:
            errors.append(
                FormatError(record.error or "needs a program and tests", line=record.line)
            )
            continue
        try:
            result = verify_code(
                value["program"],
                value["tests"],
                entry_point=value.get("entry_point"),
                setup=value.get("setup", ""),
                timeout_s=args.timeout,
            )
        except (TypeError, ValueError) as exc:
            errors.append(FormatError(str(exc), line=record.line))
            continue
        passed = sum(t.status == "passed" for t in result.tests)
        rows.append(
            {
                "line": record.line,
                "id": value.get("id", value.get("task_id")),
                "passed": result.passed,
                "status": result.status,
                "tests": f"{passed}/{len(result.tests)}",
                "first failure": result.first_failure,
            }
        )
    print(render_table(rows, max_width=70))
    return report_errors(errors, len(rows) + len(errors))
