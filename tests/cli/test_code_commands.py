from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore.cli import main


def test_exec_runs_a_file_in_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = tmp_path / "p.py"
    program.write_text("import sys\nprint(sys.stdin.read().upper())\n", encoding="utf-8")
    given = tmp_path / "in.txt"
    given.write_text("hello", encoding="utf-8")
    assert main(["exec", str(program), "--stdin", str(given)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "HELLO\n" and "stepscore exec: ok" in captured.err
    program.write_text("while True:\n    pass\n", encoding="utf-8")
    assert main(["exec", str(program), "--timeout", "1"]) == 1
    assert "timeout" in capsys.readouterr().err


def test_verify_code_reports_each_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": "ok", "program": "def f(x):\n    return x + 1", "tests": ["assert f(1) == 2"]},
        {"id": "bad", "program": "def f(x):\n    return x", "tests": ["assert f(1) == 2"]},
        {"id": "no tests", "program": "x = 1", "tests": []},
        {"program": 3},
    ]
    path = tmp_path / "programs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["verify-code", str(path)]) == 1
    captured = capsys.readouterr()
    table = captured.out.splitlines()
    assert any(" ok " in line and "True" in line for line in table)
    assert any(" bad " in line and "False" in line for line in table)
    assert "line 3: no tests to run" in captured.err and "line 4:" in captured.err
