"""Reading JSON Lines without losing a line.

A malformed line becomes a `JsonLine` with ``error`` set and its 1-based line number,
so the caller can report it and carry on with the rest; blank lines are skipped.
Bytes that are not UTF-8 are replaced (U+FFFD), never fatal.

>>> import io
>>> lines = iter_json_lines(io.StringIO('1\\n{x\\n"a"\\n'))
>>> [(record.line, record.value, record.error is not None) for record in lines]
[(1, 1, False), (2, None, True), (3, 'a', False)]
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["JsonLine", "iter_json_lines", "open_text", "read_json_records", "write_jsonl"]


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One input record: its 1-based ``line``, the parsed ``value`` or an ``error``."""

    line: int
    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def open_text(path: str | os.PathLike[str]) -> IO[str]:
    """Open a UTF-8 text file, replacing undecodable bytes; ``-`` is standard input."""
    if str(path) == "-":
        import sys

        return open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    return open(path, encoding="utf-8", errors="replace")


def iter_json_lines(stream: Iterable[str]) -> Iterator[JsonLine]:
    """Parse each non-blank line of ``stream`` as JSON; errors are yielded, not raised."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            yield JsonLine(number, json.loads(raw))
        except (json.JSONDecodeError, RecursionError) as exc:
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
            yield JsonLine(number, error=f"invalid JSON: {message}")


def read_json_records(path: str | os.PathLike[str]) -> Iterator[JsonLine]:
    """Records of a ``.jsonl`` file (one per line) or a ``.json`` file holding a list.

    For a JSON list, ``line`` is the 1-based position of the record in the list.
    """
    with open_text(path) as stream:
        if str(path).endswith(".json"):
            try:
                data = json.load(stream)
            except json.JSONDecodeError as exc:
                yield JsonLine(exc.lineno, error=f"invalid JSON: {exc.msg}")
                return
            records = data if isinstance(data, list) else [data]
            for position, value in enumerate(records, start=1):
                yield JsonLine(position, value)
        else:
            yield from iter_json_lines(stream)


def write_jsonl(records: Iterable[Any], path: str | os.PathLike[str]) -> int:
    """Write one JSON value per line (UTF-8, non-ASCII kept); returns the count."""
    count = 0
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count
