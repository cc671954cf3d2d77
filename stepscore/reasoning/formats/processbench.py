"""ProcessBench rows: ``{id, generator, problem, steps, label, final_answer_correct}``.

ProcessBench (Zheng et al. 2024, "ProcessBench: Identifying Process Errors in
Mathematical Reasoning", §2) marks only the *earliest* wrong step: ``label`` is its
index, or -1 when every step is right. So the steps before it are labelled 1.0, the
step at it 0.0 and the steps after it None (nobody judged them). Writing inverts
this: ``label`` is the first step labelled below 0.5, else -1.

>>> row = {"id": "gsm8k-7", "problem": "2 + 2?", "steps": ["2 + 2 = 5.", "So 5."], "label": 0}
>>> trace = FORMAT.from_record(row)
>>> trace.id, trace.labels
('gsm8k-7', [0.0, None])
>>> FORMAT.to_record(trace) == row
True
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from stepscore.errors import FormatError
from stepscore.reasoning.formats.base import RecordFormat, expect, given_steps, meta_part, require
from stepscore.reasoning.trace import Segmentation, Trace

__all__ = ["FORMAT", "ProcessBenchFormat"]

# Column order of the released files; the columns a trace holds itself are not in meta.
_ORDER = ("id", "generator", "problem", "steps", "final_answer_correct", "label")
_IN_TRACE = ("id", "problem", "steps", "label")


@dataclass(frozen=True, kw_only=True)
class ProcessBenchFormat(RecordFormat):
    """ProcessBench; ``separator`` joins the steps into the trace text."""

    name: ClassVar[str] = "processbench"
    separator: str = "\n\n"

    def __post_init__(self) -> None:
        if not isinstance(self.separator, str):
            raise ValueError(f"processbench separator must be a string, not {self.separator!r}")

    def _read(self, record: Mapping[str, Any]) -> Trace:
        problem = require(record, "problem", str)
        texts = require(record, "steps", list)
        error = require(record, "label", int)
        trace_id = expect(record.get("id"), (str, type(None)), "'id'")
        if not -1 <= error < len(texts):
            raise FormatError(f"label {error} is not -1 or a step index below {len(texts)}")
        labels = [1.0] * len(texts) if error == -1 else _earliest_error_labels(error, len(texts))
        text, steps = given_steps(texts, labels, self.separator)
        extra = {k: copy.deepcopy(v) for k, v in record.items() if k not in _IN_TRACE}
        return Trace(
            text=text,
            steps=steps,
            prompt=problem,
            id=trace_id,
            segmentation=Segmentation(strategy="given", separator=self.separator),
            meta={"processbench": extra} if extra else {},
        )

    def _write(self, trace: Trace) -> dict[str, Any]:
        columns = meta_part(trace, "processbench") | {
            "id": trace.id,
            "problem": trace.prompt,
            "steps": trace.step_texts,
            "label": _earliest_error(trace),
        }
        ordered = {k: columns.pop(k) for k in _ORDER if k in columns}
        return ordered | columns


def _earliest_error_labels(error: int, count: int) -> list[float | None]:
    return [1.0] * error + [0.0] + [None] * (count - error - 1)


def _earliest_error(trace: Trace) -> int:
    """The ProcessBench label of ``trace``; an unjudged step before any error raises."""
    error = trace.first_error(0.5)
    for step in trace.steps[: len(trace.steps) if error is None else error]:
        if step.label is None:
            raise FormatError(
                f"step {step.index} is unlabelled but comes before the earliest error; "
                "ProcessBench needs every step up to the first error judged"
            )
    return -1 if error is None else error


FORMAT = ProcessBenchFormat()
