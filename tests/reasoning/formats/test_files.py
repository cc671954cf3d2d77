"""Reading and writing files: per-line error reports, JSON arrays, lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore.errors import FormatError, UnknownNameError
from stepscore.reasoning.formats import (
    ReadResult,
    get_format,
    iter_traces,
    read_traces,
    write_traces,
)
from stepscore.reasoning.trace import Step, Trace

GOOD = {"prompt": "p", "completions": ["a", "b"], "labels": [True, False]}


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_lines_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path / "mixed.jsonl",
        [
            json.dumps(GOOD),
            "{not json",
            "",
            json.dumps({"prompt": "p", "completions": ["a"]}),
            json.dumps([1, 2]),
            json.dumps(GOOD | {"prompt": "q"}),
        ],
    )
    result = read_traces(path, format="trl")
    assert isinstance(result, ReadResult) and not result.ok
    assert [t.prompt for t in result.traces] == ["p", "q"]
    assert [e.line for e in result.errors] == [2, 4, 5]
    assert str(result.errors[0]).startswith("line 2: invalid JSON")
    assert str(result.errors[1]) == "line 4: missing key 'labels'"
    assert "must be a JSON object" in str(result.errors[2])


def test_iter_traces_streams_in_order(tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "t.jsonl", [json.dumps(GOOD), "[", json.dumps(GOOD)])
    items = list(iter_traces(path, "trl"))
    assert [type(item) for item in items] == [Trace, FormatError, Trace]


def test_bad_options_raise_before_reading(tmp_path: Path) -> None:
    missing = tmp_path / "absent.jsonl"
    with pytest.raises(UnknownNameError, match="did you mean 'separator'"):
        iter_traces(missing, "trl", separater=" ")
    with pytest.raises(UnknownNameError, match="unknown format 'trll'"):
        read_traces(missing, "trll")


def test_a_json_array_reports_positions(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    good = {"id": "a", "problem": "p", "steps": ["s"], "label": -1}
    path.write_text(json.dumps([good, {"id": "b"}, good | {"label": 5}]), encoding="utf-8")
    result = read_traces(path, format="processbench")
    assert [t.id for t in result.traces] == ["a"]
    assert [e.line for e in result.errors] == [2, 3]


def test_a_broken_json_array_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.json"
    path.write_text('[{"a": 1},\n  oops]', encoding="utf-8")
    result = read_traces(path, format="processbench")
    assert result.traces == [] and [e.line for e in result.errors] == [2]


def _traces() -> list[Trace]:
    step = Step(text="a", start=0, end=1, index=0, label=1.0)
    return [Trace(text="a", steps=(step,), prompt="p", id="t1"), Trace(text="", id="t2")]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_write_then_read_is_lossless(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "out" / f"traces{suffix}"
    assert write_traces(_traces(), path) == 2
    if suffix == ".json":
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list)
    else:
        assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert read_traces(path) == ReadResult(traces=_traces(), errors=[])


def test_a_trace_the_format_cannot_hold_leaves_no_file(tmp_path: Path) -> None:
    unlabelled = Trace(text="a", steps=(Step(text="a", start=0, end=1, index=0),), id="t9")
    path = tmp_path / "trl.jsonl"
    with pytest.raises(FormatError, match="trace 2 \\(id 't9'\\): step 0 has no label"):
        write_traces([*_traces()[:1], unlabelled], path, format="trl")
    assert not path.exists()


def test_options_reach_the_writer(tmp_path: Path) -> None:
    soft = Trace(text="a", steps=(Step(text="a", start=0, end=1, index=0, label=0.3),))
    path = tmp_path / "soft.jsonl"
    write_traces([soft], path, format="trl", soft_labels=True)
    assert json.loads(path.read_text(encoding="utf-8"))["labels"] == [0.3]


def test_shared_files_round_trip_through_files(
    tmp_path: Path, prm800k_path: Path, math_shepherd_path: Path, processbench_path: Path
) -> None:
    for name, path in [
        ("prm800k", prm800k_path),
        ("math_shepherd", math_shepherd_path),
        ("processbench", processbench_path),
    ]:
        first = read_traces(path, name)
        assert first.ok and first.traces
        for target in (name, "jsonl"):
            out = tmp_path / f"{name}-{target}{path.suffix}"
            write_traces(first.traces, out, format=target)
            assert read_traces(out, target) == first


def test_cross_format_conversion_keeps_labels(processbench_path: Path, tmp_path: Path) -> None:
    traces = read_traces(processbench_path, "processbench").traces
    judged = [t for t in traces if all(label is not None for label in t.labels)]
    out = tmp_path / "trl.jsonl"
    write_traces(judged, out, format="trl")
    back = read_traces(out, "trl", separator="\n\n")
    assert [t.labels for t in back.traces] == [t.labels for t in judged]
    assert [t.text for t in back.traces] == [t.text for t in judged]
    processbench = get_format("processbench")
    labels = [processbench.to_record(t)["label"] for t in back.traces]
    assert labels == [processbench.to_record(t)["label"] for t in judged]
