"""train_prm on tiny models: training and scoring agree, soft labels stay soft."""

from __future__ import annotations

import random

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from stepscore.prm.hf import HFStepScorer  # noqa: E402
from stepscore.prm.scratch import build_model, train_tokenizer  # noqa: E402
from stepscore.prm.train import PRMTrainConfig, train_prm  # noqa: E402
from stepscore.prm.trainer import training_predictions  # noqa: E402
from stepscore.reasoning.trace import Trace  # noqa: E402

HEADS = {
    "token-classification": "token-classification",
    "step-tag": "causal-lm",
    "two-class": "token-classification",
    "chat": "causal-lm",
}


def _sums(n: int, seed: int, *, wrong_label: float = 0.0) -> list[Trace]:
    """Three-step one-digit sums; half the traces go wrong at step 1."""
    rng, out = random.Random(seed), []
    for _ in range(n):
        bad = rng.random() < 0.5
        steps, labels = [], []
        for k in range(3):
            a, b = rng.randint(0, 9), rng.randint(0, 9)
            c = a + b + (rng.choice([-2, -1, 1, 2]) if bad and k == 1 else 0)
            steps.append(f"{a} + {b} = {c}")
            labels.append(wrong_label if bad and k >= 1 else 1.0)
        out.append(Trace.from_steps(steps, labels=labels, prompt="Add the numbers."))
    return out


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer([t.prompt + " " + t.text for t in _sums(50, 9)], vocab_size=200)


def _config(family: str, **changes) -> PRMTrainConfig:
    base = {"family": family, "learning_rate": 3e-3, "epochs": 1, "batch_size": 16}
    return PRMTrainConfig(**{**base, "max_length": 256, "logging_steps": 5, **changes})


@pytest.mark.parametrize("family", sorted(HEADS))
def test_training_time_predictions_equal_the_scorer_after_reload(family, tokenizer, tmp_path):
    train, held = _sums(96, 1), _sums(12, 2)
    model = build_model(tokenizer, HEADS[family], hidden_size=32, layers=2, seed=3)
    config = _config(family)
    result = train_prm(
        train, held, model=model, tokenizer=tokenizer, output_dir=tmp_path, config=config
    )
    assert result.global_steps == 6 and result.train_targets == 96 * 3
    assert result.final_eval is not None and result.final_eval.traces == 12
    assert [p.loss for p in result.history if p.loss is not None]  # a learning curve

    loaded = HFStepScorer.from_pretrained(tmp_path)
    assert loaded.family.name == family
    during = training_predictions(HFStepScorer(model, tokenizer, family=family), held, config)
    after = [s.scores for s in loaded.score(held)]
    assert len(during) == len(after) == 12
    for a, b in zip(during, after, strict=True):
        assert list(b) == pytest.approx(a, abs=1e-5)


def _cases(n: int, seed: int) -> list[Trace]:
    """Case A traces are all good; every step of a case B trace has the Monte-Carlo-like
    value 0.3 (a pattern a tiny model learns in seconds: the prompt says which)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        case = rng.choice("AB")
        steps = [f"{rng.randint(0, 9)} + {rng.randint(0, 9)} = {rng.randint(0, 18)}"] * 2
        labels = [1.0 if case == "A" else 0.3] * 2
        out.append(Trace.from_steps(steps, labels=labels, prompt=f"Case {case}."))
    return out


def _mean_score(scorer: HFStepScorer, traces: list[Trace], case: str) -> float:
    chosen = [t for t in traces if t.prompt == f"Case {case}."]
    values = [v for result in scorer.score(chosen) for v in result.scores]
    return sum(values) / len(values)


def test_soft_labels_pull_predictions_to_the_soft_targets(tokenizer, tmp_path):
    """Soft training moves case B predictions to about 0.3; hard training (which
    rounds 0.3 to 0) drives them to 0 instead; case A goes to 1 either way."""
    train, held = _cases(256, 4), _cases(40, 5)
    means = {}
    for mode in ("soft", "hard"):
        model = build_model(tokenizer, "token-classification", hidden_size=32, layers=2, seed=3)
        config = _config("token-classification", label_mode=mode, epochs=3)
        out = tmp_path / mode
        train_prm(train, None, model=model, tokenizer=tokenizer, output_dir=out, config=config)
        scorer = HFStepScorer(model, tokenizer)
        means[mode] = (_mean_score(scorer, held, "A"), _mean_score(scorer, held, "B"))
    assert abs(means["soft"][1] - 0.3) < 0.05, means
    assert means["hard"][1] < 0.1 and min(means["soft"][0], means["hard"][0]) > 0.9, means


def test_label_policies():
    hard, soft = PRMTrainConfig(), PRMTrainConfig(label_mode="soft")
    assert [hard.target(v) for v in (0.0, 0.3, 0.5, 0.7, 1.0, None)] == [
        0.0,
        0.0,
        1.0,
        1.0,
        1.0,
        None,
    ]
    assert PRMTrainConfig(neutral="negative").target(0.5) == 0.0
    assert PRMTrainConfig(neutral="ignore").target(0.5) is None
    assert soft.target(0.3) == 0.3
    with pytest.raises(ValueError, match="label_mode"):
        PRMTrainConfig(label_mode="fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown PRM family"):
        PRMTrainConfig(family="critic")


def test_accumulation_checkpoints_and_skipped_traces(tokenizer, tmp_path):
    unlabelled = Trace.from_steps(["1 + 1 = 2"], prompt="q")
    train = [*_sums(64, 6), unlabelled]
    model = build_model(tokenizer, "token-classification", hidden_size=32, layers=1)
    config = _config("token-classification", batch_size=8, grad_accum=2, save_every=2)
    result = train_prm(
        train, None, model=model, tokenizer=tokenizer, output_dir=tmp_path, config=config
    )
    assert result.skipped_traces == 1 and result.train_traces == 64
    assert result.global_steps == 4  # 64 traces / (8 x 2)
    assert sorted(p.name for p in tmp_path.glob("checkpoint-*")) == ["checkpoint-2", "checkpoint-4"]
    with pytest.raises(ValueError, match="has a usable step label"):
        train_prm(
            [unlabelled], model=model, tokenizer=tokenizer, output_dir=tmp_path, config=config
        )
