"""PRM800K raw rows: the selection rule, rating policies and exact round trips."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from stepscore.errors import FormatError, UnknownNameError
from stepscore.reasoning.formats.prm800k import FORMAT, Prm800kFormat
from stepscore.reasoning.trace import Segmentation, Step, Trace


def _completion(text: str, rating: int | None) -> dict[str, Any]:
    return {"text": text, "rating": rating, "flagged": False}


def _row(*steps: dict[str, Any], answer: str | None = "4") -> dict[str, Any]:
    return {
        "labeler": "someone",
        "timestamp": "2022-07-30T23:23:32.118856",
        "generation": None,
        "is_quality_control_question": False,
        "is_initial_screening_question": False,
        "question": {"problem": "What is 2 + 2?", "ground_truth_answer": answer},
        "label": {"steps": list(steps), "total_time": 1234, "finish_reason": "found_error"},
    }


def _chosen(*completions: dict[str, Any], chosen: int | None = 0) -> dict[str, Any]:
    return {"completions": list(completions), "human_completion": None, "chosen_completion": chosen}


NEUTRAL_ROW = _row(
    _chosen(_completion("2 + 2 is a sum.", 1)),
    _chosen(_completion("Let me think.", 0)),
    _chosen(_completion("2 + 2 = 5.", -1), _completion("2 + 2 = 4.", 1), chosen=None),
)


# -- shared samples ----------------------------------------------------------------------


def test_samples_round_trip_exactly(prm800k_rows: list[dict[str, Any]]) -> None:
    assert len(prm800k_rows) == 6
    for row in prm800k_rows:
        written = FORMAT.to_record(FORMAT.from_record(row))
        assert written == row
        assert json.dumps(written) == json.dumps(row)  # key order kept too


@pytest.mark.parametrize("neutral", ["positive", "negative", "half", "ignore"])
def test_samples_round_trip_under_every_policy(
    prm800k_rows: list[dict[str, Any]], neutral: str
) -> None:
    for row in prm800k_rows:
        trace = FORMAT.from_record(row, neutral=neutral)
        assert FORMAT.to_record(trace) == row
        assert FORMAT.from_record(FORMAT.to_record(trace), neutral=neutral) == trace


def test_samples_follow_the_selection_rule(prm800k_rows: list[dict[str, Any]]) -> None:
    pencils, senate, *_, tetrahedron, _screening = prm800k_rows
    trace = FORMAT.from_record(pencils)
    assert trace.step_texts[1] == "We have $3p+e=1.24$ and $5p+e=1.82$."  # human completion
    assert trace.labels[1] is None  # the human completion is unrated
    assert trace.step_texts[-1].startswith("That means a pencil costs 29 cents.")  # chosen 4
    assert trace.reference == "29"
    found_error = FORMAT.from_record(senate)  # stopped at an error, nothing chosen
    assert found_error.step_texts[-1].startswith("For the Democrats, there are 5! ways")
    assert found_error.labels[-1] == 0.0
    assert found_error.labels[1] == 1.0  # rating 0 under the default policy
    gave_up = FORMAT.from_record(tetrahedron)  # its last label step has no completion
    assert len(tetrahedron["label"]["steps"]) == 9
    assert len(gave_up.steps) == 8


def test_samples_keep_their_fields_in_meta(prm800k_rows: list[dict[str, Any]]) -> None:
    trace = FORMAT.from_record(prm800k_rows[1])
    stored = trace.meta["prm800k"]
    assert stored["neutral"] == "positive"
    assert stored["row"]["question"]["pre_generated_answer"] == "7200"
    assert stored["row"]["question"]["problem"] is None  # held by the trace
    json.dumps(trace.meta)  # JSON-compatible


# -- hand-written rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("neutral", "labels"),
    [
        ("positive", [1.0, 1.0, 0.0]),
        ("negative", [1.0, 0.0, 0.0]),
        ("half", [1.0, 0.5, 0.0]),
        ("ignore", [1.0, None, 0.0]),
    ],
)
def test_neutral_policy(neutral: str, labels: list[float | None]) -> None:
    trace = FORMAT.from_record(NEUTRAL_ROW, neutral=neutral)
    assert trace.labels == labels
    assert Prm800kFormat(neutral=neutral).from_record(NEUTRAL_ROW) == trace  # type: ignore[arg-type]
    assert FORMAT.to_record(trace) == NEUTRAL_ROW


def test_reading_builds_a_joined_text() -> None:
    trace = FORMAT.from_record(NEUTRAL_ROW)
    assert trace.text == "2 + 2 is a sum.\nLet me think.\n2 + 2 = 5."
    assert trace.prompt == "What is 2 + 2?"
    assert trace.segmentation == Segmentation(strategy="given", separator="\n")
    spaced = FORMAT.from_record(NEUTRAL_ROW, separator=" ")
    assert spaced.text == "2 + 2 is a sum. Let me think. 2 + 2 = 5."
    assert FORMAT.to_record(spaced) == NEUTRAL_ROW


def test_no_minus_one_falls_back_to_the_first_completion() -> None:
    row = _row(_chosen(_completion("a", 1), _completion("b", 1), chosen=None))
    assert FORMAT.from_record(row).step_texts == ["a"]
    assert FORMAT.to_record(FORMAT.from_record(row)) == row


def test_edited_labels_and_texts_are_written() -> None:
    trace = FORMAT.from_record(NEUTRAL_ROW)
    steps = list(trace.steps)
    steps[0] = replace(steps[0], label=0.0)
    edited = replace(trace, steps=tuple(steps), prompt="What is two plus two?")
    row = FORMAT.to_record(edited)
    assert row["question"]["problem"] == "What is two plus two?"
    ratings = [step["completions"][0]["rating"] for step in row["label"]["steps"]]
    assert ratings == [-1, 0, -1]  # the edited step changed; the neutral 0 is kept


def test_a_trace_without_meta_writes_a_fresh_row() -> None:
    texts = ["a", "b", "c", "d"]
    steps, start = [], 0
    for index, (text, label) in enumerate(zip(texts, [1.0, 0.5, None, 0.0], strict=True)):
        steps.append(Step(text=text, start=start, end=start + 1, index=index, label=label))
        start += 2
    trace = Trace(text="a\nb\nc\nd", steps=tuple(steps), prompt="p", reference="r")
    row = FORMAT.to_record(trace)
    ratings = [step["completions"][0]["rating"] for step in row["label"]["steps"]]
    assert ratings == [1, 0, None, -1]
    assert row["label"]["finish_reason"] == "found_error"
    back = FORMAT.from_record(row, neutral="half")
    assert (back.text, back.labels, back.prompt, back.reference) == (
        trace.text,
        trace.labels,
        "p",
        "r",
    )


def test_a_soft_label_cannot_be_written() -> None:
    trace = Trace(text="a", steps=(Step(text="a", start=0, end=1, index=0, label=0.3),))
    with pytest.raises(FormatError, match=r"soft label 0\.3"):
        FORMAT.to_record(trace)


def test_a_stale_meta_row_is_refused() -> None:
    trace = FORMAT.from_record(NEUTRAL_ROW)
    shorter = replace(trace, steps=trace.steps[:2])
    with pytest.raises(FormatError, match="drop meta"):
        FORMAT.to_record(shorter)


def test_reading_does_not_alias_the_record() -> None:
    row = copy.deepcopy(NEUTRAL_ROW)
    trace = FORMAT.from_record(row)
    row["label"]["steps"][0]["completions"][0]["rating"] = -1
    assert FORMAT.to_record(trace) == NEUTRAL_ROW


def _broken(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    row = copy.deepcopy(NEUTRAL_ROW)
    target = row
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return row


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("question",), KeyError, "missing key 'question'"),
        (("question", "problem"), 7, "'problem' must be str"),
        (("question", "ground_truth_answer"), 4, "ground_truth_answer"),
        (("label", "steps"), {}, "'steps' must be list"),
        (("label", "steps", 0), "step", "label step 0 must be dict"),
        (("label", "steps", 0, "chosen_completion"), 3, "not a completion index"),
        (("label", "steps", 0, "chosen_completion"), True, "must be int or null"),
        (("label", "steps", 1, "completions", 0, "rating"), 2, "rating 2 is not -1, 0 or 1"),
        (("label", "steps", 1, "completions", 0, "text"), None, "completion text must be str"),
        (("label", "steps", 2, "completions", 1), [], "completion 1 must be dict"),
    ],
)
def test_malformed_rows_raise_format_errors(
    path: tuple[Any, ...], value: Any, message: str
) -> None:
    with pytest.raises(FormatError, match=message):
        FORMAT.from_record(_broken(path, value))


def test_a_non_object_record_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="must be a JSON object, not an array"):
        FORMAT.from_record([1, 2])  # type: ignore[arg-type]


def test_an_unknown_policy_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'positive'"):
        FORMAT.from_record(NEUTRAL_ROW, neutral="postive")
    with pytest.raises(ValueError, match="separator"):
        Prm800kFormat(separator=3)  # type: ignore[arg-type]
