"""The data model: a reasoning `Trace` split into `Step`s.

A step is a span of the trace text, never a copy detached from it: ``step.text ==
trace.text[step.start:step.end]`` always holds, so scores, labels and token positions
computed on steps can be mapped back onto the text a model saw.

>>> t = Trace(text="2 + 2 = 4\\nSo the answer is 4.", steps=(
...     Step(text="2 + 2 = 4", start=0, end=9, index=0),
...     Step(text="So the answer is 4.", start=10, end=29, index=1, label=1.0),
... ))
>>> Trace.from_dict(t.to_dict()) == t
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

from stepscore.errors import TraceError

__all__ = ["Segmentation", "Step", "Trace", "TraceKind"]

TraceKind = Literal["cot", "pot", "refine"]
TRACE_KINDS: tuple[str, ...] = get_args(TraceKind)
SegmentationStatus = Literal["ok", "fallback", "empty"]
SEGMENTATION_STATUSES: tuple[str, ...] = get_args(SegmentationStatus)


@dataclass(frozen=True, slots=True)
class Step:
    """One step: the span ``[start, end)`` of its trace's text.

    ``kind`` says what the step is ("thought", "code", "comment", "draft", "feedback",
    "revision", "answer"); ``label`` is a correctness label in [0, 1] (1.0 good,
    0.0 bad, soft values for Monte-Carlo estimates, None for unlabelled); ``round`` is
    the refinement round (0 = first draft) in self-refinement traces, else None.
    """

    text: str
    start: int
    end: int
    index: int
    kind: str = "thought"
    label: float | None = None
    round: int | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.text, str) and isinstance(self.kind, str)):
            raise TraceError(f"step {self.index}: text and kind must be strings")
        if not all(_is_int(v) for v in (self.start, self.end, self.index)):
            raise TraceError(f"step {self.index}: start, end and index must be integers")
        if self.round is not None and not _is_int(self.round):
            raise TraceError(f"step {self.index}: round must be an integer or None")
        if not 0 <= self.start <= self.end or self.end - self.start != len(self.text):
            raise TraceError(
                f"step {self.index}: span [{self.start}, {self.end}) does not fit "
                f"its text of length {len(self.text)}"
            )
        label = self.label
        if label is not None and (isinstance(label, bool) or not isinstance(label, (int, float))):
            raise TraceError(f"step {self.index}: label {label!r} is not a number")
        if label is not None and not 0.0 <= label <= 1.0:  # also rejects NaN
            raise TraceError(f"step {self.index}: label {label!r} is outside [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "index": self.index,
            "kind": self.kind,
            "label": self.label,
            "round": self.round,
        }


@dataclass(frozen=True, slots=True)
class Segmentation:
    """How a trace was split: the strategy used, and whether it had to fall back.

    ``status`` is "ok", "fallback" (the requested strategy could not apply, e.g.
    Python source that does not parse was split by lines; ``reason`` says why) or
    "empty" (no text to split). ``separator`` is the string that delimits the steps
    when there is one: an explicit step tag (Math-Shepherd's ``ки``), or the string a
    format joined its given steps with.
    """

    strategy: str
    status: SegmentationStatus = "ok"
    reason: str = ""
    separator: str | None = None

    def __post_init__(self) -> None:
        if self.status not in SEGMENTATION_STATUSES:
            raise TraceError(
                f"segmentation status {self.status!r} is not one of {SEGMENTATION_STATUSES}"
            )
        if not isinstance(self.strategy, str) or not isinstance(self.reason, str):
            raise TraceError("segmentation strategy and reason must be strings")

    def to_dict(self) -> dict[str, Any]:
        return {
            "strategy": self.strategy,
            "status": self.status,
            "reason": self.reason,
            "separator": self.separator,
        }


@dataclass(frozen=True, slots=True)
class Trace:
    """A reasoning trace: the prompt, the response ``text`` and its ``steps``.

    Steps are in text order and do not overlap; text between them is separator
    material (white space, step tags). ``reference`` is the gold answer (or tests),
    ``answer`` the extracted final answer, ``meta`` free JSON-compatible metadata.
    """

    text: str
    steps: tuple[Step, ...] = ()
    kind: TraceKind = "cot"
    prompt: str = ""
    reference: str | None = None
    answer: str | None = None
    id: str | None = None
    segmentation: Segmentation | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in TRACE_KINDS:
            raise TraceError(f"trace kind {self.kind!r} is not one of {TRACE_KINDS}")
        if not isinstance(self.text, str) or not isinstance(self.prompt, str):
            raise TraceError("a trace's text and prompt must be strings")
        for name in ("reference", "answer", "id"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise TraceError(f"a trace's {name} must be a string or None")
        if not isinstance(self.meta, Mapping):
            raise TraceError("a trace's meta must be a mapping")
        if self.segmentation is not None and not isinstance(self.segmentation, Segmentation):
            raise TraceError("a trace's segmentation must be a Segmentation or None")
        if not isinstance(self.steps, tuple):
            object.__setattr__(self, "steps", tuple(self.steps))
        text, previous_end = self.text, 0
        for position, step in enumerate(self.steps):
            if step.index != position:
                raise TraceError(f"step at position {position} has index {step.index}")
            if step.start < previous_end:
                raise TraceError(f"step {position} starts before the previous step ends")
            if text[step.start : step.end] != step.text:
                raise TraceError(f"step {position}: text differs from the trace text at its span")
            previous_end = step.end

    @classmethod
    def from_spans(
        cls,
        text: str,
        spans: Iterable[tuple[int, int, str, int | None]],
        *,
        kind: TraceKind,
        segmentation: Segmentation | None = None,
        prompt: str = "",
        reference: str | None = None,
        id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Trace:
        """A trace whose steps are ``(start, end, kind, round)`` spans of ``text``.

        The segmenters' constructor: the spans come from the text itself, so the
        steps are built without re-checking them (half the cost of `Step(...)`, which
        matters at one call per rollout). Spans must be sorted, disjoint, in range.
        """
        if kind not in TRACE_KINDS:
            raise TraceError(f"trace kind {kind!r} is not one of {TRACE_KINDS}")
        steps = []
        for index, (start, end, step_kind, rnd) in enumerate(spans):
            step = _new(Step)
            _step_text(step, text[start:end])
            _step_start(step, start)
            _step_end(step, end)
            _step_index(step, index)
            _step_kind(step, step_kind)
            _step_label(step, None)
            _step_round(step, rnd)
            steps.append(step)
        trace = _new(cls)
        for name, value in (
            ("text", text), ("steps", tuple(steps)), ("kind", kind), ("prompt", prompt),
            ("reference", reference), ("answer", None), ("id", id), ("segmentation", segmentation),
            ("meta", dict(meta) if meta else {}),
        ):  # fmt: skip
            _set(trace, name, value)
        return trace

    @classmethod
    def from_steps(
        cls,
        steps: Iterable[str],
        *,
        labels: Iterable[float | None] | None = None,
        separator: str = "\n\n",
        prompt: str = "",
        kind: TraceKind = "cot",
        reference: str | None = None,
        id: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Trace:
        """A trace from step texts joined by ``separator`` (one step spans each text).

        >>> t = Trace.from_steps(["1 + 1 = 2", "2 * 3 = 6"], labels=[1.0, 0.0], prompt="q")
        >>> t.text, t.first_error()
        ('1 + 1 = 2\\n\\n2 * 3 = 6', 1)
        """
        texts = list(steps)
        values = [None] * len(texts) if labels is None else list(labels)
        if len(values) != len(texts):
            raise TraceError(f"{len(values)} labels for {len(texts)} steps")
        built, cursor = [], 0
        for index, (text, label) in enumerate(zip(texts, values, strict=True)):
            if not isinstance(text, str):
                raise TraceError(f"step {index} is {type(text).__name__}, not a string")
            start = cursor + (len(separator) if index else 0)
            value = None if label is None else float(label)
            end = start + len(text)
            built.append(Step(text=text, start=start, end=end, index=index, label=value))
            cursor = start + len(text)
        return cls(
            text=separator.join(texts), steps=tuple(built), kind=kind, prompt=prompt,
            reference=reference, id=id, meta=dict(meta) if meta else {},
        )  # fmt: skip

    # -- views -------------------------------------------------------------------------

    @property
    def step_texts(self) -> list[str]:
        return [step.text for step in self.steps]

    @property
    def labels(self) -> list[float | None]:
        return [step.label for step in self.steps]

    def first_error(self, threshold: float = 0.5) -> int | None:
        """Index of the earliest step labelled below ``threshold``, or None."""
        for step in self.steps:
            if step.label is not None and step.label < threshold:
                return step.index
        return None

    def with_labels(self, labels: Iterable[float | None]) -> Trace:
        """A copy with one label per step (a length mismatch raises)."""
        labels = list(labels)
        if len(labels) != len(self.steps):
            raise TraceError(f"{len(labels)} labels for {len(self.steps)} steps")
        steps = tuple(
            replace(s, label=None if v is None else float(v))
            for s, v in zip(self.steps, labels, strict=True)
        )
        return replace(self, steps=steps)

    # -- JSON --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict; `Trace.from_dict` inverts it exactly."""
        return {
            "id": self.id,
            "kind": self.kind,
            "prompt": self.prompt,
            "text": self.text,
            "steps": [step.to_dict() for step in self.steps],
            "reference": self.reference,
            "answer": self.answer,
            "segmentation": None if self.segmentation is None else self.segmentation.to_dict(),
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Trace:
        """Build a trace from `to_dict` output; a malformed dict raises `TraceError`."""
        if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
            raise TraceError("a trace needs a 'text' string")
        try:
            steps = tuple(Step(**step) for step in data.get("steps") or ())
            seg = data.get("segmentation")
            return cls(
                text=data["text"],
                steps=steps,
                kind=data.get("kind", "cot"),
                prompt=data.get("prompt") or "",
                reference=data.get("reference"),
                answer=data.get("answer"),
                id=data.get("id"),
                segmentation=None if seg is None else Segmentation(**seg),
                meta=_copy_mapping(data.get("meta") or {}),
            )
        except TypeError as exc:  # unknown or missing dataclass fields
            raise TraceError(f"malformed trace dict: {exc}") from exc


def _copy_mapping(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value  # a non-mapping fails the check


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# Slot setters of Step, for `Trace.from_spans` (they bypass the frozen __setattr__).
_new = object.__new__
_set = object.__setattr__
_step_text = Step.text.__set__  # type: ignore[attr-defined]
_step_start = Step.start.__set__  # type: ignore[attr-defined]
_step_end = Step.end.__set__  # type: ignore[attr-defined]
_step_index = Step.index.__set__  # type: ignore[attr-defined]
_step_kind = Step.kind.__set__  # type: ignore[attr-defined]
_step_label = Step.label.__set__  # type: ignore[attr-defined]
_step_round = Step.round.__set__  # type: ignore[attr-defined]
