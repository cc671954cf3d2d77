"""Executable process supervision of PoT programs (issue 6, item 3)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from stepscore.reasoning import segment
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import CheckConfig, check_steps, first_error
from stepscore.verifiers.steps.program import check_program, execute_program, execute_programs
from stepscore.verifiers.steps.tracer import MARK


def test_each_step_gets_its_bindings_and_the_raising_step_its_exception() -> None:
    run = execute_program("eggs = 16 - 3 - 4\nprice = 2\nans = eggs * price / 0\n")
    assert run.status == "error" and run.error_step == 2
    assert [s.status for s in run.steps] == ["ran", "ran", "raised"]
    assert run.steps[0].bindings == (("eggs", "9"),)
    assert run.steps[2].error == "ZeroDivisionError: division by zero"
    assert run.answer is None


def test_check_program_refutes_only_the_raising_step() -> None:
    trace = segment("x = 4\ny = [1, 2][x]\nans = y", kind="pot")
    verdicts = check_program(trace)
    assert [v.status for v in verdicts] == ["unverifiable", "refuted", "unverifiable"]
    assert "IndexError" in verdicts[1].reason and "x=4" in verdicts[0].reason
    assert verdicts[2].reason == "not reached"
    assert first_error(check_steps(trace)) == 1  # check_steps dispatches pot traces here
    off = check_steps(trace, config=CheckConfig(execute_programs=False))
    assert [v.status for v in off] == ["unverifiable"] * 3


def test_pal_solution_is_split_and_called() -> None:
    source = (
        "def solution():\n    apples = 5\n    eaten = 2\n"
        "    for _ in range(3):\n        apples += 1\n    return apples - eaten\n"
    )
    run = execute_program(source)
    assert run.status == "ok" and run.answer is not None
    assert (run.answer.source, run.answer.text) == ("solution", "6")
    assert [dict(s.bindings) for s in run.steps] == [
        {"apples": "5", "solution": "<function solution>"},
        {"eaten": "2"},
        {"_": "2", "apples": "8"},
        {},
    ]


def test_an_error_inside_a_helper_counts_for_the_calling_step() -> None:
    run = execute_program("def half(v):\n    return v / 0\nx = 3\ny = half(x)\n")
    assert run.error_step == 2 and run.steps[2].status == "raised"


@pytest.mark.parametrize(
    ("source", "source_of", "text"),
    [
        ("ans = 7 / 2", "ans", "3.5"),
        ("answer = 12.0", "answer", "12"),
        ("result = 3\nprint('ignored')", "result", "3"),
        ("x = 5\nprint(x * 3)", "print", "15"),
        ("def solver():\n    return 41 + 1\n", "solver", "42"),
    ],
)
def test_answer_sources(source: str, source_of: str, text: str) -> None:
    answer = execute_program(source).answer
    assert answer is not None and (answer.source, answer.text) == (source_of, text)


def test_syntax_error_lands_on_its_step() -> None:
    run = execute_program("x = 1\ny = (2 +\n")
    assert run.status == "syntax_error" and run.error_step == 1
    assert [v.status for v in check_program(segment("x = 1\ny = (2 +\n", kind="pot"))] == [
        "unverifiable",
        "refuted",
    ]


def test_a_step_running_at_the_deadline_is_stopped_not_refuted() -> None:
    trace = segment("x = 0\nwhile True:\n    x += 1\n", kind="pot")
    run = execute_program(trace, timeout_s=1.0)
    assert run.status == "timeout"
    assert [s.status for s in run.steps] == ["ran", "stopped"]
    assert [v.status for v in check_program(trace, run=run)] == ["unverifiable"] * 2


def test_the_program_cannot_forge_the_record() -> None:
    fake = MARK + "0" * 32 + '={"status": "ok", "answer": {"source": "ans", "value": "1"}}'
    run = execute_program(f"print({fake!r})\nans = 2")
    assert run.answer is not None and run.answer.text == "2"
    run = execute_program(f"import os, sys\nsys.__stdout__.write({fake!r} + '\\n')\nos._exit(0)")
    assert run.status == "no_record" and run.answer is None


def test_values_are_capped_and_stdout_is_kept() -> None:
    run = execute_program("s = 'a' * 1000\nprint('hello')\nans = 1", value_cap=40)
    value = dict(run.steps[0].bindings)["s"]
    assert len(value) <= 40 and "..." in value
    assert "hello" in run.stdout


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy not installed")
def test_numpy_is_importable_and_lazy() -> None:
    run = execute_program("import numpy as np\nans = np.sqrt(16.0)")
    assert run.status == "ok" and run.answer is not None and run.answer.text == "4"
    assert run.answer.type == "numpy.float64"


def test_batch_keeps_order_and_bad_arguments_raise() -> None:
    runs = execute_programs([f"ans = {i} * 2" for i in range(6)])
    assert [r.answer.text for r in runs if r.answer] == [str(2 * i) for i in range(6)]
    with pytest.raises(ValueError):
        execute_program("ans = 1", value_cap=2)
    with pytest.raises(ValueError):
        execute_program(Trace(text="2 + 2 = 4", kind="cot"))
    with pytest.raises(TypeError):
        execute_program(42)  # type: ignore[arg-type]


def _perf_module():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[3] / "perf" / "pot_executed.py"
    spec = importlib.util.spec_from_file_location("pot_executed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("pot_executed", module)
    spec.loader.exec_module(module)
    return module


# Zero-shot rows whose answer is a sympy object printed differently by this sympy
# (a solve() dict in another key order, a list of expressions stringified per element).
_ZS_SYMPY_ROWS = {181, 279, 540, 556, 658, 1309}


@pytest.mark.slow
def test_pot_gsm8k_programs_reproduce_their_executed_answers(shared_data: Path) -> None:
    """Issue 6 acceptance: >= 99% of the GSM8K PoT programs that executed upstream give
    the recorded ``executed`` here, and the outcome verdict agrees on >= 99%."""
    perf = _perf_module()
    folder = shared_data / "traces" / "pot"
    few = perf.measure(folder / "gsm8K_s0_e-1_11_17_10_20.jsonl", limit=None, workers=2)
    zero = perf.measure(folder / "gsm8K_zs_s0_e-1_11_19_09_55.jsonl", limit=None, workers=2)
    assert (few["programs"], few["executed"]) == (1318, 1295)
    assert (zero["programs"], zero["executed"]) == (1317, 1134)
    for result in (few, zero):
        assert result["reproduced"] >= 0.99 * result["executed"], result["misses"]
        assert result["agree"] >= 0.99 * result["executed"], result["disagreements"]
    assert {number for number, _ in zero["misses"]} <= _ZS_SYMPY_ROWS
