"""A computation named, then its value given: ``42 \\cdot 56 = c``, ``or c = 2336``.

A step that writes a computation free of unknowns equal to a one-letter name, and then,
a little later in the same step and with no other value given to that name between,
the name equal to a bare number, claims the computation has that value:
`find_named_values` decides that link as the arithmetic finder would decide
``42 \\cdot 56 = 2336`` written at once (`stepscore.verifiers.steps.claims`,
`stepscore.verifiers.steps.recompute`; rounding signalled in the step is allowed).
Only the first value given to the name after the computation is read; a name given a
value before the computation, or a value that is itself computed, is not read.

>>> [c.status for c in find_named_values("we have $$42\\\\cdot56=c,$$ or $c=2336$.")]
['refuted']
>>> [c.status for c in find_named_values("so $3 \\\\times 4 = n$ and hence $n = 12$")]
['verified']
>>> find_named_values("let $n = 5$; then $3 \\\\times 4 = n$ and $n = 12$")
[]
"""

from __future__ import annotations

import re

from stepscore.verifiers.steps.claims import find_claims
from stepscore.verifiers.steps.recompute import DecidedLink, recompute

__all__ = ["find_named_values"]

_WINDOW = 160  # how far after the computation its value may come
# a computation (digits and operators only, LaTeX products and fractions allowed) = a name;
# each run between LaTeX commands is bounded, so that a long run of numbers with no name
# after it ("9 9 9 ... = 7", a degenerate rollout) is not rescanned from every digit
_NAMED = re.compile(
    r"(?P<expr>(?<![\w.^_}])(?:\d|\\[dt]?frac)[\d\s.+\-*/×÷·()\\{}]{0,200}?(?:\\(?:cdot|times|"
    r"div|[dt]?frac)[\d\s.+\-*/×÷·()\\{}]{0,200}?){0,32}\d\}?\)?)\s*=\s*(?P<name>[A-Za-z])"
    r"(?![\w({^_']|\\(?![)\]])|\s*(?:[-+*/×÷·^]|\\(?:cdot|times|div|pm)\b))"  # not "= x + 21"
)
_VALUE = (  # the name = a bare number (nothing computed after it)
    r"(?<![\w\\]){name}\s*=\s*(?P<value>-?\d{{1,3}}(?:,\d{{3}})+|-?\d+(?:\.\d+)?)"
    r"(?![\d.]*(?:[A-Za-z(^]|\\(?![)\]])|\s*(?:[/*×·+^]|\\(?:cdot|times|div)|-\s*\d)))"
)
_GIVEN = r"(?<![\w\\]){name}\s*=(?!=)"
_OPERATOR = re.compile(r"[+\-*/×÷·]|\\(?:cdot|times|div|[dt]?frac)")


def find_named_values(
    text: str,
    *,
    signalled: bool = False,
    signalled_rel_tol: float = 0.01,
    gray_rel_tol: float = 0.01,
) -> list[DecidedLink]:
    """The named computations of ``text`` whose value the step then gives; ``signalled``:
    the step says it rounds (see `stepscore.verifiers.steps.recompute`)."""
    if text.count("=") < 2:
        return []
    out = []
    given_by: dict[str, int] = {}  # where each name is first given a value ("c ="), read once
    for m in _NAMED.finditer(text):
        expr, name = m["expr"].strip(), m["name"]
        if not _OPERATOR.search(expr) or _continues(text, m.start()):
            continue
        if name not in given_by:
            first = re.search(_GIVEN.format(name=name), text)
            given_by[name] = first.end() if first else len(text) + 1
        if given_by[name] <= m.start():
            continue
        after = text[m.end() : m.end() + _WINDOW]
        given = re.search(_GIVEN.format(name=name), after)
        value = re.match(_VALUE.format(name=name), after[given.start() :]) if given else None
        if given is None or value is None:
            continue
        decided = _decide(expr, value["value"], signalled, signalled_rel_tol, gray_rel_tol)
        if decided is not None:
            status, reason = decided
            end = m.end() + given.start() + value.end()
            out.append(DecidedLink(m.start(), end, expr, value["value"], status, reason))
    return out


def _continues(text: str, start: int) -> bool:
    """Whether the computation at ``start`` is the tail of a longer expression (``x + 2
    - 16 = x``): an operator, a relation or an operator command comes just before it."""
    at = start
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return _BEFORE.search(text, max(0, at - 5), at) is not None


_BEFORE = re.compile(r"(?:[-+*/×÷·=<>^_]|\\(?:cdot|times|div|pm|mp|ast))\Z")


def _decide(
    expr: str, value: str, signalled: bool, signalled_rel_tol: float, gray_rel_tol: float
) -> tuple[str, str] | None:
    """``expr = value`` decided as the arithmetic finder would, or None when it would
    not read it as one claim."""
    links = find_claims(f"{expr} = {value}")
    if len(links) != 1 or links[0].expression.strip() != expr:
        return None
    status, _, _, reason = recompute(
        links[0],
        signalled=signalled,
        moduli=None,
        signalled_rel_tol=signalled_rel_tol,
        gray_rel_tol=gray_rel_tol,
    )
    return status, f"named, then given: {reason}"
