"""Any input a reader or writer can meet fails with a `FormatError`, never another error.

Records are fuzzed two ways: arbitrary JSON values, and valid records with one nested
value replaced or deleted (the near misses real files are full of). Writers get traces
whose format meta has been damaged the same way.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepscore.errors import FormatError
from stepscore.reasoning.formats import available_formats, get_format
from stepscore.reasoning.trace import Step, Trace

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

_STEP = {
    "completions": [
        {"text": "2 + 2 = 5", "rating": -1, "flagged": False},
        {"text": "2 + 2 = 4", "rating": 1, "flagged": None},
    ],
    "human_completion": {"text": "2 + 2 = 4.", "rating": None, "source": "human", "flagged": False},
    "chosen_completion": None,
}
VALID: dict[str, dict[str, Any]] = {
    "jsonl": Trace(
        text="a b",
        steps=(Step(text="a", start=0, end=1, index=0, label=1.0),),
        segmentation=None,
        meta={"k": [1]},
    ).to_dict(),
    "math_shepherd": {
        "input": "Q Step 1: a ки\nStep 2: b ки c",
        "label": "Q Step 1: a +\nStep 2: b - c",
        "task": "MATH",
    },
    "prm800k": {
        "question": {"problem": "2 + 2?", "ground_truth_answer": "4"},
        "label": {"steps": [_STEP, {**_STEP, "chosen_completion": 1}], "finish_reason": "solution"},
    },
    "processbench": {"id": "x", "problem": "p", "steps": ["a", "b"], "label": 1, "extra": [1]},
    "trl": {"prompt": "p", "completions": ["a", "b"], "labels": [True, 0], "id": 1},
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a nested value of ``value``."""
    children: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    paths = [prefix] if prefix else []
    for key, child in children:
        paths.extend(_paths(child, (*prefix, key)))
    return paths


def _damage(record: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    record = copy.deepcopy(record)
    path = data.draw(st.sampled_from(_paths(record)))
    target = record
    for key in path[:-1]:
        target = target[key]
    if data.draw(st.booleans()) and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = data.draw(_JSON)
    return record


def _survives(call: Any) -> None:
    """Run ``call``; it may succeed or raise `FormatError`, nothing else."""
    with contextlib.suppress(FormatError):
        call()


def test_the_valid_records_are_valid() -> None:
    for name, record in VALID.items():
        fmt = get_format(name)
        assert fmt.from_record(fmt.to_record(fmt.from_record(record))) == fmt.from_record(record)


@pytest.mark.parametrize("name", available_formats())
@given(record=_JSON)
def test_arbitrary_json_only_raises_format_errors(name: str, record: Any) -> None:
    _survives(lambda: get_format(name).from_record(record))


@pytest.mark.parametrize("name", available_formats())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_records_only_raise_format_errors(name: str, data: st.DataObject) -> None:
    fmt = get_format(name)
    _survives(lambda: fmt.to_record(fmt.from_record(_damage(VALID[name], data))))


@pytest.mark.parametrize("name", ["math_shepherd", "prm800k", "processbench", "trl"])
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_meta_only_raises_format_errors(name: str, data: st.DataObject) -> None:
    fmt = get_format(name)
    trace = fmt.from_record(VALID[name])
    key = next(iter(trace.meta))
    meta = _damage({key: dict(trace.meta[key])}, data)
    _survives(lambda: fmt.to_record(replace(trace, meta=meta)))
