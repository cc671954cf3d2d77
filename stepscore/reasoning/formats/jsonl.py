"""stepscore's own format: one `Trace.to_dict` object per record.

The lossless format: every field of a trace, its steps' spans and labels, segmentation
and meta round trip exactly. Reading checks the field types `Trace.from_dict` takes on
trust (a numeric prompt, a string label, a fractional index) so a bad record is a
`FormatError`, not a trace that lies about its types.

>>> from stepscore.reasoning.trace import Step, Trace
>>> trace = Trace(text="x = 1", steps=(Step(text="x = 1", start=0, end=5, index=0, label=1.0),))
>>> FORMAT.from_record(FORMAT.to_record(trace)) == trace
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, get_args

from stepscore.errors import FormatError, TraceError
from stepscore.reasoning.formats.base import RecordFormat, expect
from stepscore.reasoning.trace import SegmentationStatus, Trace

__all__ = ["FORMAT", "JsonlFormat"]

_NONE = type(None)
_TRACE_FIELDS: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "kind": (str,),
    "prompt": (str, _NONE),
    "reference": (str, _NONE),
    "answer": (str, _NONE),
    "id": (str, _NONE),
    "steps": (list, _NONE),
    "segmentation": (dict, _NONE),
    "meta": (dict, _NONE),
}
_STEP_FIELDS: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "start": (int,),
    "end": (int,),
    "index": (int,),
    "kind": (str,),
    "label": (int, float, _NONE),
    "round": (int, _NONE),
}
_SEGMENTATION_FIELDS: dict[str, tuple[type, ...]] = {
    "strategy": (str,),
    "status": (str,),
    "reason": (str,),
    "separator": (str, _NONE),
}


@dataclass(frozen=True, kw_only=True)
class JsonlFormat(RecordFormat):
    """`Trace.to_dict` records; no options."""

    name: ClassVar[str] = "jsonl"

    def _read(self, record: Mapping[str, Any]) -> Trace:
        if "text" not in record:
            raise FormatError("missing key 'text'")
        _check(record, _TRACE_FIELDS, "trace")
        for position, step in enumerate(record.get("steps") or ()):
            _check(expect(step, dict, f"step {position}"), _STEP_FIELDS, f"step {position}")
        segmentation = record.get("segmentation")
        if segmentation is not None:
            _check(segmentation, _SEGMENTATION_FIELDS, "segmentation")
            if segmentation.get("status", "ok") not in get_args(SegmentationStatus):
                raise FormatError(f"unknown segmentation status {segmentation['status']!r}")
        try:
            return Trace.from_dict(record)
        except TraceError as exc:
            raise FormatError(str(exc)) from exc

    def _write(self, trace: Trace) -> dict[str, Any]:
        return trace.to_dict()


def _check(data: Mapping[str, Any], kinds: Mapping[str, tuple[type, ...]], what: str) -> None:
    """Type-check the known fields present in ``data`` (missing ones take defaults;
    unknown ones are left for `Trace.from_dict` to reject)."""
    for key, allowed in kinds.items():
        if key in data:
            expect(data[key], allowed, f"{what} field {key!r}")


FORMAT = JsonlFormat()
