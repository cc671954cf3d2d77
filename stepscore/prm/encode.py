"""Traces to token ids and score positions: the one tokenization path of stepscore's PRMs.

Training (`stepscore.prm.train`) and inference (`stepscore.prm.hf`) both call
`TraceEncoder.encode`, so a model is always scored at the tokens it was trained on.
Positions come from the tokenizer itself: the piecewise TRL layout counts the tokens of
each piece; the text layouts map each step's character anchor to a token through the
tokenizer's offsets (a fast tokenizer is required for those).

Truncation policy ("head"): a trace longer than ``max_length`` tokens keeps its first
``max_length`` tokens; steps whose score token falls beyond are not scored and the
trace is flagged "truncated" (never cut silently). When not even the first step fits,
the trace is an "error" with the token counts in ``detail``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from stepscore.prm.families import Layout, PRMFamily, get_family
from stepscore.reasoning.trace import Trace

__all__ = ["Encoded", "TraceEncoder"]


@dataclass(frozen=True, slots=True)
class Encoded:
    """One trace as token ids; ``positions[k]`` is the token where step k is scored
    (only the steps that fit); ``status`` "ok" | "truncated" | "empty" | "error"."""

    input_ids: tuple[int, ...]
    positions: tuple[int, ...]
    n_steps: int
    status: Literal["ok", "truncated", "empty", "error"] = "ok"
    detail: str = ""


class TraceEncoder:
    """Encodes traces for one family and tokenizer (see the module docstring)."""

    def __init__(self, tokenizer: Any, family: str | PRMFamily, *, max_length: int = 4096):
        if max_length < 2:
            raise ValueError(f"max_length must be at least 2, got {max_length}")
        self.tokenizer = tokenizer
        self.family = get_family(family)
        self.max_length = max_length
        self.pair_ids = self._pair_ids() if self.family.head == "lm" else None
        if self.family.name != "token-classification" and not getattr(tokenizer, "is_fast", False):
            raise ValueError(
                f"the {self.family.name!r} family maps steps to tokens by character "
                "offsets, which needs a fast tokenizer (use_fast=True)"
            )

    def _single_id(self, text: str, what: str) -> int:
        ids = self.tokenizer.encode(text, add_special_tokens=False)
        if len(ids) != 1:
            raise ValueError(
                f"the {what} {text!r} must be one token for this tokenizer, got {len(ids)} "
                f"({self.tokenizer.convert_ids_to_tokens(ids)})"
            )
        return int(ids[0])

    def _pair_ids(self) -> tuple[int, int]:
        """(bad, good) token ids whose LM logits give the step score."""
        return (
            self._single_id(self.family.bad_token, "bad token"),
            self._single_id(self.family.good_token, "good token"),
        )

    def encode(self, traces: Sequence[Trace]) -> list[Encoded]:
        """Encode ``traces`` (tokenized in one batched call; order kept)."""
        if self.family.name == "token-classification":
            raw = self._pieces(traces)
        else:
            raw = self._texts(traces)
        return [
            self._truncate(ids, pos, len(t.steps), why)
            for t, (ids, pos, why) in zip(traces, raw, strict=True)
        ]

    # -- layouts -----------------------------------------------------------------------

    def _pieces(self, traces: Sequence[Trace]) -> list[tuple[list[int], list[int], str]]:
        """TRL's layout: each piece tokenized alone, BOS first when the tokenizer has one."""
        tok = self.tokenizer
        sep = tok.encode(self.family.separator, add_special_tokens=False)
        if not sep:
            raise ValueError(f"the separator {self.family.separator!r} encodes to no token")
        texts = [t.prompt for t in traces] + [s.text for t in traces for s in t.steps]
        encoded = tok(texts, add_special_tokens=False)["input_ids"] if texts else []
        bos = [] if tok.bos_token_id is None else [tok.bos_token_id]
        out, cursor = [], len(traces)
        for index, trace in enumerate(traces):
            ids, positions = bos + list(encoded[index]), []
            for _ in trace.steps:
                ids += list(encoded[cursor]) + sep
                positions.append(len(ids) - 1)
                cursor += 1
            out.append((ids, positions, ""))
        return out

    def _texts(self, traces: Sequence[Trace]) -> list[tuple[list[int], list[int], str]]:
        layouts = [self._layout(t) for t in traces]
        special = self.family.name == "step-tag"  # Math-Shepherd encodes with BOS
        batch = self.tokenizer(
            [lay.text for lay in layouts],
            add_special_tokens=special,
            return_offsets_mapping=True,
        )
        before = self.family.name == "chat"
        out = []
        for lay, ids, offsets in zip(
            layouts, batch["input_ids"], batch["offset_mapping"], strict=True
        ):
            positions = _positions(offsets, lay.anchors, before=before)
            out.append((list(ids), positions, lay.problem))
        return out

    def _layout(self, trace: Trace) -> Layout:
        problem = self.family.check_steps(trace)
        if problem:
            return Layout(text="", anchors=(), problem=problem)
        return self.family.layout(trace, self.tokenizer)

    def _truncate(self, ids: list[int], positions: list[int], n_steps: int, why: str) -> Encoded:
        if why:
            return Encoded(tuple(ids), (), n_steps, "error", why)
        if n_steps == 0:
            return Encoded(tuple(ids[: self.max_length]), (), 0, "empty")
        if len(positions) != n_steps:
            detail = f"{len(positions)} score positions for {n_steps} steps"
            return Encoded(tuple(ids), (), n_steps, "error", detail)
        if len(ids) <= self.max_length:
            return Encoded(tuple(ids), tuple(positions), n_steps)
        kept = tuple(p for p in positions if p < self.max_length)
        if not kept:
            detail = (
                f"the prompt and first step need {positions[0] + 1} tokens; "
                f"max_length is {self.max_length}"
            )
            return Encoded(tuple(ids[: self.max_length]), (), n_steps, "error", detail)
        detail = f"{len(ids)} tokens cut to {self.max_length}: {n_steps - len(kept)} steps unscored"
        return Encoded(tuple(ids[: self.max_length]), kept, n_steps, "truncated", detail)


def _positions(
    offsets: Sequence[tuple[int, int]], anchors: Sequence[int], *, before: bool
) -> list[int]:
    """Token index for each character anchor: the token holding the character just
    before the anchor, or with ``before`` the last token that ends at or before it."""
    out, token = [], 0
    for anchor in anchors:
        if before:
            while token < len(offsets) and offsets[token][1] <= anchor:
                token += 1
            if token == 0:
                return out
            out.append(token - 1)
        else:
            while token < len(offsets) and offsets[token][1] < anchor:
                token += 1
            if token == len(offsets):
                return out
            out.append(token)
    return out
