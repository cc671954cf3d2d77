"""The implicit PRM: process rewards from a policy and its reference, no step labels.

Yuan et al. 2024, "Free Process Rewards without Process Labels" (arXiv:2412.01981),
sec. 3, used in PRIME (Cui et al. 2025): with an outcome reward parameterized as
``r(y) = beta * log(pi(y) / pi_ref(y))``, the reward of step t is the sum of
``beta * log(pi(y_i | y_<i) / pi_ref(y_i | y_<i))`` over the step's tokens, and the
running sum ``q_t`` up to step t is a Q-value. `ImplicitPRM.rewards` gives the raw
per-step sums (dense process rewards for RL); `ImplicitPRM.score` maps them into
[0, 1] with a sigmoid: of each step's own reward (``score="step"``, default) or of
``q_t`` (``score="cumulative"``).

Tokens are assigned to steps by the tokenizer's offsets into the trace text (a token
between two steps, e.g. the blank line, goes to the step after it); the prompt is
context only. Over-long traces keep their head, as in `stepscore.prm.encode`.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from stepscore.prm.aggregate import Aggregation
from stepscore.prm.encode import Encoded
from stepscore.prm.forward import CPU_BATCH_TOKENS, pad_batch, plan_batches
from stepscore.prm.requires import train_stack
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace

__all__ = ["ImplicitPRM"]


@dataclass(frozen=True, slots=True)
class _Tokens:
    ids: tuple[int, ...]
    owner: tuple[int, ...]  # step index of each token; -1 for the prompt
    n_steps: int
    cut: bool


class ImplicitPRM:
    """Per-step ``beta * log(pi/pi_ref)`` sums as a `StepScorer` (see the module docs).

    ``policy`` and ``reference`` are causal LMs sharing ``tokenizer``.
    """

    def __init__(
        self,
        policy: Any,
        reference: Any,
        tokenizer: Any,
        *,
        beta: float = 0.05,
        score: Literal["step", "cumulative"] = "step",
        chat: bool = False,
        max_length: int = 4096,
        batch_size: int = 8,
        batch_tokens: int | None = None,
        how: Aggregation = "min",
    ) -> None:
        if not beta > 0:
            raise ValueError(f"beta must be positive, got {beta}")
        if score not in ("step", "cumulative"):
            raise ValueError(f"score must be 'step' or 'cumulative', not {score!r}")
        if not getattr(tokenizer, "is_fast", False):
            raise ValueError("ImplicitPRM maps tokens to steps by offsets: use a fast tokenizer")
        self.policy, self.reference, self.tokenizer = policy, reference, tokenizer
        self.beta, self.mode, self.chat = beta, score, chat
        self.max_length, self.batch_size, self.batch_tokens = max_length, batch_size, batch_tokens
        self.how = how
        self.name = "implicit-prm"
        pad = tokenizer.pad_token_id
        self.pad_id = pad if pad is not None else (tokenizer.eos_token_id or 0)

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        out = []
        for trace, rewards, cut in zip(traces, *self._rewards(traces, batch_size), strict=True):
            if not trace.steps:
                out.append(StepScores.of([], how=self.how))
                continue
            if all(r is None for r in rewards):
                out.append(StepScores.failed(len(trace.steps), "no step token fits max_length"))
                continue
            values, running = [], 0.0
            for reward in rewards:
                running += reward or 0.0
                basis = reward if self.mode == "step" else running
                values.append(None if reward is None else _sigmoid(basis))
            status = "truncated" if cut else "ok"
            detail = f"cut at {self.max_length} tokens" if cut else ""
            out.append(StepScores.of(values, how=self.how, status=status, detail=detail))
        return out

    def rewards(
        self, traces: Sequence[Trace], *, batch_size: int | None = None
    ) -> list[list[float | None]]:
        """Per-step sums of ``beta * log(pi/pi_ref)`` (None: the step was cut off)."""
        return self._rewards(traces, batch_size)[0]

    def _rewards(
        self, traces: Sequence[Trace], batch_size: int | None
    ) -> tuple[list[list[float | None]], list[bool]]:
        torch, _ = train_stack()
        encoded = [self._tokens(t) for t in traces]
        sums: list[list[float | None]] = [[None] * e.n_steps for e in encoded]
        on_gpu = next(self.policy.parameters()).device.type == "cuda"
        budget = self.batch_tokens or (16384 if on_gpu else CPU_BATCH_TOKENS)
        batches = plan_batches(
            [len(e.ids) for e in encoded],
            batch_size=batch_size or self.batch_size,
            batch_tokens=budget,
        )
        with torch.inference_mode():
            for batch in batches:
                items = [encoded[i] for i in batch]
                ratios = self._log_ratios(items)  # (B, T-1)
                for row, index in enumerate(batch):
                    sums[index] = self._per_step(items[row], ratios[row])
        return sums, [e.cut for e in encoded]

    def _log_ratios(self, items: Sequence[_Tokens]) -> list[list[float]]:
        """beta * (log pi - log pi_ref) of each token given its prefix, per row."""
        torch, _ = train_stack()
        device = next(self.policy.parameters()).device
        ids, mask = pad_batch([Encoded(i.ids, (), 0) for i in items], self.pad_id, device)
        target = ids[:, 1:].unsqueeze(-1)  # token t+1 is predicted at t
        logps = []
        for model in (self.policy, self.reference):
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            logps.append(torch.log_softmax(logits, -1).gather(-1, target).squeeze(-1))
        return (self.beta * (logps[0] - logps[1])).tolist()

    def _per_step(self, item: _Tokens, ratios: list[float]) -> list[float | None]:
        sums: list[float | None] = [None] * item.n_steps
        for position in range(1, len(item.ids)):
            step = item.owner[position]
            if step >= 0:
                sums[step] = (sums[step] or 0.0) + ratios[position - 1]
        return sums

    def _tokens(self, trace: Trace) -> _Tokens:
        tok = self.tokenizer
        prompt, text, shift = trace.prompt, trace.text, 0
        if self.chat:
            messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": text}]
            full = tok.apply_chat_template(messages, tokenize=False)
            shift = full.rfind(text)
            prompt, text = full[:shift], full[shift:]
        head = (
            tok(prompt, add_special_tokens=not self.chat)["input_ids"]
            if prompt or not self.chat
            else []
        )
        body = tok(text, add_special_tokens=False, return_offsets_mapping=True)
        starts = [s.start for s in trace.steps]
        owner = [-1] * len(head)
        for start, _ in body["offset_mapping"]:
            owner.append(max(0, bisect.bisect_right(starts, start) - 1) if starts else -1)
        ids = list(head) + list(body["input_ids"])
        cut = len(ids) > self.max_length
        return _Tokens(
            tuple(ids[: self.max_length]), tuple(owner[: self.max_length]), len(starts), cut
        )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
