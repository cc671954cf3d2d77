from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore.cli import main


def test_eval_runs_on_the_shipped_sample(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["eval", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    assert "cot-apples-ok" in out and "n_traces" in out
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    lines = (tmp_path / "run" / "traces.jsonl").read_text(encoding="utf-8").splitlines()
    assert summary["n_traces"] == len(lines) >= 40
    assert summary["stepscore_version"]
    first = json.loads(lines[0])
    assert first["trace"]["steps"] and first["id"] == "cot-apples-ok"


def test_segment_reports_bad_lines_and_keeps_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'"a = 1\\nb = 2"\n{broken\n{"text": "One.\\n\\nTwo.", "id": "t"}\n7\n\xff"\n'
        b'{"id": "x", "text": "s", "steps": [{"text": "s", "start": 0, "end": 1, "index": 0}]}\n'
    )
    assert main(["segment", str(path), "--jsonl"]) == 1
    captured = capsys.readouterr()
    traces = [json.loads(line) for line in captured.out.splitlines()]
    assert [len(t["steps"]) for t in traces] == [2, 2, 1]
    for line in (2, 4, 5):
        assert f"line {line}:" in captured.err
    assert "3 of 6 records" in captured.err


def test_segment_table_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"text": "Step 1: a\nStep 2: b", "id": "h"}) + "\n", encoding="utf-8"
    )
    assert main(["segment", str(path), "--table"]) == 0
    assert "Step 2: b" in capsys.readouterr().out
    assert (
        main(
            ["segment", str(path), "--strategy", "single_newline", "-o", str(tmp_path / "o.jsonl")]
        )
        == 0
    )
    assert len(json.loads((tmp_path / "o.jsonl").read_text(encoding="utf-8"))["steps"]) == 2


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(tmp_path / "missing.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "x.jsonl").write_text('"a"\n', encoding="utf-8")
    assert main(["eval", str(tmp_path / "x.jsonl"), "--format", "procesbench"]) == 2
    assert "did you mean 'processbench'" in capsys.readouterr().err
    assert main(["segment", str(tmp_path / "x.jsonl"), "--kind", "cot", "--strategy", "ast"]) == 2
    assert "unknown cot strategy 'ast'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["segment"])


def test_segment_with_a_custom_tag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps("one <s> two <s> three") + "\n", encoding="utf-8")
    assert main(["segment", str(path), "--tag", "<s>", "--jsonl"]) == 0
    trace = json.loads(capsys.readouterr().out)
    assert [s["text"] for s in trace["steps"]] == ["one", "two", "three"]
    assert trace["segmentation"]["separator"] == "<s>"


def test_eval_reads_a_named_format(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "processbench" / "gsm8k.json"
    assert main(["eval", str(path), "--format", "processbench", "--limit", "5"]) == 0
    assert "gsm8k-4" in capsys.readouterr().out


def test_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps("3 + 4 = 7\n7 * 2 = 15\nSo 15.") + "\n{bad\n", encoding="utf-8")
    assert main(["check", str(path), "--jsonl"]) == 1
    captured = capsys.readouterr()
    verdicts = json.loads(captured.out.splitlines()[0])["verdicts"]
    assert [v["status"] for v in verdicts] == ["verified", "refuted", "unverifiable"]
    assert verdicts[1]["claims"][0]["computed_value"] == 14
    assert "line 2:" in captured.err
    assert main(["check", str(path), "--table"]) == 1
    assert "refuted" in capsys.readouterr().out
