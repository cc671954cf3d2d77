"""`HFStepScorer`: discriminative PRMs on transformers models, batched.

One class serves every family in `stepscore.prm.families`; the family decides the
layout and which logits are read. Traces are encoded in one tokenizer call, sorted by
length, padded per batch under a count and a token budget, and run under
``torch.inference_mode()`` (bf16 on GPU by default). A model directory written by
`stepscore.prm.train.train_prm` carries its family in ``stepscore_prm.json``, so
``HFStepScorer.from_pretrained(dir)`` needs no other argument.

Loading public PRMs (needs the hub or a local copy)::

    HFStepScorer.from_pretrained("peiyi9979/math-shepherd-mistral-7b-prm", family="step-tag")
    HFStepScorer.from_pretrained("Qwen/Qwen2.5-Math-PRM-7B", family="two-class",
                                 trust_remote_code=True)
    HFStepScorer.from_pretrained("RLHFlow/Llama3.1-8B-PRM-Deepseek-Data", family="chat")
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stepscore.prm.aggregate import Aggregation, aggregate
from stepscore.prm.encode import Encoded, TraceEncoder
from stepscore.prm.families import PRMFamily, get_family
from stepscore.prm.forward import CPU_BATCH_TOKENS, pad_batch, pair_logits, plan_batches
from stepscore.prm.requires import train_stack
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace

__all__ = ["FAMILY_FILE", "HFStepScorer", "is_decoder_only", "load_family", "save_family"]

log = logging.getLogger(__name__)
FAMILY_FILE = "stepscore_prm.json"


def save_family(directory: str | Path, family: PRMFamily, *, max_length: int) -> None:
    """Record a model's family (and length limit) beside its weights."""
    data = {"family": family.to_dict(), "max_length": max_length}
    Path(directory, FAMILY_FILE).write_text(json.dumps(data, indent=2) + "\n")


def load_family(directory: str | Path) -> tuple[PRMFamily, int] | None:
    """The family and length limit saved with a model, None when there is none."""
    path = Path(directory, FAMILY_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return PRMFamily.from_dict(data["family"]), int(data["max_length"])


class HFStepScorer:
    """A transformers PRM as a `StepScorer` (see the module docstring)."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        family: str | PRMFamily = "token-classification",
        max_length: int = 4096,
        batch_size: int = 16,
        batch_tokens: int | None = None,
        how: Aggregation = "min",
        name: str | None = None,
        causal: bool | None = None,
    ) -> None:
        self.model = model
        self.causal = is_decoder_only(model) if causal is None else causal
        self.tokenizer = tokenizer
        self.encoder = TraceEncoder(tokenizer, family, max_length=max_length)
        self.family = self.encoder.family
        self.batch_size = batch_size
        self._batch_tokens = batch_tokens
        self.how = how
        self.name = name or f"hf-{self.family.name}"
        aggregate([], how)  # an unknown reduction fails here, not mid-run
        pad = tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else (tokenizer.eos_token_id or 0)

    @classmethod
    def from_pretrained(
        cls,
        path_or_id: str | Path,
        *,
        family: str | PRMFamily | None = None,
        device: str | None = None,
        dtype: str | None = None,
        trust_remote_code: bool = False,
        **options: Any,
    ) -> HFStepScorer:
        """Load a model and tokenizer; ``family`` defaults to the saved one.
        ``device`` defaults to CUDA when present; ``dtype`` to bf16 there, else fp32."""
        torch, transformers = train_stack()
        saved = load_family(path_or_id) if Path(path_or_id).is_dir() else None
        if family is None and saved is None:
            raise ValueError(
                f"{path_or_id}: no {FAMILY_FILE} beside the model; pass family= "
                "(token-classification, step-tag, two-class or chat)"
            )
        chosen = get_family(family) if family is not None else saved[0]  # type: ignore[index]
        if saved is not None and "max_length" not in options:
            options["max_length"] = saved[1]
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        torch_dtype = getattr(torch, dtype) if dtype else None
        if torch_dtype is None:
            torch_dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            path_or_id, trust_remote_code=trust_remote_code
        )
        auto = _auto_class(transformers, chosen, path_or_id, trust_remote_code)
        model = auto.from_pretrained(
            path_or_id, dtype=torch_dtype, trust_remote_code=trust_remote_code
        )
        model.to(device).eval()
        return cls(model, tokenizer, family=chosen, **options)

    @property
    def device(self) -> Any:
        return next(self.model.parameters()).device

    @property
    def batch_tokens(self) -> int:
        """Padded tokens per batch: as given, else by device (32,768 on a GPU, where large
        batches fill it; `CPU_BATCH_TOKENS` on a CPU, where they overflow the caches)."""
        if self._batch_tokens is not None:
            return self._batch_tokens
        return 32768 if self.device.type == "cuda" else CPU_BATCH_TOKENS

    @batch_tokens.setter
    def batch_tokens(self, value: int | None) -> None:
        self._batch_tokens = value

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        """One `StepScores` per trace, in order; bad traces get a status, not an error."""
        torch, _ = train_stack()
        encoded = self.encoder.encode(traces)
        probs: list[list[float]] = [[] for _ in encoded]
        live = [i for i, e in enumerate(encoded) if e.positions]
        batches = plan_batches(
            [len(encoded[i].input_ids) for i in live],
            batch_size=batch_size or self.batch_size,
            batch_tokens=self.batch_tokens,
        )
        failures: dict[int, str] = {}
        with torch.inference_mode():
            for batch in batches:
                self._run([live[j] for j in batch], encoded, probs, failures)
        return [
            StepScores.failed(e.n_steps, failures[i]) if i in failures else _result(e, p, self.how)
            for i, (e, p) in enumerate(zip(encoded, probs, strict=True))
        ]

    def _run(
        self,
        members: list[int],
        encoded: list[Encoded],
        probs: list[list[float]],
        failures: dict[int, str],
    ) -> None:
        """Score one batch; out of device memory, halve it; a single trace that still
        does not fit fails alone instead of failing the call."""
        torch, _ = train_stack()
        try:
            values = self.good_probs([encoded[i] for i in members])
        except torch.OutOfMemoryError:
            if self.device.type == "cuda":
                torch.cuda.empty_cache()
            if len(members) == 1:
                tokens = len(encoded[members[0]].input_ids)
                failures[members[0]] = f"out of device memory at {tokens} tokens"
                return
            half = len(members) // 2
            log.warning("out of device memory on %d traces: splitting the batch", len(members))
            self._run(members[:half], encoded, probs, failures)
            self._run(members[half:], encoded, probs, failures)
            return
        for index, value in zip(members, values, strict=True):
            probs[index] = value

    def good_probs(self, items: Sequence[Encoded]) -> list[list[float]]:
        """P(good) at each item's score positions (one forward for the batch)."""
        logits = self.logits(items)
        flat = logits.float().softmax(-1)[:, 1].tolist()
        out, cursor = [], 0
        for item in items:
            out.append(flat[cursor : cursor + len(item.positions)])
            cursor += len(item.positions)
        return out

    def logits(self, items: Sequence[Encoded]) -> Any:
        """(N, 2) logits at every score position of ``items`` in order: the
        computation training differentiates through (`stepscore.prm.train`)."""
        torch, _ = train_stack()
        ids, mask = pad_batch(items, self.pad_id, self.device)
        rows = [r for r, item in enumerate(items) for _ in item.positions]
        cols = [p for item in items for p in item.positions]
        index = torch.tensor(rows, device=ids.device), torch.tensor(cols, device=ids.device)
        # Right padding never reaches a real token of a causal decoder, so it needs no
        # mask there, and the unmasked causal attention kernels are faster.
        mask = None if self.causal else mask
        return pair_logits(self.model, ids, mask, *index, self.encoder.pair_ids)


def _result(encoded: Encoded, probs: list[float], how: Aggregation) -> StepScores:
    if encoded.status == "error":
        return StepScores.failed(encoded.n_steps, encoded.detail)
    if encoded.status == "empty":
        return StepScores.of([], how=how)
    scores = [*probs, *([None] * (encoded.n_steps - len(probs)))]
    return StepScores.of(scores, how=how, status=encoded.status, detail=encoded.detail)


def is_decoder_only(model: Any) -> bool:
    """Whether ``model`` is a causal decoder (Llama, Qwen, Mistral, ...): its type has a
    causal-LM class and no masked-LM one (BERT-like encoders have both)."""
    from transformers.models.auto import modeling_auto

    kind = getattr(getattr(model, "config", None), "model_type", None)
    return (
        kind in modeling_auto.MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
        and kind not in modeling_auto.MODEL_FOR_MASKED_LM_MAPPING_NAMES
    )


def _auto_class(transformers: Any, family: PRMFamily, path: str | Path, remote: bool) -> Any:
    """The Auto class that restores the family's head."""
    if family.head == "lm":
        return transformers.AutoModelForCausalLM
    if family.name == "token-classification":
        return transformers.AutoModelForTokenClassification
    config = transformers.AutoConfig.from_pretrained(path, trust_remote_code=remote)
    architectures = getattr(config, "architectures", None) or []
    if any(a.endswith("ForTokenClassification") for a in architectures):
        return transformers.AutoModelForTokenClassification
    return transformers.AutoModel  # Qwen2.5-Math-PRM registers its head behind AutoModel
