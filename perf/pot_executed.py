"""PoT execution: does stepscore's traced run reproduce the answers PoT's authors recorded?

    python perf/pot_executed.py [--limit N] [--workers 2] [--files GLOB]

For every GSM8K file in ``traces/pot`` (Program-of-Thoughts, Chen et al., 2022: few-shot
and zero-shot Codex programs with ``executed``, the answer the authors got by running
each one) it runs every program once through `execute_programs` (warm fork-server
sandbox, per-step tracing) and prints, per file:

- programs, how many executed upstream (``executed`` is not null), and how many of
  those our run reproduces. Upstream read the ``ans`` variable after ``exec`` and passed
  it through PoT's ``floatify_ans`` (a dict gives its first value, a list or tuple its
  first element, a number ``float(x)``, anything else ``str(x)``); we apply the same
  rule to our answer and compare numbers with a relative tolerance of 1e-6 (the
  recorded values are full-precision floats, so only platform noise needs room);
  The zero-shot file also shows the ``simplify_ans`` reading of its runs (a tuple
  recorded as its ``str``, numpy values rounded to two places), so an answer counts as
  reproduced when it matches either reading; the count of the second is printed.
  Programs that call sympy's ``Symbol``/``Eq``/``solve``/``simplify`` without importing
  them ran upstream in ``tool.py``'s globals, which import them: they get those imports
  as a prelude here;
- the outcome agreement: on the same programs, whether stepscore's ``verify_math`` of
  our answer against the gold ``answer`` agrees with ``executed == answer`` upstream;
- wall time and programs/s;
- every program that did not reproduce, with its cause.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Any

from stepscore.data_path import DATA_ENV, shared_data_dir
from stepscore.verifiers.math import MathVerifier
from stepscore.verifiers.steps.program import ProgramAnswer, ProgramRun, execute_programs

REL_TOL = 1e-6
# PoT's tool.py imports these; its ``exec`` ran programs in that module's globals
UPSTREAM_GLOBALS = "from sympy import Symbol, Eq, simplify\nfrom sympy.solvers import solve\n"
_SYMPY_NAME = re.compile(r"\b(?:Symbol|Eq|simplify|solve)\(")
_NUMBER = re.compile(r"-?\d+(?:\.\d*)?(?:e[-+]?\d+)?")
_MISSING = object()


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The program rows of one PoT file (the few-shot file opens with a prompt row)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if "executed" in row]
    for row in rows:
        if isinstance(row["generated"], list):  # the few-shot file keeps one sample per row
            row["generated"] = row["generated"][0]
    return rows


def _literal(answer: ProgramAnswer) -> Any:
    if answer.type in ("dict", "list", "tuple", "bool", "str", "int", "float", "NoneType"):
        try:
            return ast.literal_eval(answer.value)
        except (ValueError, SyntaxError):
            pass
    return _MISSING


def floatify(value: Any) -> Any:
    """PoT's ``floatify_ans`` on a plain value."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, dict):
        value = next(iter(value.values()), None)
    elif isinstance(value, (list, tuple)):
        if not value:
            return None
        value = value[0]
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def upstream_values(answer: ProgramAnswer | None) -> list[Any]:
    """What PoT could have recorded for our answer: ``floatify_ans(ans)`` (few-shot runs)
    and ``floatify_ans(simplify_ans(ans))`` (zero-shot runs: numpy values rounded to 2
    places, a falsy answer None, anything else through ``str``)."""
    if answer is None or answer.source != "ans":
        return []  # upstream read only ``ans``
    literal = _literal(answer)
    if answer.type.startswith("numpy."):
        first = answer.number
        if first is None:
            found = _NUMBER.search(answer.value)
            first = float(found[0]) if found else None
        plain = first if first is not None else answer.value
        return [floatify(plain), None if first is None else floatify(str(round(first, 2)))]
    if literal is _MISSING:
        plain = answer.number if answer.number is not None else answer.value
        return [floatify(plain), floatify(str(plain))]
    if not literal:
        return [floatify(literal), None]
    simple = literal[0] if isinstance(literal, (list, tuple)) and len(literal) == 1 else literal
    return [floatify(literal), floatify(str(simple))]


def same(ours: Any, recorded: Any) -> bool:
    if isinstance(ours, float) and isinstance(recorded, (int, float)):
        if math.isnan(ours) and math.isnan(recorded):
            return True
        return math.isclose(ours, recorded, rel_tol=REL_TOL, abs_tol=1e-9)
    return ours == recorded


def run_all(programs: list[str], *, workers: int) -> list[ProgramRun]:
    """Every program once; those that use sympy's names without importing them (as
    upstream's globals allowed) get `UPSTREAM_GLOBALS` as a prelude."""
    needs = [
        bool(_SYMPY_NAME.search(p)) and "from sympy import" not in p and "import sympy" not in p
        for p in programs
    ]
    runs: list[ProgramRun | None] = [None] * len(programs)
    for flag in (False, True):
        chosen = [i for i, need in enumerate(needs) if need is flag]
        prelude = UPSTREAM_GLOBALS if flag else ""
        done = execute_programs([programs[i] for i in chosen], workers=workers, prelude=prelude)
        for i, run in zip(chosen, done, strict=True):
            runs[i] = run
    return runs  # type: ignore[return-value]


def cause(run: ProgramRun, recorded: Any) -> str:
    """Why a program that executed upstream gave another value here."""
    if run.status != "ok":
        return f"{run.status}: {run.error}"
    if run.answer is None:
        return "no answer (no ans/answer/result, solution() or print)"
    if run.answer.source != "ans":
        return f"answer from {run.answer.source}, not ans: {run.answer.value}"
    return f"ans = {run.answer.value} ({run.answer.type}), recorded {recorded!r}"


def gold_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def measure(path: Path, *, limit: int | None, workers: int) -> dict[str, Any]:
    rows = load_rows(path)[:limit]
    started = time.perf_counter()
    runs = run_all([row["generated"] for row in rows], workers=workers)
    wall = time.perf_counter() - started
    verifier = MathVerifier()
    executed = reproduced = agree = second = 0
    misses, disagreements = [], []
    for number, (row, run) in enumerate(zip(rows, runs, strict=True)):
        recorded = row["executed"]
        if recorded is None:
            continue
        executed += 1
        readings = [same(value, recorded) for value in upstream_values(run.answer)]
        if any(readings):
            reproduced += 1
            second += not readings[0]
        else:
            misses.append((number, cause(run, recorded)))
        theirs = isinstance(recorded, (int, float)) and same(float(recorded), row["answer"])
        ours = run.answer is not None and (
            verifier.verify(run.answer.text, gold_text(row["answer"])).correct
        )
        if ours == theirs:
            agree += 1
        else:
            disagreements.append((number, run.answer.text if run.answer else None, recorded))
    return {
        "file": path.name, "programs": len(rows), "executed": executed,
        "reproduced": reproduced, "second_reading": second, "agree": agree, "wall_s": wall,
        "misses": misses, "disagreements": disagreements,
        "statuses": _count(run.status for run in runs),
    }  # fmt: skip


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="programs per file")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files", default="gsm8K*.jsonl")
    args = parser.parse_args(argv)
    data = shared_data_dir()
    if data is None:
        print(f"shared data not found; set {DATA_ENV}", file=sys.stderr)
        return 2
    totals = {"programs": 0, "executed": 0, "reproduced": 0, "agree": 0, "wall_s": 0.0}
    for path in sorted((data / "traces" / "pot").glob(args.files)):
        result = measure(path, limit=args.limit, workers=args.workers)
        for key in totals:
            totals[key] += result[key]
        _report(result)
    executed = max(1, totals["executed"])
    print(
        f"\nall: {totals['programs']} programs, {totals['executed']} executed upstream, "
        f"{totals['reproduced']} reproduced ({totals['reproduced'] / executed:.2%}); outcome "
        f"agreement {totals['agree']}/{totals['executed']} ({totals['agree'] / executed:.2%}); "
        f"{totals['programs'] / totals['wall_s']:.1f} programs/s"
    )
    return 0


def _report(result: dict[str, Any]) -> None:
    executed = max(1, result["executed"])
    print(
        f"{result['file']}: {result['programs']} programs, {result['executed']} executed "
        f"upstream, {result['reproduced']} reproduced ({result['reproduced'] / executed:.2%}; "
        f"{result['second_reading']} by the zero-shot reading), "
        f"outcome agreement {result['agree']}/{result['executed']} "
        f"({result['agree'] / executed:.2%}); {result['wall_s']:.1f} s, "
        f"{result['programs'] / result['wall_s']:.1f} programs/s; statuses {result['statuses']}"
    )
    for number, why in result["misses"]:
        print(f"  not reproduced #{number}: {why}")
    for number, ours, recorded in result["disagreements"]:
        print(f"  outcome differs #{number}: ours {ours!r}, upstream executed {recorded!r}")


if __name__ == "__main__":
    sys.exit(main())
