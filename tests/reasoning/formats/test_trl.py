"""TRL stepwise supervision: joined steps, bool/soft labels and extra columns."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepscore.errors import FormatError, UnknownNameError
from stepscore.reasoning.formats.trl import FORMAT, TrlFormat
from stepscore.reasoning.trace import Segmentation, Step, Trace

ROW = {"prompt": "2 + 2?", "completions": ["2 + 2 = 4.", "So 4."], "labels": [True, False]}


def test_a_hand_written_row() -> None:
    trace = FORMAT.from_record(ROW)
    assert trace.text == "2 + 2 = 4.\nSo 4."
    assert trace.prompt == "2 + 2?"
    assert trace.step_texts == ROW["completions"]
    assert trace.labels == [1.0, 0.0]
    assert trace.segmentation == Segmentation(strategy="given", separator="\n")
    assert trace.meta == {}
    assert FORMAT.to_record(trace) == ROW


def test_the_separator_option() -> None:
    trace = FORMAT.from_record(ROW, separator="\n\n")
    assert trace.text == "2 + 2 = 4.\n\nSo 4."
    assert trace.steps[1].start == 12
    assert TrlFormat(separator="\n\n").from_record(ROW) == trace
    assert FORMAT.to_record(trace) == ROW


def test_numeric_labels_are_read() -> None:
    trace = FORMAT.from_record(
        {"prompt": "", "completions": ["a", "b", "c"], "labels": [1, 0, 0.75]}
    )
    assert trace.labels == [1.0, 0.0, 0.75]


def test_soft_labels_need_the_option() -> None:
    trace = FORMAT.from_record({"prompt": "", "completions": ["a", "b"], "labels": [1, 0.75]})
    with pytest.raises(FormatError, match="soft_labels=True"):
        FORMAT.to_record(trace)
    assert FORMAT.to_record(trace, soft_labels=True)["labels"] == [1.0, 0.75]


def test_extra_columns_round_trip() -> None:
    row = {**ROW, "id": "row-7", "source": {"dataset": "x", "split": "train"}}
    trace = FORMAT.from_record(row)
    assert trace.meta == {"trl": {"id": "row-7", "source": {"dataset": "x", "split": "train"}}}
    assert FORMAT.to_record(trace) == row


def test_an_unlabelled_step_cannot_be_written() -> None:
    trace = Trace(text="a", steps=(Step(text="a", start=0, end=1, index=0),))
    with pytest.raises(FormatError, match="step 0 has no label"):
        FORMAT.to_record(trace)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"prompt": "p", "completions": ["a"]}, "missing key 'labels'"),
        ({"prompt": "p", "completions": ["a"], "labels": [True, True]}, "2 labels for 1 steps"),
        ({"prompt": "p", "completions": ["a"], "labels": [2]}, "outside \\[0, 1\\]"),
        ({"prompt": "p", "completions": ["a"], "labels": ["yes"]}, "label 0 must be"),
        ({"prompt": "p", "completions": ["a"], "labels": [None]}, "label 0 is null"),
        ({"prompt": "p", "completions": [3], "labels": [True]}, "step 0 must be str"),
        ({"prompt": "p", "completions": "a", "labels": [True]}, "'completions' must be list"),
        ({"prompt": [{"role": "user"}], "completions": [], "labels": []}, "'prompt' must be str"),
    ],
)
def test_malformed_rows_raise_format_errors(row: dict[str, Any], message: str) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.from_record(row)


def test_options_are_checked() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'separator'"):
        FORMAT.from_record(ROW, seperator=" ")
    with pytest.raises(ValueError, match="soft_labels"):
        FORMAT.to_record(FORMAT.from_record(ROW), soft_labels="yes")


_TEXT = st.text(st.characters(codec="utf-8"), max_size=20)


@given(
    prompt=_TEXT,
    pairs=st.lists(st.tuples(_TEXT, st.booleans()), max_size=8),
    separator=st.sampled_from(["\n", "\n\n", " ", ""]),
)
def test_random_rows_round_trip(prompt: str, pairs: list[tuple[str, bool]], separator: str) -> None:
    row = {"prompt": prompt, "completions": [t for t, _ in pairs], "labels": [b for _, b in pairs]}
    trace = FORMAT.from_record(row, separator=separator)
    assert trace.step_texts == row["completions"]
    assert all(trace.text[s.start : s.end] == s.text for s in trace.steps)
    written = FORMAT.to_record(trace)
    assert written == row
    assert all(type(label) is bool for label in written["labels"])
    assert FORMAT.from_record(written, separator=separator) == trace
