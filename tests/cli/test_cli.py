from __future__ import annotations

import json
import subprocess
import sys
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


def test_check_names_the_format_a_dataset_record_needs_and_refuses_an_empty_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pb.jsonl"
    row = {"problem": "What is 2 + 2?", "steps": ["2 + 2 = 5", "So 5."], "label": 0}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert main(["check", str(path), "--jsonl"]) == 1
    assert "read it with --format processbench" in capsys.readouterr().err
    assert main(["check", str(path), "--jsonl", "--format", "processbench"]) == 0
    verdicts = json.loads(capsys.readouterr().out)["verdicts"]
    assert [v["status"] for v in verdicts] == ["refuted", "unverifiable"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["check", str(empty)]) == 1  # nothing checked is not a success
    assert "holds no record" in capsys.readouterr().err


def test_check_table_names_the_kind_and_round_of_refinement_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "refine.jsonl"
    text = "Draft: 35 / 5 = 8 packs.\nFeedback: 35 / 5 is 7.\nRevision: 35 / 5 = 7 packs."
    path.write_text(json.dumps({"id": "r", "text": text}) + "\n", encoding="utf-8")
    assert main(["check", str(path), "--table"]) == 0
    rows = [line.split()[:5] for line in capsys.readouterr().out.splitlines()[2:]]
    assert rows == [
        ["r", "0", "draft", "r0", "refuted"],
        ["r", "1", "feedback", "r1", "verified"],
        ["r", "2", "revision", "r1", "verified"],
    ]


def test_check_locates_the_first_error_with_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = "Sam saves $15 every week for 8 weeks, then spends $45. How much is left?"
    rows = [
        {"id": "w", "prompt": problem, "text": "15 * 6 = 90\n90 - 45 = 45", "reference": "75"},
        {"id": "r", "prompt": problem, "text": "15 * 8 = 120\n120 - 45 = 75", "reference": "75"},
        {"id": "n", "prompt": problem, "text": "15 * 8 = 120\n120 - 45 = 75"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert main(["check", str(path), "--jsonl"]) == 0
    located = [json.loads(line)["located"] for line in capsys.readouterr().out.splitlines()]
    assert located[0]["outcome"] == "wrong" and located[0]["step"] == 0
    assert located[0]["found_by"] == "unsupported_operand" and located[0]["values"] == ["6"]
    assert located[1]["outcome"] == "correct" and located[1]["step"] is None
    assert located[2] is None  # no reference, nothing to locate with
    assert main(["check", str(path), "--table"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [r.split()[:2] for r in rows if "unsupported_operand" in r] == [["w", "0"]]


def test_eval_shows_the_located_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 0
    out = capsys.readouterr().out
    assert "first error (gold)" in out
    row = next(line for line in out.splitlines() if line.startswith("cot-savings-wrong "))
    assert "  0 (unsupported_operand)  " in row
    rows = {line.split()[0]: line.rstrip() for line in out.splitlines() if line.strip()}
    assert rows["refine-stickers-regression"].endswith("draft, regressed")
    assert rows["refine-wages-false-alarm"].endswith("draft, kept*")  # feedback: false alarm
    assert rows["refine-pens-two-rounds-fix"].endswith("draft, still_wrong, fixed")


def test_a_reader_that_leaves_early_ends_the_command_quietly(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = (json.dumps(f"{n} + 1 = {n + 1}") + "\n" for n in range(20_000))
    path.write_text("".join(lines), encoding="utf-8")  # megabytes of verdicts: a full pipe
    command = [sys.executable, "-m", "stepscore", "check", str(path), "--jsonl"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert json.loads(proc.stdout.readline())["verdicts"][0]["status"] == "verified"
        proc.stdout.close()  # like `| head -1`
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 141
    assert err == ""
