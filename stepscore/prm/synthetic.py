"""Step-labelled synthetic arithmetic traces, for training and testing PRMs offline.

A trace solves a word problem about a running count ("Ava has 17 marbles. Then she
buys 5 more. Then her marbles double. ..."), one computation per step, written as a
model would write it, then states the answer:

    Ava buys 5 more, so she has 17 + 5 = 22 marbles.
    Ava's marbles double, so she has 22 * 2 = 44 marbles.
    The answer is 44.

Every count is an integer in ``[2, max_value]`` (1-2 digits by default); a step adds
2 to ``max_amount`` (9 by default), takes away as many (leaving at least 2), or doubles
or triples. A fraction ``error_rate`` of the traces holds exactly one *first* error,
at a computation step drawn uniformly, of a kind drawn uniformly from three that
models make:

- ``"arithmetic"``: the result is wrong: off by a little (1, 2 or 10), its last two
  digits swapped, or a dropped carry/borrow (``17 + 5 = 12``);
- ``"carried_value"``: the step starts from a number that is not the previous result
  (or, at the first step, not the count the problem states): off by a little, digits
  swapped, or the stale value from one step earlier; its own arithmetic is right;
- ``"operation"``: the step computes another operation than its words say
  (``buys 5 more, so she has 17 - 5 = 12``), correctly.

Later steps continue correctly from the wrong value, as a model would, so the final
answer differs from ``reference``. Labels hold by construction: 1.0 before the first
error, 0.0 at it and after. Correct and wrong steps share the templates, words and
number ranges; an error shows only in how the numbers and operators relate to the
problem and the previous step, so a PRM has to check arithmetic and carried values.
The model-free checker (`stepscore.verifiers.steps.check_steps`) refutes every
arithmetic error and never a correct step; it cannot see the other two kinds (recall
1.0, 0.0 and 0.0 per kind; tests/prm/test_synthetic.py), which a learned PRM must
catch.

``trace.meta["synthetic"]`` records ``error_kind``, ``error_index`` and ``variant``
(None for a correct trace) and ``values``, the counts after each computation step.

>>> traces = synthetic_traces(4, seed=1)
>>> sum(t.first_error() is not None for t in traces)
2
>>> [t.answer == t.reference for t in traces] == [t.first_error() is None for t in traces]
True
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

from stepscore.reasoning.trace import Trace

__all__ = ["ERROR_KINDS", "ErrorKind", "synthetic_traces"]

ErrorKind = Literal["arithmetic", "carried_value", "operation"]
ERROR_KINDS: tuple[str, ...] = get_args(ErrorKind)

SEPARATOR = "\n"

_HE, _SHE = ("he", "him", "his"), ("she", "her", "her")
_NAMES = (("Tom", _HE), ("Ava", _SHE), ("Sam", _HE), ("Mia", _SHE), ("Leo", _HE), ("Zoe", _SHE),
          ("Max", _HE), ("Ivy", _SHE))  # fmt: skip
_ITEMS = ("apples", "marbles", "stickers", "coins", "cookies", "pencils", "shells", "cards")
# (problem sentence, step clause) per operation: {n} is the amount, {p}, {o}, {q} the
# subject, object and possessive pronouns.
_PHRASES = {
    "+": (
        ("Then {p} buys {n} more.", "{name} buys {n} more"),
        ("Then {p} finds {n} more.", "{name} finds {n} more"),
        ("Then a friend gives {o} {n} more.", "{name} gets {n} more from a friend"),
    ),
    "-": (
        ("Then {p} gives away {n}.", "{name} gives away {n}"),
        ("Then {p} loses {n}.", "{name} loses {n}"),
        ("Then {p} sells {n}.", "{name} sells {n}"),
    ),
    "*": (
        ("Then {q} {item} {times}.", "{name}'s {item} {times}"),
        ("Then the number of {q} {item} {times}s.", "The number of {q} {item} {times}s"),
    ),
}
_TIMES = {2: "double", 3: "triple"}


@dataclass(frozen=True, slots=True)
class _Event:
    """One update of the count: ``op`` ("+", "-", "*"), ``amount``, and its wording."""

    op: str
    amount: int
    phrase: int


@dataclass(frozen=True, slots=True)
class _Line:
    """One computation as written: ``left op amount = result``."""

    left: int
    op: str
    amount: int
    result: int


@dataclass(frozen=True, slots=True)
class _Limits:
    min_steps: int
    max_steps: int
    max_value: int
    max_amount: int


@dataclass(frozen=True, slots=True)
class _Error:
    index: int
    kind: str
    variant: str
    line: _Line


def synthetic_traces(
    n: int,
    *,
    seed: int = 0,
    error_rate: float = 0.5,
    min_steps: int = 2,
    max_steps: int = 4,
    max_value: int = 99,
    max_amount: int = 9,
    error_kinds: Sequence[str] = ERROR_KINDS,
) -> list[Trace]:
    """``n`` labelled traces (see the module docstring), the same for the same arguments.

    Exactly ``round(n * error_rate)`` traces hold an error, at random positions in the
    list. Each trace has ``min_steps`` to ``max_steps`` computation steps and an answer
    step; ``error_kinds`` limits the kinds of error drawn.

    >>> [len(t.steps) for t in synthetic_traces(3, min_steps=2, max_steps=2)]
    [3, 3, 3]
    """
    _validate(n, error_rate, min_steps, max_steps, max_value, max_amount, error_kinds)
    rng = random.Random(seed)
    wrong = set(rng.sample(range(n), round(n * error_rate)))
    limits = _Limits(min_steps, max_steps, max_value, max_amount)
    return [
        _trace(rng, f"synthetic-{seed}-{i}", i in wrong, limits, tuple(error_kinds))
        for i in range(n)
    ]


def _validate(
    n: int,
    error_rate: float,
    min_steps: int,
    max_steps: int,
    max_value: int,
    max_amount: int,
    error_kinds: Sequence[str],
) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if not 0.0 <= error_rate <= 1.0:
        raise ValueError(f"error_rate must be in [0, 1], got {error_rate!r}")
    if not 1 <= min_steps <= max_steps:
        raise ValueError(f"need 1 <= min_steps <= max_steps, got {min_steps}, {max_steps}")
    if max_value < 20:
        raise ValueError(f"max_value must be at least 20, got {max_value}")
    if not 3 <= max_amount <= max_value // 2:
        raise ValueError(f"max_amount must be in [3, max_value // 2], got {max_amount}")
    unknown = [k for k in error_kinds if k not in ERROR_KINDS]
    if unknown or not error_kinds:
        raise ValueError(f"error_kinds must be a non-empty subset of {ERROR_KINDS}")


def _trace(
    rng: random.Random,
    id: str,
    wrong: bool,
    limits: _Limits,
    kinds: tuple[str, ...],
) -> Trace:
    while True:  # a problem where the error drawn does not fit is drawn again
        start, events = _problem(rng, rng.randint(limits.min_steps, limits.max_steps), limits)
        error = _error(rng, start, events, limits, kinds) if wrong else None
        if error is not None or not wrong:
            break
    lines = _lines(start, events, error)
    name, (p, o, q) = rng.choice(_NAMES)
    item = rng.choice(_ITEMS)
    words = {"p": p, "o": o, "q": q, "item": item}
    problem = " ".join(
        [f"{name} has {start} {item}."]
        + [_PHRASES[e.op][e.phrase][0].format(n=e.amount, times=_TIMES.get(e.amount), **words)
           for e in events]
        + [f"How many {item} does {name} have now?"]
    )  # fmt: skip
    steps = [
        f"{_clause(e, name, words)}, so {p} has {x.left} {x.op} {x.amount} = {x.result} {item}."
        for e, x in zip(events, lines, strict=True)
    ]
    steps.append(f"The answer is {lines[-1].result}.")
    first = len(steps) if error is None else error.index
    labels = [1.0 if i < first else 0.0 for i in range(len(steps))]
    gold = _lines(start, events, None)[-1].result
    meta = {
        "error_kind": None if error is None else error.kind,
        "error_index": None if error is None else error.index,
        "variant": None if error is None else error.variant,
        "values": [x.result for x in lines],
    }
    trace = Trace.from_steps(
        steps, labels=labels, separator=SEPARATOR, prompt=problem, reference=str(gold), id=id,
        meta={"synthetic": meta},
    )  # fmt: skip
    return replace(trace, answer=str(lines[-1].result))


def _clause(event: _Event, name: str, words: dict[str, str]) -> str:
    template = _PHRASES[event.op][event.phrase][1]
    return template.format(name=name, n=event.amount, times=_TIMES.get(event.amount), **words)


def _problem(rng: random.Random, steps: int, limits: _Limits) -> tuple[int, list[_Event]]:
    """A start count and ``steps`` updates that keep the count in ``[2, max_value]``."""
    start = value = rng.randint(2, limits.max_value - 2)
    events = []
    for _ in range(steps):
        ops = [op for op in "+-*" if _amounts(op, value, limits)]
        op = rng.choice(ops)
        amount = rng.choice(_amounts(op, value, limits))
        events.append(_Event(op, amount, rng.randrange(len(_PHRASES[op]))))
        value = _apply(value, op, amount)
    return start, events


def _amounts(op: str, value: int, limits: _Limits) -> list[int]:
    """The amounts ``op`` may take from ``value`` with the result still in range."""
    if op == "+":
        return list(range(2, min(limits.max_amount, limits.max_value - value) + 1))
    if op == "-":
        return list(range(2, min(limits.max_amount, value - 2) + 1))
    return [k for k in _TIMES if value * k <= limits.max_value]


def _apply(value: int, op: str, amount: int) -> int:
    return value + amount if op == "+" else value - amount if op == "-" else value * amount


def _lines(start: int, events: list[_Event], error: _Error | None) -> list[_Line]:
    """The computations as written, continuing correctly from an error's wrong result."""
    lines, value = [], start
    for index, event in enumerate(events):
        if error is not None and index == error.index:
            line = error.line
        else:
            line = _Line(value, event.op, event.amount, _apply(value, event.op, event.amount))
        lines.append(line)
        value = line.result
    return lines


def _error(
    rng: random.Random,
    start: int,
    events: list[_Event],
    limits: _Limits,
    kinds: tuple[str, ...],
) -> _Error | None:
    """A first error of a kind drawn uniformly, at a step drawn uniformly, that keeps
    every later count in range; None when none fits (the caller draws a new problem).

    The variant is drawn uniformly among those that fit, then the wrong line among the
    variant's, so no variant dominates by having more candidates.
    """
    kind, index = rng.choice(kinds), rng.randrange(len(events))
    gold = _lines(start, events, None)
    before = start if index == 0 else gold[index - 1].result
    stale = None if index == 0 else (start if index == 1 else gold[index - 2].result)
    right = gold[index]
    by_variant: dict[str, list[_Line]] = {}
    for variant, line in _candidates(kind, events[index], right, before, stale):
        if line.result != right.result and _fits(line, events[index + 1 :], limits):
            by_variant.setdefault(variant, []).append(line)
    if not by_variant:
        return None
    variant = rng.choice(sorted(by_variant))
    return _Error(index, kind, variant, rng.choice(by_variant[variant]))


def _candidates(
    kind: str, event: _Event, right: _Line, before: int, stale: int | None
) -> list[tuple[str, _Line]]:
    """``(variant, wrong line)`` pairs of one error kind at one step."""
    op, amount, result = event.op, event.amount, right.result
    if kind == "arithmetic":
        slips = [("off_by_small", result + d) for d in (-10, -2, -1, 1, 2, 10)]
        slips += [("digit_swap", v) for v in _swaps(result)]
        slips += [("dropped_carry", v) for v in _dropped_carry(before, op, amount)]
        return [(variant, replace(right, result=v)) for variant, v in slips]
    if kind == "carried_value":
        lefts = [("off_by_small", before + d) for d in (-10, -2, -1, 1, 2, 10)]
        lefts += [("digit_swap", v) for v in _swaps(before)]
        lefts += [("stale_value", stale)] if stale is not None else []
        return [(variant, _Line(v, op, amount, _apply(v, op, amount))) for variant, v in lefts]
    others = ("+", "-") if op == "*" else tuple(o for o in "+-*" if o != op)
    return [
        (f"{op}->{other}", _Line(before, other, amount, _apply(before, other, amount)))
        for other in others
    ]


def _fits(line: _Line, rest: list[_Event], limits: _Limits) -> bool:
    """Whether every number written from ``line`` on lies in the correct steps' range."""
    if not (2 <= line.left <= limits.max_value and 2 <= line.result <= limits.max_value):
        return False
    if line.op == "*" and line.amount not in _TIMES:
        return False
    value = line.result
    for event in rest:
        if event.amount not in _amounts(event.op, value, limits):
            return False
        value = _apply(value, event.op, event.amount)
    return True


def _swaps(value: int) -> list[int]:
    """``value`` with its last two digits swapped (none when that changes nothing or
    leads with a zero)."""
    text = str(value)
    if len(text) < 2 or text[-1] == text[-2] or (len(text) == 2 and text[-1] == "0"):
        return []
    return [int(text[:-2] + text[-1] + text[-2])]


def _dropped_carry(left: int, op: str, amount: int) -> list[int]:
    """The result of ``left op amount`` with the units' carry (or borrow) forgotten."""
    if op == "+" and left % 10 + amount % 10 >= 10:
        return [left + amount - 10]
    if op == "-" and left % 10 < amount % 10:
        return [left - amount + 10]
    if op == "*" and (left % 10) * amount >= 10:
        return [left * amount - 10 * ((left % 10) * amount // 10)]
    return []
