"""The `stepscore` command.

    stepscore eval [FILE] [--out DIR]      judge traces (default: the shipped sample)
    stepscore segment FILE                 split texts or traces into steps
    stepscore check FILE                   recompute the claims of each reasoning step
    stepscore exec FILE.py                 run a program in the sandbox
    stepscore verify-code FILE             verify programs against their tests
    stepscore audit-math FILE              stepscore vs Math-Verify vs labels on answer pairs
    stepscore bench NAME [--out DIR]       run a benchmark, write JSONL/JSON/Markdown/PNG
    stepscore report DIR                   rebuild a report's table and plots
    stepscore sandbox build-image|cleanup  the Docker sandbox's image and stale containers

Exit status: 0 when every input record was processed, 1 when some could not be read
(each is reported with its line number; the others are still processed), 2 for a
usage error (unknown name, missing file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from stepscore import __version__
from stepscore.errors import StepscoreError
from stepscore.reasoning.cot import COT_STRATEGIES, DEFAULT_TAG
from stepscore.reasoning.segment import POT_STRATEGIES
from stepscore.reasoning.trace import TRACE_KINDS

__all__ = ["main"]

log = logging.getLogger("stepscore")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    module, name = args.run.split(":")
    try:
        return int(getattr(import_module(f"stepscore.commands.{module}"), name)(args))
    except BrokenPipeError:  # the reader left (`stepscore check F | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit
        return 141  # 128 + SIGPIPE, what a shell reports for a writer the pipe killed
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
    _scorer_options(ev, required=False)
    ev.set_defaults(run="traces:eval_command")

    seg = commands.add_parser("segment", help="split texts or traces into steps")
    seg.add_argument("file", help="JSONL of texts or traces, a .json list, or - for standard input")
    _input_options(seg)
    shape = seg.add_mutually_exclusive_group()
    shape.add_argument(
        "--table", dest="table", action="store_true", default=None, help="readable table"
    )
    shape.add_argument("--jsonl", dest="table", action="store_false", help="traces as JSONL")
    seg.add_argument("-o", "--output", type=Path, help="write the traces to this JSONL file")
    seg.set_defaults(run="traces:segment_command")

    check = commands.add_parser("check", help="recompute the claims of each reasoning step")
    check.add_argument("file", help="JSONL of texts or traces, a .json list, or -")
    _input_options(check)
    check_shape = check.add_mutually_exclusive_group()
    check_shape.add_argument("--table", dest="table", action="store_true", default=None)
    check_shape.add_argument("--jsonl", dest="table", action="store_false")
    check.set_defaults(run="traces:check_command")

    run = commands.add_parser("exec", help="run a Python file in the sandbox")
    run.add_argument("file", help="a .py file, or - for standard input")
    run.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    run.add_argument("--memory", type=int, default=1024, help="MiB of address space")
    run.add_argument("--stdin", help="a file whose text is the program's standard input")
    run.set_defaults(run="code:exec_command")

    code = commands.add_parser("verify-code", help="verify programs against their tests")
    code.add_argument("file", help="JSONL of {program, tests[, entry_point, setup]} objects")
    code.add_argument("--timeout", type=float, default=10.0, help="seconds per program")
    code.set_defaults(run="code:verify_code_command")

    audit = commands.add_parser(
        "audit-math", help="where stepscore, Math-Verify and the labels disagree on answer pairs"
    )
    audit.add_argument("file", help="JSONL of {prediction, reference[, label]} objects, or -")
    audit.add_argument("--limit", type=int, help="only the first N pairs")
    audit.add_argument("--no-math-verify", action="store_true", help="compare with labels only")
    audit.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    audit.set_defaults(run="bench:audit_math_command")

    bench = commands.add_parser("bench", help="run a benchmark and write its report")
    bench.add_argument("name", help="benchmark name (see `stepscore bench --list`)", nargs="?")
    bench.add_argument("--list", action="store_true", help="list the benchmarks and splits")
    bench.add_argument("--split", help="split (default: the benchmark's first)")
    bench.add_argument(
        "--scorer",
        help="step judge for step-labelled benchmarks (none, oracle, checker, checker-gold) "
        "or a step scorer spec (checker-prm, hf:PATH, judge:URL#MODEL, min(SPEC,SPEC))",
    )
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
    bench.set_defaults(run="bench:bench_command")

    score = commands.add_parser("score", help="score every step with a PRM, judge or checker")
    score.add_argument("file", help="JSONL of texts or traces, a .json list, or -")
    _input_options(score)
    _scorer_options(score, required=True)
    score.add_argument("--batch-size", type=int, help="traces per forward pass")
    score_shape = score.add_mutually_exclusive_group()
    score_shape.add_argument("--table", dest="table", action="store_true", default=None)
    score_shape.add_argument("--jsonl", dest="table", action="store_false")
    score.add_argument("-o", "--output", type=Path, help="write the scores to this JSONL file")
    score.set_defaults(run="prm:score_command")

    train = commands.add_parser("train-prm", help="train a PRM on step-labelled traces")
    train.add_argument("file", help="step-labelled traces (use --format for a dataset format)")
    _input_options(train)
    train.add_argument("--eval", help="held-out step-labelled traces, same format")
    train.add_argument("--model", required=True, help="base model: a local path or hub id")
    train.add_argument("--out", type=Path, required=True, help="folder for the trained PRM")
    train.add_argument("--family", default="token-classification", help="PRM family")
    train.add_argument("--label-mode", default="hard", choices=("hard", "soft"))
    train.add_argument("--neutral", default="positive", choices=("positive", "negative", "ignore"))
    train.add_argument("--max-length", type=int, default=2048)
    train.add_argument("--epochs", type=float, default=1.0)
    train.add_argument("--lr", type=float, default=2e-5)
    train.add_argument("--batch-size", type=int, default=8)
    train.add_argument("--grad-accum", type=int, default=1)
    train.add_argument("--eval-every", type=int, help="optimizer steps between evals")
    train.add_argument("--save-every", type=int, help="optimizer steps between checkpoints")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(run="prm:train_prm_command")

    report = commands.add_parser("report", help="rebuild the table and plots of a report folder")
    report.add_argument("dir", type=Path)
    report.set_defaults(run="bench:report_command")

    sandbox = commands.add_parser("sandbox", help="manage the Docker sandbox backend")
    actions = sandbox.add_subparsers(title="actions", required=True, metavar="ACTION")
    build = actions.add_parser("build-image", help="build the sandbox image locally")
    build.add_argument("--tag", help="image tag (default: stepscore-sandbox:<python version>)")
    build.add_argument("--force", action="store_true", help="rebuild even if it exists")
    build.set_defaults(run="sandbox:build_image_command")
    clean = actions.add_parser("cleanup", help="remove sandbox containers whose owner is gone")
    clean.set_defaults(run="sandbox:cleanup_command")
    return parser


def _scorer_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--scorer",
        required=required,
        help="checker-prm, hf:PATH (or a model folder), judge:URL[#MODEL], "
        "or a join of them: min(SPEC,SPEC), max(...), mean(...), prod(...)",
    )
    parser.add_argument("--family", help="PRM family of an hf: model without stepscore_prm.json")
    parser.add_argument("--device", help="torch device (default: cuda when present)")


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


if __name__ == "__main__":
    raise SystemExit(main())
