"""PRM800K rows, in the raw schema of https://github.com/openai/prm800k.

A row is one labeller's pass over one solution: ``question{problem, ground_truth_answer,
...}`` and ``label{steps, total_time, finish_reason}``, where each label step offers
``completions`` (each ``{text, rating, flagged}``, rating -1/0/+1) and records which one
the solution went on with. One label step gives one trace step:

1. ``completions[chosen_completion]`` when a completion was chosen;
2. else ``human_completion``, the step the labeller wrote after rejecting them all;
3. else the first completion rated -1 -- the labeller stopped at an error
   (``finish_reason == "found_error"``) without choosing, and that error is the step
   the solution ends on; with no -1, ``completions[0]``;
4. a label step with no completion at all (the last step of a ``give_up`` row) gives
   no trace step.

Ratings become labels: +1 -> 1.0, -1 -> 0.0, null -> None, and 0 ("neutral": fine but
not progressing) by the ``neutral`` policy: "positive" (1.0, the default: a neutral
step is no error), "negative" (0.0), "half" (0.5) or "ignore" (None).

Everything else (alternative completions, flags, timestamps, ...) is kept in
``trace.meta["prm800k"]`` with the fields the trace itself holds (problem, answer,
step texts) blanked, so ``to_record(from_record(row)) == row``. A trace without that
meta (built by hand, or read from another format) is written as a fresh row with one
completion per step: labels 1.0 -> +1, 0.5 -> 0, 0.0 -> -1, None -> null; any other
soft label raises `FormatError` rather than being rounded behind the caller's back.

>>> step = {"completions": [{"text": "2 + 2 = 4", "rating": 1, "flagged": False}],
...         "human_completion": None, "chosen_completion": 0}
>>> row = {"question": {"problem": "2 + 2?", "ground_truth_answer": "4"},
...        "label": {"steps": [step], "total_time": 1000, "finish_reason": "solution"}}
>>> trace = FORMAT.from_record(row)
>>> trace.prompt, trace.reference, trace.step_texts, trace.labels
('2 + 2?', '4', ['2 + 2 = 4'], [1.0])
>>> FORMAT.to_record(trace) == row
True
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from stepscore.errors import FormatError, UnknownNameError
from stepscore.reasoning.formats.base import (
    RecordFormat,
    expect,
    given_steps,
    meta_part,
    require,
)
from stepscore.reasoning.trace import Segmentation, Step, Trace

__all__ = ["FORMAT", "Neutral", "Prm800kFormat"]

Neutral = Literal["positive", "negative", "half", "ignore"]
_NEUTRAL: dict[str, float | None] = {"positive": 1.0, "negative": 0.0, "half": 0.5, "ignore": None}
_RATING_OF_LABEL: dict[float | None, int | None] = {1.0: 1, 0.5: 0, 0.0: -1, None: None}
_NONE = type(None)


@dataclass(frozen=True, kw_only=True)
class Prm800kFormat(RecordFormat):
    """PRM800K; ``neutral`` maps rating 0 to a label, ``separator`` joins the steps.

    ``neutral`` only matters when reading: the policy a trace was read with is stored
    in its meta, and writing keeps a stored rating whenever it still maps to the step's
    label, so a 0 read as 1.0 is written back as 0, not +1.
    """

    name: ClassVar[str] = "prm800k"
    neutral: Neutral = "positive"
    separator: str = "\n"

    def __post_init__(self) -> None:
        if not isinstance(self.neutral, str):
            raise ValueError(f"prm800k neutral must be a string, not {self.neutral!r}")
        if self.neutral not in _NEUTRAL:
            raise UnknownNameError("prm800k neutral policy", self.neutral, _NEUTRAL)
        if not isinstance(self.separator, str):
            raise ValueError(f"prm800k separator must be a string, not {self.separator!r}")

    def _read(self, record: Mapping[str, Any]) -> Trace:
        row = copy.deepcopy(dict(record))
        question = require(row, "question", dict)
        problem = require(question, "problem", str)
        reference = expect(
            question.get("ground_truth_answer"), (str, _NONE), "'ground_truth_answer'"
        )
        question["problem"] = None
        if "ground_truth_answer" in question:
            question["ground_truth_answer"] = None
        texts, labels = [], []
        for number, slot in _slots(row):
            texts.append(expect(slot.get("text"), str, f"label step {number}: the completion text"))
            labels.append(_label(slot.get("rating"), self.neutral, number))
            slot["text"] = None  # the trace holds it
        text, steps = given_steps(texts, labels, self.separator)
        return Trace(
            text=text,
            steps=steps,
            prompt=problem,
            reference=reference,
            segmentation=Segmentation(strategy="given", separator=self.separator),
            meta={"prm800k": {"neutral": self.neutral, "row": row}},
        )

    def _write(self, trace: Trace) -> dict[str, Any]:
        stored = meta_part(trace, "prm800k")
        if not stored:
            return _fresh_row(trace)
        row = expect(stored.get("row"), dict, "trace.meta['prm800k']['row']")
        neutral = stored.get("neutral", self.neutral)
        if not isinstance(neutral, str) or neutral not in _NEUTRAL:
            raise FormatError(f"trace.meta['prm800k'] has the unknown neutral policy {neutral!r}")
        slots = _slots(row)
        if len(slots) != len(trace.steps):
            raise FormatError(
                f"the trace has {len(trace.steps)} steps but its meta['prm800k'] row has "
                f"{len(slots)}; drop meta['prm800k'] to write a fresh row"
            )
        for (number, slot), step in zip(slots, trace.steps, strict=True):
            slot["text"] = step.text
            if _label(slot.get("rating"), neutral, number) != step.label:
                slot["rating"] = _rating(step)
        question = require(row, "question", dict)
        question["problem"] = trace.prompt
        if "ground_truth_answer" in question or trace.reference is not None:
            question["ground_truth_answer"] = trace.reference
        return row


def _slots(row: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """``(label step number, the completion dict it contributes)``, in order."""
    label = require(row, "label", dict)
    slots = []
    for number, raw in enumerate(require(label, "steps", list)):
        slot = _selected(expect(raw, dict, f"label step {number}"), number)
        if slot is not None:
            slots.append((number, slot))
    return slots


def _selected(raw: dict[str, Any], number: int) -> dict[str, Any] | None:
    """The completion a label step contributes, by the rule in the module docstring."""
    where = f"label step {number}"
    completions = expect(raw.get("completions"), (list, _NONE), f"{where}: 'completions'") or []
    for position, completion in enumerate(completions):
        expect(completion, dict, f"{where}: completion {position}")
    human = expect(raw.get("human_completion"), (dict, _NONE), f"{where}: 'human_completion'")
    chosen = expect(raw.get("chosen_completion"), (int, _NONE), f"{where}: 'chosen_completion'")
    if chosen is not None:
        if not 0 <= chosen < len(completions):
            raise FormatError(f"{where}: chosen_completion {chosen} is not a completion index")
        return completions[chosen]
    if human is not None:
        return human
    errors = [c for c in completions if c.get("rating") == -1]
    return (errors or completions or [None])[0]


def _label(rating: Any, neutral: str, number: int) -> float | None:
    if rating is None:
        return None
    expect(rating, int, f"label step {number}: the rating")
    if rating not in (-1, 0, 1):
        raise FormatError(f"label step {number}: rating {rating} is not -1, 0 or 1")
    return {1: 1.0, -1: 0.0, 0: _NEUTRAL[neutral]}[rating]


def _rating(step: Step) -> int | None:
    if step.label not in _RATING_OF_LABEL:
        raise FormatError(
            f"step {step.index} has the soft label {step.label!r}; PRM800K ratings "
            "are -1, 0 and +1 (labels 0.0, 0.5 and 1.0)"
        )
    return _RATING_OF_LABEL[step.label]


def _fresh_row(trace: Trace) -> dict[str, Any]:
    """A PRM800K row for a trace read from elsewhere: one completion per step."""
    ratings = [_rating(step) for step in trace.steps]
    steps = [
        {
            "completions": [{"text": step.text, "rating": rating, "flagged": False}],
            "human_completion": None,
            "chosen_completion": None if rating == -1 else 0,
        }
        for step, rating in zip(trace.steps, ratings, strict=True)
    ]
    return {
        "labeler": None,
        "timestamp": None,
        "generation": None,
        "is_quality_control_question": False,
        "is_initial_screening_question": False,
        "question": {"problem": trace.prompt, "ground_truth_answer": trace.reference},
        "label": {
            "steps": steps,
            "total_time": None,
            "finish_reason": "found_error" if -1 in ratings else "solution",
        },
    }


FORMAT = Prm800kFormat()
