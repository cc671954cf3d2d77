"""A short from-scratch PRM run on synthetic traces: train_prm learns the error signal.

The full run (F1 target 0.90 within 10 minutes) is perf/prm_synthetic.py; this one
trains for about two minutes (1200 steps) on the same kind of error (a step's words
and operator disagree) on fewer, shorter traces, and asks for a held-out ProcessBench
F1 that a model ignoring the steps cannot reach (flagging nothing, or one step
everywhere, scores far under 0.6; the full run reaches 1.0).
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from stepscore.prm.hf import HFStepScorer  # noqa: E402
from stepscore.prm.metrics import evaluate_scores  # noqa: E402
from stepscore.prm.scratch import build_model, train_tokenizer  # noqa: E402
from stepscore.prm.synthetic import synthetic_traces  # noqa: E402
from stepscore.prm.train import PRMTrainConfig, train_prm  # noqa: E402


@pytest.mark.slow
def test_a_small_prm_learns_synthetic_operation_errors(tmp_path):
    torch.set_num_threads(2)
    kw = {"max_steps": 3, "error_kinds": ["operation"]}
    train = synthetic_traces(16000, seed=11, **kw)
    heldout = synthetic_traces(300, seed=12, **kw)
    tokenizer = train_tokenizer([t.prompt + "\n" + t.text for t in train[:1000]], vocab_size=400)
    model = build_model(tokenizer, "token-classification", hidden_size=64, layers=4, seed=0)
    config = PRMTrainConfig(
        family="token-classification", max_length=256, max_steps=1200, learning_rate=1e-3,
        warmup_steps=100, scheduler="cosine", batch_size=32, logging_steps=50,
        extra_args={"adam_beta2": 0.98},
    )  # fmt: skip
    result = train_prm(train, model=model, tokenizer=tokenizer, output_dir=tmp_path, config=config)
    assert result.global_steps == 1200
    scorer = HFStepScorer.from_pretrained(tmp_path, device="cpu", batch_size=64)
    board = evaluate_scores(heldout, scorer.score(heldout))
    assert board.processbench_f1 >= 0.6, board
