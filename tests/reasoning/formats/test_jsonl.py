"""stepscore's own format: `Trace.to_dict` records, checked on the way in."""

from __future__ import annotations

from typing import Any

import pytest

from stepscore.errors import FormatError
from stepscore.reasoning.formats.jsonl import FORMAT
from stepscore.reasoning.trace import Segmentation, Step, Trace

TRACE = Trace(
    text="x = 1\ny = 2",
    steps=(
        Step(text="x = 1", start=0, end=5, index=0, label=1.0),
        Step(text="y = 2", start=6, end=11, index=1, kind="answer", label=0.25, round=0),
    ),
    kind="refine",
    prompt="p",
    reference="2",
    answer="2",
    id="t-1",
    segmentation=Segmentation(strategy="lines", status="fallback", reason="why"),
    meta={"source": {"file": "a.jsonl"}},
)


def test_round_trip() -> None:
    record = FORMAT.to_record(TRACE)
    assert record == TRACE.to_dict()
    assert FORMAT.from_record(record) == TRACE


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = TRACE.to_dict()
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return record


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("text",), None, "'text' must be str"),
        (("prompt",), 5, "'prompt' must be str or null"),
        (("id",), 3, "'id' must be str or null"),
        (("meta",), "ab", "'meta' must be dict"),
        (("steps",), {}, "'steps' must be list"),
        (("steps", 0), "x", "step 0 must be dict"),
        (("steps", 0, "index"), 0.0, "'index' must be int"),
        (("steps", 0, "label"), True, "'label' must be int or float or null"),
        (("steps", 0, "label"), 1.5, "outside \\[0, 1\\]"),
        (("steps", 0, "end"), 4, "does not fit"),
        (("steps", 0, "bogus"), 1, "malformed trace dict"),
        (("steps", 1, "text"), "y = 3", "text differs from the trace text"),
        (("kind",), "essay", "trace kind 'essay'"),
        (("segmentation",), [], "'segmentation' must be dict"),
        (("segmentation", "status"), "weird", "unknown segmentation status"),
    ],
)
def test_malformed_records_raise_format_errors(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.from_record(_with(path, value))


def test_a_missing_text_is_named() -> None:
    with pytest.raises(FormatError, match="missing key 'text'"):
        FORMAT.from_record({"steps": []})
