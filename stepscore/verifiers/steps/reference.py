"""Locating a trace's first error with the gold answer, and the reference solution if any.

From the problem and the steps alone, the checker finds the slips a step makes in its own
arithmetic; a wrong set-up (right sums of the wrong quantities) or a misread quantity it
cannot see. In RL on GSM8K or MATH the gold answer is at hand, and often the worked
solution too. A wrong final answer proves that the trace goes wrong somewhere; this
module names where it most likely first does. `locate_error`:

1. grades the trace's final answer against the gold (`verify_math`): "correct",
   "wrong", or "unknown" (no answer found, or none comparable);
2. when it is wrong, blames the earliest of
   - the checker's first refuted step (``found_by="checker"``);
   - with a reference solution: the first step that writes a value neither the problem
     nor the solution ever writes (``"foreign_value"``), where the trace leaves every
     path the solution takes;
   - without one: the first step that computes with a number that neither the problem
     nor an earlier step gave it (``"unsupported_operand"``), a misread or invented
     quantity;
   - the step that first computes the wrong final answer, else the one stating it
     (``"final_answer"``; the stating step is wrong for sure);
3. when it is right or unknown, blames only what the checker refutes: a value foreign
   to the solution is then another path to the answer, not an error.

Values are the numbers a step writes in digits, read without sign and compared to 6
decimals. What counts as known: numbers in the problem and the solution (GSM8K's
``<<48/2=24>>`` annotations included), the values of their fractions, number words
("twice", "dozen"; "half" is 2 and 0.5), each known value as a percentage (x/100, and
100x below 1), 0, 1, 2 and unit constants (7 days, 12 months, 24 hours, 60 minutes, ...).
The small counts and constants may be operands anywhere, but the value a claim computes
(``30 / 3 = 10``) must be one the problem or solution writes.

On ProcessBench (problems joined to GSM8K and MATH test; `perf/processbench_checker.py`)
this places the earliest error exactly in 47% of the erroneous GSM8K samples with the
solution and 28% with the answer only (MATH: 28%, 26%; the checker alone: 11%, 19.5%),
blaming 1% of the correct GSM8K ones and none of MATH's; on PRM800K paths
(`perf/locate_error_prm800k.py`), 45% and 59%. Its misses are earlier steps that take
another valid path (a foreign value) and error steps that write no new value. It is a
guess with a measured hit rate, not a proof, except where the checker refutes a step or
the blamed step is the one stating the wrong answer.

>>> from stepscore.reasoning import segment
>>> problem = "She buys 3 packs of 4 pens at $2 a pen. What does she pay?"
>>> trace = segment("She buys 3 * 4 = 12 pens.\\nShe pays 12 * 15 = 180 dollars.", prompt=problem)
>>> located = locate_error(trace, answer="24")
>>> located.outcome, located.step, located.found_by, located.values
('wrong', 1, 'unsupported_operand', ('15',))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.math import extract_answer, verify_math
from stepscore.verifiers.steps.check import CheckConfig, StepVerdict, check_steps, first_error

__all__ = ["LocatedError", "Outcome", "locate_error", "locate_with_trace_reference"]

Outcome = Literal["correct", "wrong", "unknown"]
FoundBy = Literal["checker", "foreign_value", "unsupported_operand", "final_answer"]

_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w])|(?<![\w.])\.\d+")
_FRACTION = re.compile(
    r"\\[dt]?frac\s*\{\s*(\d{1,15})\s*\}\s*\{\s*(\d{1,15})\s*\}"
    r"|(?<![\w.])(\d{1,15})/(\d{1,15})(?!\d)"
)
_WORDS = {
    "half": 2, "twice": 2, "double": 2, "triple": 3, "thrice": 3, "quarter": 4,
    "third": 3, "fourth": 4, "fifth": 5, "tenth": 10, "dozen": 12, "one": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1_000_000,
}  # fmt: skip
_PARTS = frozenset(("half", "third", "quarter", "fourth", "fifth", "tenth"))
_WORD = re.compile(r"\b(" + "|".join(_WORDS) + r")(?:s|th|ths)?\b", re.IGNORECASE)
# counts, and the constants of units: days, weeks, months, hours, minutes, cents, ...
_CONSTANTS = frozenset(float(v) for v in (0, 1, 2, 7, 12, 16, 24, 28, 30, 31, 52, 60, 100))
_CONSTANTS |= frozenset(float(v) for v in (360, 365, 1000, 1440, 3600))


@dataclass(frozen=True, slots=True)
class LocatedError:
    """Where a trace first goes wrong, judged with the gold answer (see the module).

    ``outcome`` grades the final answer; ``step`` is the blamed step's position (None:
    nothing blamed); ``found_by`` says which evidence blamed it; ``values`` are the
    numbers, as written, that made the step foreign or unsupported (else empty);
    ``reason`` says it in a few words.
    """

    outcome: Outcome
    step: int | None
    found_by: FoundBy | None
    values: tuple[str, ...]
    reason: str

    def labels(self, n_steps: int) -> list[float]:
        """Hard step labels: 1.0 before the blamed step, 0.0 from it on (nothing after a
        first error counts as right, as ProcessBench reads a trace); all 1.0 when
        nothing is blamed."""
        cut = n_steps if self.step is None else self.step
        return [1.0 if i < cut else 0.0 for i in range(n_steps)]


def locate_error(
    trace: Trace,
    *,
    answer: str | None = None,
    solution: str | None = None,
    verdicts: Sequence[StepVerdict] | None = None,
    config: CheckConfig | None = None,
) -> LocatedError:
    """The first error of a CoT ``trace``, judged with a gold ``answer`` (default: the
    ``solution``'s final answer, else ``trace.reference``) and, if given, the worked
    ``solution``. ``verdicts`` are the checker's on this trace (computed if None)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"locate_error needs a Trace, got {type(trace).__name__}")
    if trace.kind != "cot":
        raise ValueError(f"locate_error reads chains of thought, not {trace.kind} traces")
    if answer is None and solution:
        answer = extract_answer(solution).answer
    if answer is None:
        answer = trace.reference
    if not answer:
        raise ValueError("locate_error needs a gold answer: pass answer= or solution=")
    if verdicts is None:
        verdicts = check_steps(trace, config=config or CheckConfig())
    elif len(verdicts) != len(trace.steps):
        raise ValueError(f"{len(verdicts)} verdicts for {len(trace.steps)} steps")
    checked = first_error(verdicts)
    graded = verify_math(trace.text, answer)
    if graded.status != "ok":
        outcome: Outcome = "unknown"
    else:
        outcome = "correct" if graded.correct else "wrong"
    if outcome != "wrong":
        if checked is None:
            return LocatedError(outcome, None, None, (), f"answer {outcome}; nothing refuted")
        return LocatedError(outcome, checked, "checker", (), f"answer {outcome}; refuted")
    candidates: list[tuple[int, FoundBy, tuple[str, ...]]] = []
    if checked is not None:
        candidates.append((checked, "checker", ()))
    written = _known(trace.prompt)  # what the problem (and solution) write
    if solution:
        written |= _known(solution)
        foreign = _first_foreign(trace, written, verdicts)
        if foreign is not None:
            candidates.append((foreign[0], "foreign_value", foreign[1]))
    else:
        unsupported = _first_unsupported(trace, written, verdicts)
        if unsupported is not None:
            candidates.append((unsupported[0], "unsupported_operand", unsupported[1]))
    stated = _answer_step(trace, verdicts, written)
    if stated is not None:
        candidates.append((stated, "final_answer", ()))
    if not candidates:
        return LocatedError("wrong", None, None, (), "answer wrong; no step to blame")
    step, found_by, values = min(candidates, key=lambda c: c[0])
    return LocatedError("wrong", step, found_by, values, _REASONS[found_by])


def locate_with_trace_reference(
    trace: Trace, verdicts: Sequence[StepVerdict] | None = None
) -> LocatedError | None:
    """`locate_error` with what the trace carries: ``reference`` as the gold answer and
    a string ``meta["solution"]`` as the worked solution; None for a trace that is not a
    chain of thought or has no reference."""
    if trace.kind != "cot" or not trace.reference:
        return None
    solution = trace.meta.get("solution")
    return locate_error(
        trace,
        answer=trace.reference,
        solution=solution if isinstance(solution, str) else None,
        verdicts=verdicts,
    )


_REASONS: dict[FoundBy, str] = {
    "checker": "answer wrong; the checker refutes this step",
    "foreign_value": "answer wrong; first step with a value the problem and solution never reach",
    "unsupported_operand": "answer wrong; first step computing with a number nothing gave it",
    "final_answer": "answer wrong; this step works it out or states it",
}


def _first_foreign(
    trace: Trace, written: set[float], verdicts: Sequence[StepVerdict]
) -> tuple[int, tuple[str, ...]] | None:
    """The first step writing a value unknown to the problem and the solution (their
    ``written`` values, or a constant); what a claim computes must be ``written``, not
    only be a count or a unit constant."""
    known = written | _CONSTANT_VALUES
    for position, (step, verdict) in enumerate(zip(trace.steps, verdicts, strict=True)):
        foreign = [w for w, v in _numbers(step.text) if v not in known]
        foreign += [w for c in verdict.claims for w, v in _numbers(c.asserted) if v not in written]
        if foreign:
            return position, tuple(dict.fromkeys(foreign))
    return None


def _first_unsupported(
    trace: Trace, problem: set[float], verdicts: Sequence[StepVerdict]
) -> tuple[int, tuple[str, ...]] | None:
    """The first step whose claims compute with a number that neither the ``problem``,
    a constant, an earlier step, nor a result of the same step gave."""
    known = problem | _CONSTANT_VALUES
    for position, (step, verdict) in enumerate(zip(trace.steps, verdicts, strict=True)):
        results = set().union(*(_values(c.asserted) for c in verdict.claims))
        unsupported = tuple(
            w
            for claim in verdict.claims
            for w, v in _numbers(claim.expression)
            if v not in known and v not in results
        )
        if unsupported:
            return position, unsupported
        known |= _known(step.text)
    return None


def _answer_step(trace: Trace, verdicts: Sequence[StepVerdict], known: set[float]) -> int | None:
    """The first step whose claim computes the final answer's value (a wrong answer is
    wrong where it is first worked out), unless that value is ``known`` (a right
    intermediate the trace stopped at), else the step holding the extracted answer."""
    found = extract_answer(trace.text)
    if found.start is None or found.answer is None:
        return None
    stated = next(
        (i for i, step in enumerate(trace.steps) if step.start <= found.start < step.end), None
    )
    value = _values(found.answer)
    if len(value) == 1 and not value <= known:
        for position, verdict in enumerate(verdicts[:stated]):
            if any(value <= _values(claim.asserted) for claim in verdict.claims):
                return position
    return stated


def _numbers(text: str) -> list[tuple[str, float]]:
    """Each number written in digits, as written and as a rounded non-negative value."""
    return [(m[0], round(float(m[0].replace(",", "")), 6)) for m in _NUMBER.finditer(text)]


def _values(text: str) -> set[float]:
    return {v for _, v in _numbers(text)}


def _known(text: str) -> set[float]:
    """The values ``text`` makes known: its numbers, fractions and number words, each
    also as a percentage."""
    base = _values(text)
    for m in _FRACTION.finditer(text):
        top, bottom = (m[1], m[2]) if m[1] else (m[3], m[4])
        if int(bottom):
            base.add(round(int(top) / int(bottom), 6))
    for m in _WORD.finditer(text):
        value = _WORDS[m[1].lower()]
        base.add(float(value))
        if m[1].lower() in _PARTS:
            base.add(round(1 / value, 6))
    return _with_percentages(base)


def _with_percentages(values: set[float]) -> set[float]:
    """``values``, each also as a percentage: x/100, and 100x below 1."""
    return (
        values | {round(v / 100, 6) for v in values} | {round(v * 100, 6) for v in values if v < 1}
    )


_CONSTANT_VALUES = _with_percentages(set(_CONSTANTS))
