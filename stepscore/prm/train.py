"""Train a PRM on step-labelled traces: `train_prm` and `PRMTrainConfig`.

Traces become token sequences through `stepscore.prm.encode.TraceEncoder` (the path
`HFStepScorer` scores with), with one target per labelled step at its score token;
every other token (the prompt, the step bodies) carries no loss. The loss is the
cross-entropy of the family's (bad, good) logit pair against the target
``[1 - y, y]``: for hard labels (y in {0, 1}) the usual two-class cross-entropy, for
soft labels (Monte-Carlo values, Wang et al. 2024 sec. 3.3) the binary cross-entropy
of P(good) against y, so soft targets are kept as they are (TRL's PRM trainer cast
them to int).

Neutral labels: PRM800K's rating 0 is mapped when reading (`prm800k` format,
``neutral=``); a label of exactly 0.5 left in hard mode is mapped by
``PRMTrainConfig.neutral``. Steps labelled None carry no loss.

Runs on `transformers.Trainer` (gradient accumulation, bf16 on GPUs that have it,
checkpoints, a learning-rate schedule); evaluation scores the eval traces with
`HFStepScorer` on the model being trained and reports step accuracy and ProcessBench
F1. The result's ``history`` is the learning curve.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from stepscore.prm.encode import Encoded
from stepscore.prm.families import PRMFamily, get_family
from stepscore.prm.hf import HFStepScorer, save_family
from stepscore.prm.metrics import StepEval
from stepscore.prm.requires import train_stack
from stepscore.reasoning.trace import Trace

__all__ = ["PRMTrainConfig", "TrainLog", "TrainResult", "train_prm"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class PRMTrainConfig:
    """How to train (all fields keyword-only; validated, no I/O)."""

    family: str | PRMFamily = "token-classification"
    label_mode: Literal["hard", "soft"] = "hard"
    neutral: Literal["positive", "negative", "ignore"] = "positive"
    max_length: int = 2048
    epochs: float = 1.0
    max_steps: int = -1
    learning_rate: float = 2e-5
    weight_decay: float = 0.0
    warmup_steps: float = 0
    scheduler: str = "linear"
    batch_size: int = 8
    grad_accum: int = 1
    eval_every: int | None = None
    save_every: int | None = None
    save_total_limit: int = 2
    logging_steps: int = 10
    bf16: bool | Literal["auto"] = "auto"
    gradient_checkpointing: bool = False
    threshold: float = 0.5
    seed: int = 0
    extra_args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        get_family(self.family)  # raises on an unknown family
        if self.label_mode not in ("hard", "soft"):
            raise ValueError(f"label_mode must be 'hard' or 'soft', not {self.label_mode!r}")
        if self.neutral not in ("positive", "negative", "ignore"):
            raise ValueError(f"neutral must be positive, negative or ignore: {self.neutral!r}")
        for name in ("batch_size", "grad_accum", "max_length", "logging_steps"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if not self.learning_rate > 0 or not (self.epochs > 0 or self.max_steps > 0):
            raise ValueError("learning_rate and epochs (or max_steps) must be positive")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"threshold must lie in (0, 1), got {self.threshold}")

    def target(self, label: float | None) -> float | None:
        """The training target of a step label under this config (None: no loss)."""
        if label is None or self.label_mode == "soft":
            return label
        if label == 0.5:
            return {"positive": 1.0, "negative": 0.0, "ignore": None}[self.neutral]
        return 1.0 if label > 0.5 else 0.0


@dataclass(frozen=True, slots=True)
class TrainLog:
    """One point of the learning curve: training loss, or an evaluation, at ``step``."""

    step: int
    epoch: float
    loss: float | None = None
    learning_rate: float | None = None
    eval: StepEval | None = None


@dataclass(frozen=True, slots=True)
class TrainResult:
    """What `train_prm` did: where the model is, the learning curve, the final eval."""

    output_dir: str
    history: tuple[TrainLog, ...]
    final_eval: StepEval | None
    global_steps: int
    train_traces: int
    train_targets: int
    skipped_traces: int
    seconds: float


def train_prm(
    train: Sequence[Trace],
    eval: Sequence[Trace] | None = None,
    *,
    model: Any,
    output_dir: str | Path,
    tokenizer: Any = None,
    config: PRMTrainConfig | None = None,
) -> TrainResult:
    """Train ``model`` (a transformers model, or a path / hub id to load) as a PRM on
    ``train``; evaluate on ``eval``; save model, tokenizer and family to ``output_dir``
    (load it back with ``HFStepScorer.from_pretrained(output_dir)``).

    Traces with no usable step target are skipped and counted; a trace longer than
    ``max_length`` keeps the steps that fit (logged).
    """
    from stepscore.prm.trainer import run_training

    config = config or PRMTrainConfig()
    family = get_family(config.family)
    model, tokenizer = _load(model, tokenizer, family)
    scorer = HFStepScorer(model, tokenizer, family=family, max_length=config.max_length)
    examples, skipped = build_examples(scorer, train, config)
    if not examples:
        raise ValueError(f"none of the {len(train)} training traces has a usable step label")
    outcome = run_training(scorer, examples, list(eval or ()), config, str(output_dir))
    scorer.model.save_pretrained(output_dir)
    tokenizer.save_pretrained(output_dir)
    save_family(output_dir, family, max_length=config.max_length)
    return TrainResult(
        output_dir=str(output_dir),
        history=outcome.history,
        final_eval=outcome.final_eval,
        global_steps=outcome.global_steps,
        train_traces=len(examples),
        train_targets=sum(len(e["targets"]) for e in examples),
        skipped_traces=skipped,
        seconds=outcome.seconds,
    )


def build_examples(
    scorer: HFStepScorer, traces: Sequence[Trace], config: PRMTrainConfig
) -> tuple[list[dict[str, Any]], int]:
    """Training examples ``{input_ids, positions, targets}`` (one target per kept
    labelled step), and how many traces had none."""
    examples, skipped, truncated = [], 0, 0
    for trace, encoded in zip(traces, scorer.encoder.encode(traces), strict=True):
        pairs = [
            (position, target)
            for position, step in zip(encoded.positions, trace.steps, strict=False)
            if (target := config.target(step.label)) is not None
        ]
        truncated += encoded.status == "truncated"
        if not pairs:
            skipped += 1
            continue
        examples.append(
            {
                "input_ids": list(encoded.input_ids),
                "positions": [p for p, _ in pairs],
                "targets": [t for _, t in pairs],
            }
        )
    if truncated:
        log.warning(
            "%d training traces exceed max_length; their later steps are dropped", truncated
        )
    return examples, skipped


def as_encoded(example: dict[str, Any]) -> Encoded:
    """A training example in the form `HFStepScorer.logits` takes."""
    positions = tuple(example["positions"])
    return Encoded(tuple(example["input_ids"]), positions, len(positions))


def soft_cross_entropy(logits: Any, targets: Any) -> Any:
    """Mean cross-entropy of (N, 2) logits (bad, good) against P(good) targets (N,)."""
    torch, _ = train_stack()
    logp = torch.log_softmax(logits.float(), dim=-1)
    return -(targets * logp[:, 1] + (1.0 - targets) * logp[:, 0]).mean()


def _load(model: Any, tokenizer: Any, family: PRMFamily) -> tuple[Any, Any]:
    if not isinstance(model, (str, Path)):
        if tokenizer is None:
            raise ValueError("pass tokenizer= with a model object")
        return model, tokenizer
    _, transformers = train_stack()
    tokenizer = tokenizer or transformers.AutoTokenizer.from_pretrained(model)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if family.head == "lm":
        return transformers.AutoModelForCausalLM.from_pretrained(model), tokenizer
    loaded = transformers.AutoModelForTokenClassification.from_pretrained(model, num_labels=2)
    return loaded, tokenizer
