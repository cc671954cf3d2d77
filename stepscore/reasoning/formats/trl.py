"""TRL's stepwise-supervision format: ``{"prompt", "completions", "labels"}``.

The dataset type `trl.PRMTrainer` trains on (https://huggingface.co/docs/trl/dataset_formats):
``completions`` is the list of steps and ``labels`` one bool per step. The trace text is
the steps joined by ``separator``, TRL's ``step_separator`` (``"\\n"`` by default), so a
model scoring the trace sees what the trainer tokenizes. Other columns are kept in
``trace.meta["trl"]`` and written back.

>>> row = {"prompt": "1 + 1 = ?", "completions": ["1 + 1 = 2", "So 2."], "labels": [True, False]}
>>> trace = FORMAT.from_record(row)
>>> trace.text, trace.labels
('1 + 1 = 2\\nSo 2.', [1.0, 0.0])
>>> FORMAT.to_record(trace) == row
True
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from stepscore.errors import FormatError
from stepscore.reasoning.formats.base import (
    RecordFormat,
    given_steps,
    label_value,
    meta_part,
    require,
)
from stepscore.reasoning.trace import Segmentation, Trace

__all__ = ["FORMAT", "TrlFormat"]

_COLUMNS = ("prompt", "completions", "labels")


@dataclass(frozen=True, kw_only=True)
class TrlFormat(RecordFormat):
    """TRL stepwise supervision.

    ``separator`` joins the steps into the trace text. ``soft_labels`` writes labels as
    floats (e.g. Monte-Carlo estimates, as in Math-Shepherd's soft variant) instead of
    bools; without it a label other than 0.0 or 1.0 cannot be written. Reading accepts
    bools, 0/1 and floats in [0, 1] either way.
    """

    name: ClassVar[str] = "trl"
    separator: str = "\n"
    soft_labels: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.separator, str):
            raise ValueError(f"trl separator must be a string, not {self.separator!r}")
        if not isinstance(self.soft_labels, bool):
            raise ValueError(f"trl soft_labels must be True or False, not {self.soft_labels!r}")

    def _read(self, record: Mapping[str, Any]) -> Trace:
        prompt = require(record, "prompt", str)
        completions = require(record, "completions", list)
        raw_labels = require(record, "labels", list)
        labels = [label_value(v, f"label {i}") for i, v in enumerate(raw_labels)]
        if None in labels:
            raise FormatError(f"label {labels.index(None)} is null; TRL labels every step")
        text, steps = given_steps(completions, labels, self.separator)
        extra = {k: copy.deepcopy(v) for k, v in record.items() if k not in _COLUMNS}
        return Trace(
            text=text,
            steps=steps,
            prompt=prompt,
            segmentation=Segmentation(strategy="given", separator=self.separator),
            meta={"trl": extra} if extra else {},
        )

    def _write(self, trace: Trace) -> dict[str, Any]:
        labels: list[bool | float] = []
        for step in trace.steps:
            if step.label is None:
                raise FormatError(f"step {step.index} has no label; TRL labels every step")
            if self.soft_labels:
                labels.append(step.label)
            elif step.label in (0.0, 1.0):
                labels.append(step.label == 1.0)
            else:
                raise FormatError(
                    f"step {step.index} has the soft label {step.label!r}; "
                    "pass soft_labels=True to write labels as floats"
                )
        extra = meta_part(trace, "trl")
        record = {"prompt": trace.prompt, "completions": trace.step_texts, "labels": labels}
        return record | {k: v for k, v in extra.items() if k not in _COLUMNS}


FORMAT = TrlFormat()
