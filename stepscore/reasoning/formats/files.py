"""Reading and writing whole files of traces in any catalogued format.

Reading never drops a record silently: a line that is not JSON, or a record that does
not fit the format, becomes a `FormatError` carrying its 1-based line (for a ``.json``
array, its position in the array), and the other records are still read.

>>> import os, tempfile
>>> from stepscore.reasoning.trace import Step, Trace
>>> path = os.path.join(tempfile.mkdtemp(), "traces.jsonl")
>>> trace = Trace(text="x", steps=(Step(text="x", start=0, end=1, index=0, label=1.0),))
>>> write_traces([trace], path, format="trl")
1
>>> result = read_traces(path, format="trl")
>>> result.traces[0].labels, result.errors
([1.0], [])
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stepscore.errors import FormatError
from stepscore.jsonl import read_json_records, write_jsonl
from stepscore.reasoning.formats.base import RecordFormat, TraceFormat
from stepscore.reasoning.formats.catalog import get_format
from stepscore.reasoning.trace import Trace

__all__ = ["ReadResult", "iter_traces", "read_traces", "write_traces"]


@dataclass(frozen=True)
class ReadResult:
    """The traces read from a file, and one `FormatError` per record that failed."""

    traces: list[Trace] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every record was read."""
        return not self.errors


def iter_traces(
    path: str | os.PathLike[str], format: str | TraceFormat = "jsonl", **options: Any
) -> Iterator[Trace | FormatError]:
    """Stream a file's records as traces; a failed record is yielded as its error.

    ``options`` go to the format's ``from_record``; a bad option raises here, before
    the file is opened.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "bad.jsonl")
    >>> _ = open(path, "w").write('{"text": "a"}\\n{oops\\n')
    >>> [type(item).__name__ for item in iter_traces(path)]
    ['Trace', 'FormatError']
    """
    fmt = get_format(format)
    if isinstance(fmt, RecordFormat):  # check the options once, up front
        fmt, options = fmt.with_options(**options), {}
    return _traces(path, fmt, options)


def _traces(
    path: str | os.PathLike[str], fmt: TraceFormat, options: dict[str, Any]
) -> Iterator[Trace | FormatError]:
    for entry in read_json_records(path):
        if entry.error is not None:
            yield FormatError(entry.error, line=entry.line)
            continue
        try:
            yield fmt.from_record(entry.value, **options)
        except FormatError as exc:
            yield FormatError(str(exc), line=entry.line)


def read_traces(
    path: str | os.PathLike[str], format: str | TraceFormat = "jsonl", **options: Any
) -> ReadResult:
    """Read a ``.jsonl`` file (or a ``.json`` array) of ``format`` records.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "pb.json")
    >>> _ = open(path, "w").write('[{"problem": "p", "steps": ["s"], "label": -1}, {}]')
    >>> result = read_traces(path, format="processbench")
    >>> len(result.traces), [str(e) for e in result.errors]
    (1, ["line 2: missing key 'problem'"])
    """
    result = ReadResult()
    for item in iter_traces(path, format, **options):
        if isinstance(item, FormatError):
            result.errors.append(item)
        else:
            result.traces.append(item)
    return result


def write_traces(
    traces: Iterable[Trace],
    path: str | os.PathLike[str],
    format: str | TraceFormat = "jsonl",
    **options: Any,
) -> int:
    """Write ``traces`` as ``format`` records: JSON Lines, or one JSON array when
    ``path`` ends in ``.json``. Returns the count.

    Every trace is converted before the file is opened, so a trace the format cannot
    express raises `FormatError` (naming its position) and leaves no partial file.

    >>> import os, tempfile
    >>> from stepscore.reasoning.trace import Trace
    >>> write_traces([Trace(text="")], os.path.join(tempfile.mkdtemp(), "t.json"))
    1
    """
    fmt = get_format(format)
    if isinstance(fmt, RecordFormat):
        fmt, options = fmt.with_options(**options), {}
    records = []
    for position, trace in enumerate(traces, start=1):
        try:
            records.append(fmt.to_record(trace, **options))
        except FormatError as exc:
            raise FormatError(f"trace {position} (id {trace.id!r}): {exc}") from exc
    if not str(path).endswith(".json"):
        return write_jsonl(records, path)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as stream:
        json.dump(records, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    return len(records)
