"""Turning what users put in a JSONL file into a `Trace`.

A line may hold a bare string (the response), an object with a ``text`` (and
optionally ``prompt``, ``reference``/``answer``/``gt``, ``id``, ``kind``), an object
with chat ``turns`` (or ``messages``), or a full trace (``Trace.to_dict`` output,
with ``steps``). Anything else is a `FormatError` naming what was expected, and, when
the object's keys are those of a catalogued dataset format (ProcessBench's ``problem`` and
``steps``, TRL's ``prompt`` and ``completions``, ...), the format to read it with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscore.errors import FormatError, TraceError
from stepscore.reasoning.cot import DEFAULT_TAG
from stepscore.reasoning.segment import segment
from stepscore.reasoning.trace import Trace

__all__ = ["trace_from_input"]

_REFERENCE_KEYS = ("reference", "gold", "gt", "ground_truth")
_KNOWN_KEYS = {"id", "kind", "prompt", "text", "turns", "messages", "steps", *_REFERENCE_KEYS}
# The keys that tell a catalogued dataset format's record (see `formats.catalog`).
_FORMAT_KEYS = (
    ("processbench", {"problem", "steps"}),
    ("trl", {"prompt", "completions"}),
    ("prm800k", {"question", "label"}),
    ("math_shepherd", {"input", "label"}),
)


def _format_hint(value: Mapping[str, Any]) -> str:
    """``; ...`` naming the dataset format whose keys ``value`` has, or ``""``.

    >>> _format_hint({"problem": "p", "steps": ["s"], "label": -1})
    "; its keys are those of a 'processbench' record: read it with --format processbench"
    """
    for name, keys in _FORMAT_KEYS:
        if keys <= value.keys():
            return f"; its keys are those of a {name!r} record: read it with --format {name}"
    return ""


def trace_from_input(
    value: Any,
    *,
    kind: str = "auto",
    strategy: str = "auto",
    tag: str = DEFAULT_TAG,
    resegment: bool = False,
    line: int | None = None,
) -> Trace:
    """A trace from one input value; an existing trace keeps its steps unless ``resegment``.

    >>> trace_from_input({"text": "1 + 1 = 2\\nSo 2.", "reference": "2"}).reference
    '2'
    """
    if isinstance(value, str):
        return segment(value, kind, strategy, tag=tag)
    if not isinstance(value, Mapping):
        raise FormatError(f"expected a string or an object, got {type(value).__name__}", line=line)
    if isinstance(value.get("steps"), list) and all(isinstance(s, Mapping) for s in value["steps"]):
        try:
            trace = Trace.from_dict(value)
        except TraceError as exc:
            raise FormatError(str(exc), line=line) from exc
        if not resegment:
            return trace
        value = {**trace.to_dict(), "kind": kind if kind != "auto" else trace.kind}
    turns = value.get("turns", value.get("messages"))
    text = value.get("text", turns)
    if not isinstance(text, str) and not isinstance(turns, list):
        raise FormatError(
            "an object needs a 'text' string or a 'turns' list" + _format_hint(value), line=line
        )
    reference = next((value[k] for k in _REFERENCE_KEYS if value.get(k) is not None), None)
    record_id = value.get("id")
    try:
        return segment(
            text,
            value.get("kind", kind) if kind == "auto" else kind,
            strategy,
            tag=tag,
            prompt=str(value.get("prompt") or ""),
            reference=None if reference is None else str(reference),
            id=None if record_id is None else str(record_id),
            meta={k: v for k, v in value.items() if k not in _KNOWN_KEYS},
        )
    except (TypeError, ValueError) as exc:  # a bad kind name in the file, malformed turns
        raise FormatError(str(exc), line=line) from exc
