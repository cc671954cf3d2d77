"""`stepscore score`, `stepscore train-prm` and `stepscore eval --scorer`."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from stepscore.cli import main
from stepscore.jsonl import write_jsonl
from stepscore.reasoning.trace import Trace


def _traces(n: int, seed: int) -> list[Trace]:
    rng, out = random.Random(seed), []
    for index in range(n):
        bad = index % 2 == 1
        steps = [f"{a} + {a} = {2 * a + (1 if bad and k == 1 else 0)}" for k, a in
                 enumerate(rng.sample(range(10), 3))]  # fmt: skip
        labels = [1.0, 0.0 if bad else 1.0, 0.0 if bad else 1.0]
        out.append(Trace.from_steps(steps, labels=labels, prompt="Double.", id=f"t{index}"))
    return out


def test_score_with_the_checker_writes_one_line_per_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    write_jsonl((t.to_dict() for t in _traces(4, 0)), path)
    assert main(["score", str(path), "--scorer", "checker-prm", "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["t0", "t1", "t2", "t3"]
    assert lines[0]["scores"][1] == 1.0 and lines[1]["scores"][1] == 0.0  # 2a+1 refuted
    assert lines[1]["aggregate"] == 0.0 and lines[1]["status"] == "ok"


def test_unknown_scorer_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    write_jsonl((t.to_dict() for t in _traces(1, 0)), path)
    assert main(["score", str(path), "--scorer", "checker-pmr"]) == 2
    assert "did you mean 'checker-prm'" in capsys.readouterr().err


def test_train_then_score_and_eval_with_the_trained_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("torch")
    from stepscore.prm.scratch import build_model, train_tokenizer

    train, held = tmp_path / "train.jsonl", tmp_path / "held.jsonl"
    write_jsonl((t.to_dict() for t in _traces(32, 1)), train)
    write_jsonl((t.to_dict() for t in _traces(6, 2)), held)
    base = tmp_path / "base"
    tok = train_tokenizer([t.prompt + t.text for t in _traces(20, 3)], vocab_size=200)
    build_model(tok, "causal-lm", hidden_size=32, layers=1).save_pretrained(base)
    tok.save_pretrained(base)
    out = tmp_path / "prm"
    argv = ["train-prm", str(train), "--eval", str(held), "--model", str(base), "--out", str(out)]
    assert main([*argv, "--epochs", "1", "--lr", "1e-3", "--batch-size", "8"]) == 0
    printed = capsys.readouterr().out
    assert "trained on 32 traces (96 step labels, 0 skipped)" in printed and "eval F1" in printed
    assert (out / "stepscore_prm.json").is_file()

    assert main(["score", str(held), "--scorer", f"hf:{out}", "-o", str(tmp_path / "s.jsonl")]) == 0
    scored = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert len(scored) == 6 and all(len(s["scores"]) == 3 for s in scored)
    assert all(0.0 <= v <= 1.0 for s in scored for v in s["scores"])

    assert main(["eval", str(held), "--scorer", str(out), "--out", str(tmp_path / "ev")]) == 0
    assert "PRM score" in capsys.readouterr().out
    first = json.loads((tmp_path / "ev" / "traces.jsonl").read_text().splitlines()[0])
    assert first["step_scores"]["scores"] == pytest.approx(scored[0]["scores"], abs=1e-5)
