"""ProcessBench rows: earliest-error labels and exact round trips of the released files."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from stepscore.errors import FormatError
from stepscore.reasoning.formats.processbench import FORMAT
from stepscore.reasoning.trace import Segmentation, Step, Trace

ROW = {
    "id": "gsm8k-1",
    "generator": "Qwen2-7B-Instruct",
    "problem": "2 + 2?",
    "steps": ["2 + 2 = 5.", "So 5.", "The answer is 5."],
    "final_answer_correct": False,
    "label": 1,
}


def test_released_rows_round_trip_exactly(processbench_rows: list[dict[str, Any]]) -> None:
    assert len(processbench_rows) in (400, 1000)
    for row in processbench_rows:
        trace = FORMAT.from_record(row)
        written = FORMAT.to_record(trace)
        assert written == row
        assert json.dumps(written) == json.dumps(row)
        assert FORMAT.from_record(written) == trace


def test_released_rows_map_labels(processbench_rows: list[dict[str, Any]]) -> None:
    for row in processbench_rows:
        trace = FORMAT.from_record(row)
        assert trace.id == row["id"] and trace.prompt == row["problem"]
        assert trace.text == "\n\n".join(row["steps"])
        error = row["label"]
        assert trace.first_error() == (None if error == -1 else error)
        assert trace.meta["processbench"] == {
            "generator": row["generator"],
            "final_answer_correct": row["final_answer_correct"],
        }


def test_labels_follow_the_earliest_error() -> None:
    trace = FORMAT.from_record(ROW)
    assert trace.labels == [1.0, 0.0, None]
    assert trace.step_texts == ROW["steps"]
    assert trace.segmentation == Segmentation(strategy="given", separator="\n\n")
    correct = FORMAT.from_record({**ROW, "label": -1})
    assert correct.labels == [1.0, 1.0, 1.0]
    assert FORMAT.to_record(correct)["label"] == -1


def test_soft_labels_are_thresholded_at_one_half() -> None:
    steps = (
        Step(text="a", start=0, end=1, index=0, label=0.9),
        Step(text="b", start=2, end=3, index=1, label=0.4),
        Step(text="c", start=4, end=5, index=2, label=0.1),
    )
    row = FORMAT.to_record(Trace(text="a\nb\nc", steps=steps, prompt="p", id="x"))
    assert row == {"id": "x", "problem": "p", "steps": ["a", "b", "c"], "label": 1}


def test_an_unjudged_step_before_the_first_error_is_refused() -> None:
    trace = FORMAT.from_record(ROW)
    unjudged = replace(trace, steps=(replace(trace.steps[0], label=None), *trace.steps[1:]))
    with pytest.raises(FormatError, match="step 0 is unlabelled"):
        FORMAT.to_record(unjudged)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"label": 3}, "label 3 is not -1 or a step index below 3"),
        ({"label": -2}, "label -2"),
        ({"label": True}, "'label' must be int, not a boolean"),
        ({"label": "1"}, "'label' must be int"),
        ({"steps": "abc"}, "'steps' must be list"),
        ({"steps": ["a", None, "c"]}, "step 1 must be str"),
        ({"id": 7}, "'id' must be str or null"),
        ({"problem": None}, "'problem' must be str"),
    ],
)
def test_malformed_rows_raise_format_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.from_record({**ROW, **changes})


def test_a_missing_key_is_named() -> None:
    row = {k: v for k, v in ROW.items() if k != "steps"}
    with pytest.raises(FormatError, match="missing key 'steps'"):
        FORMAT.from_record(row)
