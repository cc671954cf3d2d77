"""Trace formats: readers and writers between dataset records and `Trace`s.

Each format is a pure conversion of one record (a JSON object) to a `Trace` with step
labels and back; the file helpers apply one to a whole ``.jsonl`` or ``.json`` file,
reporting records that fail instead of dropping them. Formats load lazily by name:

=================  =========================================================
``jsonl``          stepscore's own `Trace.to_dict` records (lossless)
``prm800k``        PRM800K raw rows (human -1/0/+1 step ratings)
``math_shepherd``  Math-Shepherd ``input``/``label`` rows with ``ки`` tags
``trl``            TRL stepwise supervision (``prompt``/``completions``/``labels``)
``processbench``   ProcessBench rows (index of the earliest wrong step)
=================  =========================================================

>>> fmt = get_format("processbench")
>>> trace = fmt.from_record({"id": "x", "problem": "p", "steps": ["a", "b"], "label": 1})
>>> trace.labels
[1.0, 0.0]
"""

from __future__ import annotations

from stepscore.reasoning.formats.base import RecordFormat, TraceFormat
from stepscore.reasoning.formats.catalog import FORMATS, available_formats, get_format
from stepscore.reasoning.formats.files import ReadResult, iter_traces, read_traces, write_traces

__all__ = [
    "FORMATS",
    "ReadResult",
    "RecordFormat",
    "TraceFormat",
    "available_formats",
    "get_format",
    "iter_traces",
    "read_traces",
    "write_traces",
]
