"""PRM families: how each kind of process reward model wants a trace laid out.

Every PRM family in use reads a step's score at one token, but each lays the trace
out differently and reads a different pair of logits there:

- ``token-classification`` (TRL's PRM trainer): prompt tokens, then each step's
  tokens followed by the separator's tokens (each piece tokenized on its own, with
  the BOS token first when the tokenizer has one, exactly as TRL's ``tokenize_row``);
  a two-label head is read at the last separator token (label 1 = good).
- ``step-tag`` (Math-Shepherd, Wang et al. 2024): ``"{prompt} {step} ки\\n{step} ки"``;
  the language-model logits of the good and bad tokens (``+`` / ``-``) at the tag.
- ``two-class`` (Qwen2.5-Math-PRM, Zhang et al. 2025): a chat with the steps joined
  by ``<extra_0>`` in the assistant turn; a two-class head at each ``<extra_0>``.
- ``chat`` (RLHFlow PRMs, Xiong et al. 2024): one user turn per step, each answered by
  an assistant ``+``; the logits of ``+`` / ``-`` at the token before each reply.

A family is plain data; `layout` returns the text a model sees and, for each step,
the character offset where its score token ends (or, for ``chat``, where the reply
starts). `stepscore.prm.encode` turns that into token ids and positions with the
tokenizer's offsets, so separators, tags and label tokens are always looked up from
the tokenizer, never hard-coded ids, and training and inference share one path.

>>> from stepscore.reasoning.trace import Trace
>>> layout = get_family("step-tag").layout(Trace.from_steps(["1+1=2", "2*3=6"], prompt="Q"), None)
>>> layout.text, [layout.text[:a] for a in layout.anchors]
('Q 1+1=2 ки\\n2*3=6 ки', ['Q 1+1=2 ки', 'Q 1+1=2 ки\\n2*3=6 ки'])
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal, get_args

from stepscore.errors import UnknownNameError
from stepscore.reasoning.trace import Trace

__all__ = ["FAMILIES", "FamilyName", "Layout", "PRMFamily", "get_family"]

FamilyName = Literal["token-classification", "step-tag", "two-class", "chat"]
FAMILIES: tuple[str, ...] = get_args(FamilyName)
QWEN_SYSTEM = "Please reason step by step, and put your final answer within \\boxed{}."


@dataclass(frozen=True, slots=True)
class Layout:
    """A trace laid out for a family: the full ``text``, one anchor per step (a
    character offset into ``text``), and ``problem``: why the trace cannot be laid out
    faithfully ("" when it can)."""

    text: str
    anchors: tuple[int, ...]
    problem: str = ""


@dataclass(frozen=True, kw_only=True)
class PRMFamily:
    """One family's protocol (see the module docstring); every field can be changed to
    match a model trained with other strings, e.g. ``get_family("step-tag",
    step_tag="<step>")``."""

    name: FamilyName
    separator: str = "\n"
    step_tag: str = " ки"
    step_joiner: str = "\n"
    good_token: str = "+"
    bad_token: str = "-"
    system_prompt: str | None = None

    def __post_init__(self) -> None:
        if self.name not in FAMILIES:
            raise UnknownNameError("PRM family", self.name, FAMILIES)
        for name in ("separator", "step_tag", "good_token", "bad_token"):
            if not getattr(self, name):
                raise ValueError(f"PRM family {self.name}: {name} must not be empty")

    @property
    def head(self) -> Literal["classifier", "lm"]:
        """Where the two logits come from: a two-label head or the LM head."""
        return "classifier" if self.name in ("token-classification", "two-class") else "lm"

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PRMFamily:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def layout(self, trace: Trace, tokenizer: Any) -> Layout:
        """The text the model sees for ``trace``, and each step's anchor."""
        steps = trace.step_texts
        if self.name == "token-classification":  # the encoder tokenizes these pieces alone
            return self._tagged(trace.prompt, steps, self.separator, "")
        if self.name == "step-tag":
            return self._tagged(trace.prompt + " ", steps, self.step_tag, self.step_joiner)
        if self.name == "two-class":
            return self._two_class(trace, tokenizer)
        return self._chat(trace, tokenizer)

    @staticmethod
    def _tagged(head: str, steps: list[str], tag: str, joiner: str) -> Layout:
        text, anchors = head, []
        for index, step in enumerate(steps):
            text += (joiner if index else "") + step + tag
            anchors.append(len(text))
        return Layout(text=text, anchors=tuple(anchors))

    def _two_class(self, trace: Trace, tokenizer: Any) -> Layout:
        sep = self.separator
        content = sep.join(trace.step_texts) + sep
        messages = [
            {"role": "system", "content": self.system_prompt or QWEN_SYSTEM},
            {"role": "user", "content": trace.prompt},
            {"role": "assistant", "content": content},
        ]
        text = tokenizer.apply_chat_template(messages, tokenize=False)
        start = text.rfind(content)
        if start < 0:
            return Layout(text=text, anchors=(), problem="chat template changed the steps")
        anchors, cursor = [], start
        for step in trace.step_texts:
            cursor += len(step) + len(sep)
            anchors.append(cursor)
        return Layout(text=text, anchors=tuple(anchors))

    def _chat(self, trace: Trace, tokenizer: Any) -> Layout:
        messages: list[dict[str, str]] = []
        anchors = []
        for index, step in enumerate(trace.step_texts):
            content = f"{trace.prompt} {step}" if index == 0 else step
            messages.append({"role": "user", "content": content})
            prefix = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
            anchors.append(len(prefix))
            messages.append({"role": "assistant", "content": self.good_token})
        text = tokenizer.apply_chat_template(messages, tokenize=False) if messages else ""
        for anchor in anchors:  # a template that is not prefix-stable cannot be scored
            prefix_ok = text.startswith(self.good_token, anchor)
            if not prefix_ok:
                return Layout(text=text, anchors=(), problem="chat template is not prefix-stable")
        return Layout(text=text, anchors=tuple(anchors))

    def check_steps(self, trace: Trace) -> str:
        """Why ``trace`` cannot be laid out faithfully ("" when it can): a step that
        contains the family's own separator or tag would add a score position."""
        marker = self.step_tag if self.name == "step-tag" else self.separator
        if self.name in ("two-class", "step-tag"):
            for step in trace.steps:
                if marker.strip() and marker.strip() in step.text:
                    return f"step {step.index} contains the marker {marker.strip()!r}"
        return ""


_DEFAULTS: dict[str, dict[str, Any]] = {
    "token-classification": {"separator": "\n"},
    "step-tag": {"step_tag": " ки", "step_joiner": "\n"},
    "two-class": {"separator": "<extra_0>", "system_prompt": QWEN_SYSTEM},
    "chat": {},
}


def get_family(name: str | PRMFamily, **overrides: Any) -> PRMFamily:
    """A family by name with its usual strings, changed by ``overrides``."""
    if isinstance(name, PRMFamily):
        return replace(name, **overrides) if overrides else name
    if name not in FAMILIES:
        raise UnknownNameError("PRM family", str(name), FAMILIES)
    return PRMFamily(name=name, **{**_DEFAULTS[name], **overrides})
