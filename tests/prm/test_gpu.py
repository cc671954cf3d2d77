"""PRM scoring and training on a CUDA device (skipped without one)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def _parts():
    from stepscore.prm.scratch import build_model, train_tokenizer
    from stepscore.reasoning.trace import Trace

    traces = [
        Trace.from_steps([f"{a} + {a} = {2 * a}", f"{2 * a} * 3 = {6 * a + (a % 2)}"],
                         labels=[1.0, 1.0 - a % 2], prompt="Compute.")
        for a in range(1, 41)
    ]  # fmt: skip
    tok = train_tokenizer([t.prompt + t.text for t in traces], vocab_size=300)
    return traces, tok, build_model(tok, "token-classification", hidden_size=64, layers=2)


def test_bf16_scores_on_gpu_match_fp32_on_cpu():
    from stepscore.prm.hf import HFStepScorer

    traces, tok, model = _parts()
    cpu = HFStepScorer(model.eval(), tok).score(traces)
    gpu_model = model.to("cuda", dtype=torch.bfloat16)
    gpu = HFStepScorer(gpu_model, tok).score(traces)
    for a, b in zip(cpu, gpu, strict=True):
        assert a.scores == pytest.approx(b.scores, abs=2e-2)  # bf16 rounding


def test_training_runs_in_bf16_on_gpu(tmp_path):
    from stepscore.prm.train import PRMTrainConfig, train_prm

    traces, tok, model = _parts()
    config = PRMTrainConfig(learning_rate=1e-3, epochs=2, batch_size=8, bf16="auto")
    result = train_prm(traces, traces[:8], model=model.to("cuda"), tokenizer=tok,
                       output_dir=tmp_path, config=config)  # fmt: skip
    assert result.global_steps == 10 and result.final_eval is not None
    assert next(model.parameters()).device.type == "cuda"
