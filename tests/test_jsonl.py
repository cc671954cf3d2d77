from __future__ import annotations

import io
from pathlib import Path

from stepscore.jsonl import iter_json_lines, read_json_records, write_jsonl


def test_malformed_lines_are_reported_and_the_rest_read() -> None:
    lines = list(iter_json_lines(io.StringIO('{"a": 1}\n{oops\n\n"x"\n[' + "[" * 100_000 + "\n")))
    assert [(record.line, record.ok) for record in lines] == [
        (1, True),
        (2, False),
        (4, True),
        (5, False),
    ]
    assert "invalid JSON" in (lines[1].error or "")


def test_invalid_utf8_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'"caf\xe9"\n"ok"\n')
    assert [r.value for r in read_json_records(path)] == ["caf\ufffd", "ok"]


def test_json_list_and_round_trip(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('[{"x": 1}, {"x": 2}]', encoding="utf-8")
    assert [(r.line, r.value) for r in read_json_records(tmp_path / "a.json")] == [
        (1, {"x": 1}),
        (2, {"x": 2}),
    ]
    assert write_jsonl([{"é": 1}, 2], tmp_path / "sub" / "b.jsonl") == 2
    assert [r.value for r in read_json_records(tmp_path / "sub" / "b.jsonl")] == [{"é": 1}, 2]
    (tmp_path / "bad.json").write_text("[1,", encoding="utf-8")
    assert not next(iter(read_json_records(tmp_path / "bad.json"))).ok
