"""Math-Shepherd rows: ``{"input", "label", "task"}`` with ``ки`` step tags.

Math-Shepherd (Wang et al. 2024, "Math-Shepherd: Verify and Reinforce LLMs Step-by-step
without Human Annotations", §3) ends every step of ``input`` with the tag ``ки``;
``label`` is the same string with each tag replaced by ``+`` (the step can still reach
the right answer) or ``-``. The question comes first and the solution starts at
``Step 1:``.

Reading keeps the solution verbatim, tags included, as the trace text: a step is the
text between two tags with the white space around it trimmed, and text after the last
tag (if not blank) is a final unlabelled step. The question (its trailing white space
trimmed) becomes the prompt. Rule for where the solution starts: at the *last*
``Step 1:`` before the first tag, so a question quoting "Step 1:" stays whole.

>>> row = {"input": "What is 1+1? Step 1: 1+1=2 ки\\nStep 2: The answer is: 2 ки",
...        "label": "What is 1+1? Step 1: 1+1=2 +\\nStep 2: The answer is: 2 -", "task": "GSM8K"}
>>> trace = FORMAT.from_record(row)
>>> trace.prompt, trace.step_texts, trace.labels
('What is 1+1?', ['Step 1: 1+1=2', 'Step 2: The answer is: 2'], [1.0, 0.0])
>>> FORMAT.to_record(trace) == row
True
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from stepscore.errors import FormatError
from stepscore.reasoning.cot import DEFAULT_TAG
from stepscore.reasoning.formats.base import RecordFormat, expect, meta_part, require
from stepscore.reasoning.trace import Segmentation, Step, Trace

__all__ = ["FORMAT", "MathShepherdFormat"]

_MARKS = {"+": 1.0, "-": 0.0}
_GAP = "prompt_separator"  # meta key for the white space between question and solution


@dataclass(frozen=True, kw_only=True)
class MathShepherdFormat(RecordFormat):
    """Math-Shepherd; ``tag`` ends each step, ``first_step`` opens the solution.

    Writing a trace whose text already holds the tags (as read) reproduces ``input``
    and ``label`` exactly. Any other trace is written in Math-Shepherd's layout, one
    ``Step k: <step> ки`` line per step (``Step k:`` added unless the step starts
    with it). Labels must be 1.0 or 0.0; only a last step may be unlabelled.
    """

    name: ClassVar[str] = "math_shepherd"
    tag: str = DEFAULT_TAG
    first_step: str = "Step 1:"

    def __post_init__(self) -> None:
        for option in ("tag", "first_step"):
            value = getattr(self, option)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"math_shepherd {option} must be a non-blank string")

    def _read(self, record: Mapping[str, Any]) -> Trace:
        source = require(record, "input", str)
        marks = _align(source, require(record, "label", str), self.tag)
        start = self._solution_start(source)
        prompt = source[:start].rstrip()
        text = source[start:]
        spans = _step_spans(text, self.tag)
        labels = [_MARKS[m] for m in marks] + [None] * (len(spans) - len(marks))
        steps = [
            Step(text=text[a:b], start=a, end=b, index=i, label=label)
            for i, ((a, b), label) in enumerate(zip(spans, labels, strict=True))
        ]
        meta = {k: copy.deepcopy(v) for k, v in record.items() if k not in ("input", "label")}
        if source[len(prompt) : start] != " ":
            meta[_GAP] = source[len(prompt) : start]
        return Trace(
            text=text,
            steps=tuple(steps),
            prompt=prompt,
            segmentation=Segmentation(strategy="tag", separator=self.tag),
            meta={"math_shepherd": meta} if meta else {},
        )

    def _write(self, trace: Trace) -> dict[str, Any]:
        columns = meta_part(trace, "math_shepherd")
        gap = expect(columns.pop(_GAP, " "), str, f"trace.meta['math_shepherd'][{_GAP!r}]")
        if self.tag in trace.prompt:
            raise FormatError(f"the prompt holds the step tag {self.tag!r}")
        spans = [(step.start, step.end) for step in trace.steps]
        verbatim = (
            trace.text.startswith(self.first_step) and _step_spans(trace.text, self.tag) == spans
        )
        text = trace.text if verbatim else self._layout(trace)
        tagged = trace.steps[: text.count(self.tag)]
        for step in trace.steps[len(tagged) :]:
            if step.label is not None:
                raise FormatError(f"step {step.index} is labelled but has no tag after it")
        source = f"{trace.prompt}{gap}{text}"
        pieces = source.split(self.tag)
        if len(pieces) != len(tagged) + 1:
            raise FormatError(f"the prompt separator in meta holds the step tag {self.tag!r}")
        label = pieces[0] + "".join(_mark(s) + p for s, p in zip(tagged, pieces[1:], strict=True))
        return {"input": source, "label": label} | columns

    def _solution_start(self, source: str) -> int:
        first_tag = source.find(self.tag)
        start = source.rfind(self.first_step, 0, len(source) if first_tag < 0 else first_tag)
        if start < 0:
            raise FormatError(f"'input' has no {self.first_step!r} before its first step tag")
        return start

    def _layout(self, trace: Trace) -> str:
        lines = []
        for number, step in enumerate(trace.steps, start=1):
            if self.tag in step.text:
                raise FormatError(f"step {step.index} holds the step tag {self.tag!r}")
            if step.label is None and number < len(trace.steps):
                raise FormatError(f"step {step.index} has no label; only the last may lack one")
            head = f"Step {number}:"
            body = step.text if step.text.startswith(head) else f"{head} {step.text}"
            lines.append(body if step.label is None else f"{body} {self.tag}")
        return "\n".join(lines)


def _align(source: str, label: str, tag: str) -> list[str]:
    """The ``+``/``-`` that ``label`` has in place of each tag of ``source``."""
    pieces, marks, cursor = source.split(tag), [], 0
    for number, piece in enumerate(pieces):
        if not label.startswith(piece, cursor):
            where = f"before step tag {number + 1}" if number < len(pieces) - 1 else "at its end"
            raise FormatError(f"'label' differs from 'input' {where}")
        cursor += len(piece)
        if number < len(pieces) - 1:
            mark = label[cursor : cursor + 1]
            if mark not in _MARKS:
                raise FormatError(f"'label' has {mark!r} in place of step tag {number + 1}")
            marks.append(mark)
            cursor += 1
    if cursor != len(label):
        raise FormatError("'label' runs on past the end of 'input'")
    return marks


def _step_spans(text: str, tag: str) -> list[tuple[int, int]]:
    """Trimmed spans between tags, plus the text after the last tag if not blank."""
    spans, cursor = [], 0
    pieces = text.split(tag)
    for piece in pieces:
        lead = len(piece) - len(piece.lstrip())
        spans.append((cursor + lead, cursor + lead + len(piece.strip())))
        cursor += len(piece) + len(tag)
    return spans if pieces[-1].strip() else spans[:-1]


def _mark(step: Step) -> str:
    if step.label is None:
        raise FormatError(f"step {step.index} has no label; only the last may lack one")
    for mark, value in _MARKS.items():
        if step.label == value:
            return mark
    raise FormatError(
        f"step {step.index} has the label {step.label!r}; Math-Shepherd needs 1.0 or 0.0"
    )


FORMAT = MathShepherdFormat()
