"""The forward pass shared by PRM training and inference: padded batches in, one pair
of logits (bad, good) per score position out.

Batches are planned by length (longest first) under a count and a token budget, so
padding stays small and memory is bounded by ``batch_tokens``. For language-model
families only the two label rows of the output embedding are applied, at the score
positions only: the full (batch, length, vocabulary) logits are never built, which
is both faster and far lighter than a plain forward of a causal LM.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stepscore.prm.encode import Encoded
from stepscore.prm.requires import train_stack

__all__ = ["CPU_BATCH_TOKENS", "pad_batch", "pair_logits", "plan_batches"]

# Configs whose LM logits are more than hidden @ W.T (scaled or soft-capped): for
# these the full forward is used so scores match the model exactly.
_LOGIT_TRANSFORMS = ("final_logit_softcapping", "logit_scale", "logits_scaling")


# Padded tokens per batch on a CPU: the attention scores of larger batches overflow the
# caches (measured: 64 traces of ~800 tokens ran 3.6-6.6x slower than one at a time), while
# ~2,000 tokens a batch beat one at a time (perf/prm_score.py). GPUs take far more.
CPU_BATCH_TOKENS = 2048


def plan_batches(lengths: Sequence[int], *, batch_size: int, batch_tokens: int) -> list[list[int]]:
    """Indices grouped into batches, longest first; a batch holds at most
    ``batch_size`` sequences and ``batch_tokens`` padded tokens (one over-long
    sequence still gets a batch of its own).

    >>> plan_batches([5, 1, 9, 2], batch_size=2, batch_tokens=100)
    [[2, 0], [3, 1]]
    >>> plan_batches([5, 1, 9, 2], batch_size=8, batch_tokens=12)
    [[2], [0, 3], [1]]
    """
    if batch_size < 1 or batch_tokens < 1:
        raise ValueError("batch_size and batch_tokens must be positive")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for index in order:
        current = batches[-1] if batches else None
        if (
            current is not None
            and len(current) < batch_size
            and lengths[current[0]] * (len(current) + 1) <= batch_tokens
        ):
            current.append(index)
        else:
            batches.append([index])
    return batches


def pad_batch(items: Sequence[Encoded], pad_id: int, device: Any = None) -> tuple[Any, Any]:
    """Right-padded ``(input_ids, attention_mask)``, each (B, T)."""
    torch, _ = train_stack()
    width = max(len(e.input_ids) for e in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    for row, item in enumerate(items):
        ids[row, : len(item.input_ids)] = torch.tensor(item.input_ids, dtype=torch.long)
        mask[row, : len(item.input_ids)] = 1
    return ids.to(device), mask.to(device)


def pair_logits(
    model: Any,
    input_ids: Any,
    attention_mask: Any,
    rows: Any,
    cols: Any,
    pair_ids: tuple[int, int] | None,
) -> Any:
    """(N, 2) logits (bad, good) at the N positions ``(rows[i], cols[i])``.

    ``pair_ids`` None: a two-label head (its first two outputs); else the LM logits of
    the (bad, good) token ids.
    """
    if pair_ids is None:
        out = model(input_ids=input_ids, attention_mask=attention_mask)
        logits = out.logits if hasattr(out, "logits") else out[0]  # (B, T, 2)
        return logits[rows, cols, :2]
    config = getattr(model, "config", None)
    direct = hasattr(model, "get_decoder") and not any(
        getattr(config, name, None) not in (None, 1.0) for name in _LOGIT_TRANSFORMS
    )
    if not direct:
        logits = model(input_ids=input_ids, attention_mask=attention_mask).logits  # (B, T, V)
        return logits[rows, cols][:, list(pair_ids)]
    hidden = model.get_decoder()(input_ids=input_ids, attention_mask=attention_mask)[0]
    picked = hidden[rows, cols]  # (N, H)
    head = model.get_output_embeddings()
    weight = head.weight[list(pair_ids)]  # (2, H)
    logits = picked @ weight.T  # (N, 2)
    if getattr(head, "bias", None) is not None:
        logits = logits + head.bias[list(pair_ids)]
    return logits
