from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore.cli import main
from stepscore.verifiers.math.mathverify_backend import MathVerifyBackend

ROWS = [
    {"prediction": "So it is \\boxed{\\frac{1}{2}}.", "reference": "0.5", "label": True},
    {"prediction": "The answer is 7.", "reference": "8", "label": False},
    {"prediction": "The answer is 10000.", "reference": "10,000", "label": False},  # label noise
    {"response": "We get \\boxed{(1, 2)}", "gt": "(1,2)", "score": 1},
]


def test_audit_lists_disagreements_and_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [json.dumps(r) for r in ROWS] + ["{not json", json.dumps({"prediction": "x"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["audit-math", str(path)]) == 1  # two records could not be read
    captured = capsys.readouterr()
    assert "line 5:" in captured.err and "line 6:" in captured.err
    out = captured.out
    assert "ours_agree_label" in out
    disagreements = [line for line in out.splitlines() if line.split()[:1] == ["3"]]
    assert disagreements, out  # line 3: both verifiers say right, the label says wrong
    summary = dict(line.split(None, 1) for line in out.splitlines()[-6:])
    assert summary["n"].strip() == "4"
    assert summary["ours_agree_label"].strip() == "3"
    assert summary["ours_agree_theirs"].strip() == "4"


def test_math_verify_backend_runs_off_the_main_thread() -> None:
    from concurrent.futures import ThreadPoolExecutor

    backend = MathVerifyBackend()
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda r: backend.verify(r["prediction"], r["reference"]), ROWS[:2])
        )
    assert [r.correct for r in results] == [True, False]
    assert all(r.status == "ok" for r in results)
