"""Arithmetic with the imaginary unit: ``(5 - 8i)(30 + 48i) = 150 + 384``,
``\\frac{1}{-5i} = \\frac{i}{5}``.

The token-level finder (`stepscore.verifiers.steps.claims`) reads ``i`` as a word, so
complex arithmetic goes unchecked there. `find_complex_claims` reads the step's LaTeX line
by line (`stepscore.verifiers.steps.identities.math_lines`) and decides each link
``a = b`` of a chain whose sides hold numbers and ``i`` and nothing else, with the bounded
evaluator of `stepscore.verifiers.math.arithmetic`.

Only a step that plainly uses ``i`` as the imaginary unit is read: one that writes it as
an index (``x_i``, ``\\sum_{i=1}``, ``i = 1``, "the i-th") is skipped, and so is a side
that holds ``e`` (a constant or an unknown?). A chain whose two ends agree forgives a
wrong middle form, as in `stepscore.verifiers.steps.check`; a side with decimals that
disagrees is "unverifiable" (maybe rounded).

>>> [c.status for c in find_complex_claims("\\\\( (1 + i)(1 - i) = 2 \\\\)")]
['verified']
>>> [c.status for c in find_complex_claims("\\\\( (1 + i)^2 = 2 \\\\)")]
['refuted']
>>> find_complex_claims("\\\\( \\\\sum_{i=1}^{3} i = 6 \\\\)")
[]
"""

from __future__ import annotations

import re

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.steps.identities import compile_side, math_lines, split_relations
from stepscore.verifiers.steps.recompute import DecidedLink, LinkStatus

__all__ = ["find_complex_claims"]

_UNIT = re.compile(r"(?<![A-Za-z\\])i(?![A-Za-z])")
# "x_i", "\\sum_{i=1}", "i = 2", "the i-th term", "a_{i+1}": an index, not the unit.
_INDEX = re.compile(
    r"_\s*\{?\s*[a-z]*i\b|\bi\s*(?:=|\\in\b|\\le|\\ge|<|>)|\\(?:sum|prod)\b|\bi-?th\b"
    r"|\bi\s*\\\)\s*-?th\b|\bfor\s+(?:each|all|every)\s+\\?\(?\s*i\b"
)
_EULER = re.compile(r"(?<![A-Za-z\\])e(?![A-Za-z])")
_TIGHT = 1e-9


def find_complex_claims(text: str) -> list[DecidedLink]:
    """The decided complex links of the step's LaTeX (see the module docstring)."""
    if "=" not in text or _UNIT.search(text) is None or _INDEX.search(text):
        return []
    out: list[DecidedLink] = []
    for line, offset, _ in math_lines(text):
        if _UNIT.search(line) is None:
            continue
        for pieces in split_relations(line, offset):
            if _DOTS.search(line, 0, pieces[0][1] - offset):
                pieces = pieces[1:]  # ``\\dots - 2i = -48i``: the tail of a sum, not a side
            out.extend(_chain(pieces))
    return out


_DOTS = re.compile(r"\\[lc]?dots[a-z]*\s*$")


def _chain(pieces: list[tuple[str, int]]) -> list[DecidedLink]:
    values = [_value(piece) for piece, _ in pieces]
    out = []
    for k in range(len(pieces) - 1):
        a, b = values[k], values[k + 1]
        (left, start), (right, at) = pieces[k], pieces[k + 1]
        if a is None or b is None or not (_UNIT.search(left) or _UNIT.search(right)):
            continue
        status, reason = _decide(a, b)
        if status == "refuted" and _ends_agree(values):
            status, reason = "unverifiable", "the chain's ends agree"
        end = at + len(right.rstrip())
        out.append(DecidedLink(start, end, left.strip(), right.strip(), status, reason))
    return out


def _value(side: str) -> tuple[complex, bool] | None:
    """The side's value and whether it holds decimals; None unless numbers and ``i``."""
    if _EULER.search(side) or _other_command(side):
        return None
    expr = compile_side(side)
    if expr is None or expr.variables:
        return None
    try:
        value = evaluate(expr, {})
    except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
        return None
    return complex(value), expr.inexact


def _other_command(side: str) -> bool:
    commands = re.findall(r"\\[A-Za-z]+", side)
    allowed = {"\\frac", "\\dfrac", "\\tfrac", "\\cdot", "\\times", "\\left", "\\right"}
    return any(c not in allowed for c in commands)


def _decide(a: tuple[complex, bool], b: tuple[complex, bool]) -> tuple[LinkStatus, str]:
    (x, inexact_x), (y, inexact_y) = a, b
    if abs(x - y) <= _TIGHT * max(1.0, abs(x), abs(y)):
        return "verified", "equal"
    if inexact_x or inexact_y:
        return "unverifiable", "decimals written: maybe rounded"
    return "refuted", "the two sides differ as complex numbers"


def _ends_agree(values: list[tuple[complex, bool] | None]) -> bool:
    """``A = B = C`` with ``A == C``: a wrong middle form the chain itself corrects."""
    first, last = values[0], values[-1]
    if first is None or last is None or len(values) < 3:
        return False
    return abs(first[0] - last[0]) <= _TIGHT * max(1.0, abs(first[0]))
