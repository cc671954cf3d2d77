from __future__ import annotations

import json

import pytest

from stepscore import Segmentation, Step, Trace, TraceError
from stepscore.reasoning import segment


def _trace() -> Trace:
    return Trace(
        text="2 + 2 = 4\nSo 4.",
        steps=(
            Step("2 + 2 = 4", 0, 9, 0, label=1.0),
            Step("So 4.", 10, 15, 1, kind="answer", label=0.25),
        ),
        prompt="What is 2 + 2?",
        reference="4",
        answer="4",
        id="t1",
        segmentation=Segmentation("single_newline"),
        meta={"source": "hand", "scores": [0.5, 1]},
    )


def test_json_round_trip_is_lossless() -> None:
    trace = _trace()
    assert Trace.from_dict(json.loads(json.dumps(trace.to_dict()))) == trace


def test_views() -> None:
    trace = _trace()
    assert trace.step_texts == ["2 + 2 = 4", "So 4."]
    assert trace.labels == [1.0, 0.25]
    assert trace.first_error() == 1
    assert trace.with_labels([1, None]).labels == [1.0, None]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Step("abc", 0, 2, 0),  # span length differs from the text
        lambda: Step("abc", 2, 5, 0, label=1.5),
        lambda: Step("abc", 2, 5, 0, label=float("nan")),
        lambda: Trace(text="abc", steps=(Step("b", 1, 2, 1),)),  # index is not the position
        lambda: Trace(text="abc", steps=(Step("x", 1, 2, 0),)),  # text differs from the span
        lambda: Trace(text="abc", steps=(Step("bc", 1, 3, 0), Step("b", 1, 2, 1))),  # overlap
        lambda: Trace(text="abc", kind="essay"),  # type: ignore[arg-type]
        lambda: _trace().with_labels([1.0]),
        lambda: Trace.from_dict({"text": "a", "steps": [{"txt": "a"}]}),
        lambda: Trace.from_dict({"steps": []}),
        lambda: Trace.from_dict({"text": "a", "meta": "ab"}),
        lambda: Trace.from_dict({"text": "a", "id": 3}),
        lambda: Trace.from_dict({"text": "a", "segmentation": {"strategy": "x", "status": "odd"}}),
        lambda: Step("a", 0, 1, 0, label=True),
        lambda: Step("a", 0.0, 1, 0),  # type: ignore[arg-type]
        lambda: Step("a", 0, 1, 0, round="1"),  # type: ignore[arg-type]
    ],
)
def test_invariants_raise_trace_error(make) -> None:
    with pytest.raises(TraceError):
        make()


def test_trace_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Step("a", 0, 5, 0)


def test_segmented_traces_round_trip_through_json() -> None:
    for text, kind in [
        ("Draft: 1+1=3\nFeedback: wrong\nRevision: 1+1=2", "auto"),
        ("x = 1\nans = x + 1", "pot"),
        ("a. b. c.", "cot"),
    ]:
        trace = segment(text, kind)
        assert Trace.from_dict(json.loads(json.dumps(trace.to_dict()))) == trace
