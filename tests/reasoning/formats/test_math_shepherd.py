"""Math-Shepherd rows: tag-delimited steps, +/- alignment and exact round trips."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepscore.errors import FormatError
from stepscore.reasoning.formats.math_shepherd import FORMAT, MathShepherdFormat
from stepscore.reasoning.trace import Segmentation, Step, Trace

TAG = "ки"
ROW = {
    "input": "What is 2 + 3? Step 1: 2 + 3 = 6. ки\nStep 2: The answer is: 6 ки",
    "label": "What is 2 + 3? Step 1: 2 + 3 = 6. -\nStep 2: The answer is: 6 -",
    "task": "GSM8K",
}


def test_samples_round_trip_exactly(math_shepherd_rows: list[dict[str, Any]]) -> None:
    assert len(math_shepherd_rows) == 7
    for row in math_shepherd_rows:
        trace = FORMAT.from_record(row)
        written = FORMAT.to_record(trace)
        assert written == row
        assert json.dumps(written) == json.dumps(row)
        assert FORMAT.from_record(written) == trace


def test_samples_keep_the_tags_in_the_text(math_shepherd_rows: list[dict[str, Any]]) -> None:
    for row in math_shepherd_rows:
        trace = FORMAT.from_record(row)
        assert trace.text.count(TAG) == row["input"].count(TAG) == len(trace.steps)
        assert row["input"] == f"{trace.prompt} {trace.text}"
        assert all(TAG not in text and text == text.strip() for text in trace.step_texts)
        assert trace.step_texts[0].startswith("Step 1:")
        assert trace.meta == {"math_shepherd": {"task": row["task"]}}
        tags = [m.start() for m in re.finditer(TAG, row["input"])]
        marks = [row["label"][p - k * (len(TAG) - 1)] for k, p in enumerate(tags)]
        assert trace.labels == [1.0 if c == "+" else 0.0 for c in marks]


def test_a_hand_written_row() -> None:
    trace = FORMAT.from_record(ROW)
    assert trace.prompt == "What is 2 + 3?"
    assert trace.step_texts == ["Step 1: 2 + 3 = 6.", "Step 2: The answer is: 6"]
    assert trace.labels == [0.0, 0.0]
    assert trace.segmentation == Segmentation(strategy="tag", separator=TAG)
    assert FORMAT.to_record(trace) == ROW


def test_text_after_the_last_tag_is_an_unlabelled_step() -> None:
    row = {"input": "Q? Step 1: a ки\nStep 2: b  ", "label": "Q? Step 1: a +\nStep 2: b  "}
    trace = FORMAT.from_record(row)
    assert trace.step_texts == ["Step 1: a", "Step 2: b"]
    assert trace.labels == [1.0, None]
    assert FORMAT.to_record(trace) == row


def test_blank_text_after_the_last_tag_is_no_step() -> None:
    row = {"input": "Q? Step 1: a ки \n", "label": "Q? Step 1: a + \n"}
    assert FORMAT.from_record(row).step_texts == ["Step 1: a"]
    assert FORMAT.to_record(FORMAT.from_record(row)) == row


def test_a_question_quoting_step_one_stays_whole() -> None:
    row = {
        "input": "Explain Step 1: here. Step 1: ok ки",
        "label": "Explain Step 1: here. Step 1: ok +",
    }
    trace = FORMAT.from_record(row)
    assert trace.prompt == "Explain Step 1: here."
    assert FORMAT.to_record(trace) == row


def test_an_unusual_gap_before_the_solution_round_trips() -> None:
    row = {"input": "Q?\n\nStep 1: a ки", "label": "Q?\n\nStep 1: a -"}
    trace = FORMAT.from_record(row)
    assert trace.prompt == "Q?"
    assert FORMAT.to_record(trace) == row


def test_a_custom_tag() -> None:
    row = {"input": "Q? Step 1: a <s>\nStep 2: b <s>", "label": "Q? Step 1: a +\nStep 2: b -"}
    trace = FORMAT.from_record(row, tag="<s>")
    assert trace.labels == [1.0, 0.0]
    assert trace.segmentation == Segmentation(strategy="tag", separator="<s>")
    assert MathShepherdFormat(tag="<s>").to_record(trace) == row


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"input": "Q? no steps here ки", "label": "Q? no steps here +"}, "no 'Step 1:'"),
        ({"input": "Q? Step 1: a ки", "label": "Q? Step 1: b +"}, "differs from 'input'"),
        ({"input": "Q? Step 1: a ки", "label": "Q? Step 1: a *"}, "'\\*' in place of step tag 1"),
        ({"input": "Q? Step 1: a ки", "label": "Q? Step 1: a + more"}, "runs on past"),
        ({"input": "Q? Step 1: a ки", "label": "Q? Step 1: a "}, "in place of step tag 1"),
        ({"input": "Q? Step 1: a ки"}, "missing key 'label'"),
        ({"input": ["Q?"], "label": "Q?"}, "'input' must be str, not an array"),
    ],
)
def test_malformed_rows_raise_format_errors(row: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.from_record(row)


def _trace(texts: list[str], labels: list[float | None], prompt: str = "Q?") -> Trace:
    steps, start = [], 0
    for index, (text, label) in enumerate(zip(texts, labels, strict=True)):
        steps.append(Step(text=text, start=start, end=start + len(text), index=index, label=label))
        start += len(text) + 1
    return Trace(text="\n".join(texts), steps=tuple(steps), prompt=prompt)


def test_a_trace_without_tags_is_written_in_the_layout() -> None:
    trace = _trace(["x = 1", "Step 2: y = 2", "so 3"], [1.0, 0.0, None])
    row = FORMAT.to_record(trace)
    assert row == {
        "input": "Q? Step 1: x = 1 ки\nStep 2: y = 2 ки\nStep 3: so 3",
        "label": "Q? Step 1: x = 1 +\nStep 2: y = 2 -\nStep 3: so 3",
    }
    back = FORMAT.from_record(row)
    assert back.labels == trace.labels
    assert back.step_texts == ["Step 1: x = 1", "Step 2: y = 2", "Step 3: so 3"]


@pytest.mark.parametrize(
    ("trace", "message"),
    [
        (_trace(["a", "b"], [None, 1.0]), "step 0 has no label"),
        (_trace(["a"], [0.5]), "needs 1.0 or 0.0"),
        (_trace(["a ки"], [1.0]), "holds the step tag"),
        (_trace(["a"], [1.0], prompt="Q ки"), "prompt holds the step tag"),
    ],
)
def test_traces_math_shepherd_cannot_express(trace: Trace, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.to_record(trace)


def test_a_labelled_step_after_the_last_tag_is_refused() -> None:
    trace = FORMAT.from_record({"input": "Q? Step 1: a ки b", "label": "Q? Step 1: a + b"})
    relabelled = replace(trace, steps=(trace.steps[0], replace(trace.steps[1], label=1.0)))
    with pytest.raises(FormatError, match="no tag after it"):
        FORMAT.to_record(relabelled)


_STEP_TEXT = st.text(st.characters(codec="utf-8"), max_size=12).filter(
    lambda s: TAG not in s and "Step 1:" not in s
)


@given(
    question=_STEP_TEXT.map(str.strip),
    bodies=st.lists(_STEP_TEXT, max_size=5),
    marks=st.data(),
)
def test_random_rows_round_trip(question: str, bodies: list[str], marks: st.DataObject) -> None:
    signs = marks.draw(st.lists(st.sampled_from("+-"), min_size=len(bodies), max_size=len(bodies)))
    lines = [f"Step {k}: {body} " for k, body in enumerate(bodies, start=1)] or ["Step 1: "]
    source = f"{question} " + "\n".join(f"{line}{TAG}" for line in lines[: len(bodies)])
    source = source if bodies else f"{question} {lines[0]}"
    label = source
    for sign in signs:
        label = label.replace(TAG, sign, 1)
    row = {"input": source, "label": label, "task": "MATH"}
    trace = FORMAT.from_record(row)
    assert trace.labels[: len(signs)] == [1.0 if s == "+" else 0.0 for s in signs]
    assert FORMAT.to_record(trace) == row
