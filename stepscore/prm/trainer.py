"""The `transformers.Trainer` behind `stepscore.prm.train.train_prm`.

Separate from ``train.py`` because everything here imports torch and transformers at
module level (it is only imported once training starts). The loss is computed from
`HFStepScorer.logits`, the very function scoring uses, so training-time predictions
at the score tokens equal what the scorer returns afterwards.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
import transformers

from stepscore.prm.hf import HFStepScorer
from stepscore.prm.metrics import StepEval, evaluate_scores
from stepscore.prm.train import (
    PRMTrainConfig,
    TrainLog,
    as_encoded,
    build_examples,
    soft_cross_entropy,
)
from stepscore.reasoning.trace import Trace

__all__ = ["PRMTrainer", "TrainOutcome", "run_training", "training_predictions"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainOutcome:
    history: tuple[TrainLog, ...]
    final_eval: StepEval | None
    global_steps: int
    seconds: float


def _collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
    # Kept as plain lists: `PRMTrainer.compute_loss` pads them through the scorer.
    return {"examples": batch}


class PRMTrainer(transformers.Trainer):
    """A Trainer whose loss is the soft cross-entropy at the score tokens and whose
    evaluation scores whole traces with `HFStepScorer`."""

    def __init__(
        self,
        *args: Any,
        scorer: HFStepScorer,
        eval_traces: Sequence[Trace],
        config: PRMTrainConfig,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.scorer = scorer
        self.eval_traces = list(eval_traces)
        self.prm_config = config
        self.evals: list[tuple[int, float, StepEval]] = []
        self.loss_is_scaled_for_ga = False  # our loss is a per-batch mean

    def _prepare_inputs(self, inputs: dict[str, Any]) -> dict[str, Any]:
        return inputs  # padding and device placement happen in the scorer

    def compute_loss(
        self,
        model: Any,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> Any:
        examples = inputs["examples"]
        self.scorer.model = model  # the (possibly wrapped) model being trained
        logits = self.scorer.logits([as_encoded(e) for e in examples])  # (N, 2)
        targets = torch.tensor(
            [t for e in examples for t in e["targets"]], dtype=torch.float32, device=logits.device
        )
        loss = soft_cross_entropy(logits, targets)
        return (loss, {"logits": logits}) if return_outputs else loss

    def evaluate(
        self, eval_dataset: Any = None, ignore_keys: Any = None, metric_key_prefix: str = "eval"
    ) -> dict[str, float]:
        if not self.eval_traces:
            return {}
        if self.evals and self.evals[-1][0] == self.state.global_step:
            return self._metrics(self.evals[-1][2], metric_key_prefix)
        model = self.model
        was_training = model.training
        model.eval()
        self.scorer.model = model
        scores = self.scorer.score(self.eval_traces)
        model.train(was_training)
        result = evaluate_scores(self.eval_traces, scores, threshold=self.prm_config.threshold)
        self.evals.append((self.state.global_step, float(self.state.epoch or 0.0), result))
        metrics = self._metrics(result, metric_key_prefix)
        self.log(metrics)
        return metrics

    @staticmethod
    def _metrics(result: StepEval, prefix: str) -> dict[str, float]:
        return {
            f"{prefix}_processbench_f1": result.processbench_f1,
            f"{prefix}_step_accuracy": result.step_accuracy or 0.0,
        }


def training_arguments(config: PRMTrainConfig, output_dir: str, has_eval: bool) -> Any:
    """`transformers.TrainingArguments` for ``config``."""
    bf16 = config.bf16
    if bf16 == "auto":
        bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    every = config.eval_every
    fields = {f.name for f in dataclasses.fields(transformers.TrainingArguments)}
    checkpointing = "activation_checkpointing"  # transformers 5's name (the old one warns)
    if checkpointing not in fields:
        checkpointing = "gradient_checkpointing"
    return transformers.TrainingArguments(
        output_dir=output_dir,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        warmup_steps=config.warmup_steps,
        lr_scheduler_type=config.scheduler,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        eval_strategy=("steps" if every else "epoch") if has_eval else "no",
        eval_steps=every,
        save_strategy="steps" if config.save_every else "no",
        save_steps=config.save_every,
        save_total_limit=config.save_total_limit,
        logging_steps=config.logging_steps,
        bf16=bool(bf16),
        seed=config.seed,
        remove_unused_columns=False,
        report_to=[],
        disable_tqdm=True,
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
        **{checkpointing: config.gradient_checkpointing},
        **config.extra_args,
    )


def run_training(
    scorer: HFStepScorer,
    examples: list[dict[str, Any]],
    eval_traces: list[Trace],
    config: PRMTrainConfig,
    output_dir: str,
) -> TrainOutcome:
    """Train ``scorer.model`` in place; the learning curve and final eval come back."""
    start = time.perf_counter()
    args = training_arguments(config, output_dir, bool(eval_traces))
    trainer = PRMTrainer(
        model=scorer.model,
        args=args,
        train_dataset=examples,  # a list is a map-style dataset
        # Trainer wants an eval dataset to schedule evals; ours scores eval_traces instead.
        eval_dataset=examples[:1] if eval_traces else None,
        data_collator=_collate,
        scorer=scorer,
        eval_traces=eval_traces,
        config=config,
    )
    trainer.remove_callback(transformers.PrinterCallback)  # the library logs; it never prints
    trainer.train()
    scorer.model = trainer.model
    final = None
    if eval_traces:
        last = trainer.evals[-1] if trainer.evals else None
        if last is None or last[0] != trainer.state.global_step:
            trainer.evaluate()
        final = trainer.evals[-1][2]
    scorer.model.eval()
    return TrainOutcome(
        history=_history(trainer),
        final_eval=final,
        global_steps=trainer.state.global_step,
        seconds=time.perf_counter() - start,
    )


def _history(trainer: PRMTrainer) -> tuple[TrainLog, ...]:
    points = [
        TrainLog(
            step=int(entry["step"]),
            epoch=float(entry.get("epoch") or 0.0),
            loss=float(entry["loss"]),
            learning_rate=entry.get("learning_rate"),
        )
        for entry in trainer.state.log_history
        if "loss" in entry
    ]
    points += [TrainLog(step=s, epoch=e, eval=result) for s, e, result in trainer.evals]
    return tuple(sorted(points, key=lambda p: (p.step, p.eval is not None)))


def training_predictions(
    scorer: HFStepScorer, traces: Sequence[Trace], config: PRMTrainConfig
) -> list[list[float]]:
    """P(good) at every training target of ``traces``, computed exactly as the loss sees
    them (the examples `train_prm` builds, one batch each, through the loss's logits;
    dropout off so the figures are deterministic); traces with no target are left out.
    For checking that training and scoring agree."""
    examples, _ = build_examples(scorer, traces, config)
    was_training = scorer.model.training
    scorer.model.eval()
    try:
        out = []
        for example in examples:
            logits = scorer.logits([as_encoded(example)])
            out.append(logits.detach().float().softmax(-1)[:, 1].tolist())
        return out
    finally:
        scorer.model.train(was_training)
