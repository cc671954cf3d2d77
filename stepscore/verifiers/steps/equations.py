"""Equations rewritten line by line: ``x^2 - 2x - 7 = 0 \\\\ (x - 7)(x + 5) = 0``.

Two equations on consecutive lines of a step's LaTeX, with no words between (or an
arrow: ``-2 + 4a + 8 = 0 \\implies 4a = -6``), in one unknown and of the same degree, are
one equation rewritten (in a step with no LaTeX, its plain-text equations are its lines:
"... + 2J + 10 = 100. This simplifies to 5J + 20 = 100."): expanding, factoring,
collecting terms, dividing through. Such a rewrite keeps the equation up to a nonzero
factor (``2x + 6 = 0`` and ``x + 3 = 0``); `decide_transition` tests that at random
points (`stepscore.verifiers.math.arithmetic.proportional`). Solving steps that change
the degree (``x^2 = 4`` to ``x = 2``, squaring both sides), systems in two unknowns and
lines joined by words ("or", "and") are not read as rewrites. Equations written with
decimals, which may be rounded, are read only when linear in one unknown, and decided by
their solutions (`rounded`): ``0.99B + 1.01B + B = 4500`` then ``3.01B = 4500`` is
refuted, ``1.5x = 1000`` then ``x = 667`` is not. Dollar signs that each open an amount
(``x * $1.5 = $300``) are money, not math, and read as blanks.

>>> text = "\\\\[ x^2 - 2x - 7 = 0 \\\\] \\\\[ (x - 7)(x + 5) = 0 \\\\]"
>>> [t.after for t in find_transitions(text)]
[('(x - 7)(x + 5)', '0')]
>>> decide_transition(find_transitions("\\\\[ 2x + 6 = 10 \\\\] \\\\[ x + 3 = 6 \\\\]")[0])[0]
'refuted'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import (
    TooLarge,
    Undefined,
    evaluate,
    points_for,
    proportional,
)
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.expression import Expression, Node
from stepscore.verifiers.steps.identities import (
    LIST_JOIN,
    RELATION_BREAK,
    Rewrite,
    compile_side,
    decide_rewrite,
    function_letters,
    math_lines,
    split_relations,
)
from stepscore.verifiers.steps.recompute import Outcome

__all__ = [
    "CONNECTIVE",
    "Transition",
    "decide_transition",
    "find_transitions",
    "node_degree",
    "plain_lines",
]

MAX_DEGREE = 12
MAX_ROUNDED = 8  # equations with decimals read in one text (`rounded`)
# Words that join one form of an equation to the next ("This simplifies to:", "we get").
CONNECTIVE = re.compile(
    r"(?:[\s,.:;$]|\bwhich\b|\bthis\b|\bthat\b|\bwe\b|\bthen\b|\bso\b|\bthus\b|\bhence\b"
    r"|\bnow\b|\bit\b|\bsimplif\w*|\bgives?\b|\bget\b|\bobtain\b|\byields?\b|\bbecomes?\b"
    r"|\bexpand\w*|\bfactor\w*|\brearrang\w*|\bcombin\w*|\bcollect\w*|\bmov\w*|\bsubtract\w*"
    r"|\badd\w*|\bdivid\w*|\bmultipl\w*|\bboth\b|\bsides?\b|\bby\b|\bfrom\b|\bto\b|\bterms?\b"
    r"|\blike\b|\bthe\b|\bequation\b|\bgiving\b|\bfurther\b|\bas\b|\d++|\bhave\b"
    r"|\bsolv\w*|\bfind\b|\bfor\b|\bus\b"
    r"|\b(?:left|right)(?:-hand)?\b"
    r"|\band\b(?=\s+(?:simplif|combin|rearrang|collect|expand|factor|so|thus|hence|therefore))"
    r")*",
    re.IGNORECASE,
)
# A rewrite in several unknowns must say so: consecutive equations in x and y may be a
# system ("x + y = 5 \\] \\[ x - y = 1").
_REWRITE_VERB = re.compile(
    r"\b(?:simplif\w*|expand\w*|rearrang\w*|becomes?|factor\w*)\b", re.IGNORECASE
)
MAX_UNKNOWNS = 3
_LEAD = re.compile(r"\s*(?:\\(?:Rightarrow|implies|Longrightarrow|therefore)\b)?")
_CONFIG = MathConfig()
# (sides, unknowns, degree, start, decimals written)
_Equation = tuple[tuple[str, str], frozenset[str], int, int, bool]


@dataclass(frozen=True, slots=True)
class Transition:
    """Equation ``before`` (left, right) rewritten as ``after`` on the next line."""

    start: int
    end: int
    before: tuple[str, str]
    after: tuple[str, str]
    decimals: bool = False  # linear in one unknown, with decimals written (`rounded`)


def find_transitions(text: str, before: str | None = None) -> list[Transition]:
    """Consecutive one-unknown equations of equal degree (see the module docstring);
    ``before``: the line of LaTeX the step before ended on, which the step's first line
    may rewrite ("This further simplifies to: ..."; spanned from the step's start)."""
    if text.count("=") + (before or "").count("=") < 2:
        return []
    functions = function_letters(text + (before or ""))
    if "$" in text and _CASH.sub("", text).count("$") == 0:
        text = text.replace("$", " ")  # "x * $1.5 = $300": amounts of money, not math
    out: list[Transition] = []
    previous = None if before is None else _equation(before, 0, functions)
    lines = _arrow_pieces(math_lines(text) or plain_lines(text))
    if lines and all(_LETTER_SET.fullmatch(line) for line, _, _ in lines):
        # LaTeX sets only the unknown ("150 + \\( x \\) = 500"): the equations are the prose's
        lines = plain_lines(_INLINE_LETTER.sub(_bare_letter, text))
    rounded_left = MAX_ROUNDED
    listed = _listed(lines)
    for k, (line, offset, gap) in enumerate(lines):
        current = _equation(line, offset, functions, decimals=rounded_left > 0)
        if (
            current is not None
            and previous is not None
            and _follows(previous, current, gap)
            and not listed[k]
        ):
            decimals = previous[4] or current[4]
            rounded_left -= decimals
            end = offset + len(line.rstrip())
            out.append(Transition(previous[3], end, previous[0], current[0], decimals))
        previous = current if line.strip() else previous
    return out


_CASH = re.compile(r"\$(?=\.?\d)")
_PLAIN_CHARS = frozenset("0123456789+-*/^(). =")
_LETTER_SET = re.compile(r"\s*[A-Za-z]\s*")
_INLINE_LETTER = re.compile(r"\\\(\s*[A-Za-z]\s*\\\)|\$\s*[A-Za-z]\s*\$")


def _bare_letter(m: re.Match[str]) -> str:
    """``\\( x \\)`` as `` x `` padded to its length (the offsets still hold)."""
    letter = next(c for c in m[0][1:] if c.isalpha())
    return letter.center(len(m[0]))


def plain_lines(text: str) -> tuple[tuple[str, int, str | None], ...]:
    """For a step with no LaTeX, its equations written in plain text, as lines: each
    widest run of digits, operators, brackets, "=" and single letters that holds one "="
    and a digit (``5J + 20 = 100`` in "This simplifies to 5J + 20 = 100."; a run with two
    is not read: "-14 = x + 2 -16 = x" runs two equations together); the text between
    two is the gap."""
    out: list[tuple[str, int, str | None]] = []
    last = 0
    for m in re.finditer("=", text):
        if m.start() < last:
            continue
        start, end = _plain_reach(text, m.start(), -1), _plain_reach(text, m.end(), 1)
        while start < m.start() and text[start] == " ":
            start += 1
        line = text[start:end].rstrip(". ")
        if line.count("=") == 1 and re.search(r"\d", line) and line.strip(" =") == line.strip():
            out.append((line, start, text[last:start]))
        last = end
    return tuple(out)


def _plain_reach(text: str, at: int, step: int) -> int:
    """How far from ``at`` (going ``step``) plain-text arithmetic runs."""
    i = at if step > 0 else at - 1
    while 0 <= i < len(text):
        c = text[i]
        if c.isalpha():
            if (i > 0 and text[i - 1].isalpha()) or (i + 1 < len(text) and text[i + 1].isalpha()):
                break  # a word, not a letter
        elif c not in _PLAIN_CHARS:
            break
        i += step
    return i if step > 0 else i + 1


_ARROW = re.compile(r"\\(?:Rightarrow|implies|Longrightarrow)\b")


def _arrow_pieces(
    lines: tuple[tuple[str, int, str | None], ...],
) -> tuple[tuple[str, int, str | None], ...]:
    """The lines with each ``A \\implies B`` cut in two, as two lines with nothing between
    (an arrow joins the lines of a derivation as a connective would)."""
    if not any(_ARROW.search(line) for line, _, _ in lines):
        return lines
    out: list[tuple[str, int, str | None]] = []
    for line, offset, gap in lines:
        start = 0
        for m in _ARROW.finditer(line):
            out.append((line[start : m.start()], offset + start, gap if start == 0 else ""))
            start = m.end()
        out.append((line[start:], offset + start, gap if start == 0 else ""))
    return tuple(out)


def _listed(lines: tuple[tuple[str, int, str | None], ...]) -> list[bool]:
    """For each line, whether it is an item of a list: followed, through commas alone,
    by "and" or "or" and another line ("$A$, $B$, and $C$"). One pass from the end."""
    out = [False] * len(lines)
    ahead = False  # what the gaps after line k say, read from the end
    for k in range(len(lines) - 1, -1, -1):
        out[k] = ahead
        gap = lines[k][2]
        if gap is None:
            ahead = False
        elif LIST_JOIN.fullmatch(gap):
            ahead = True
        elif _COMMA.fullmatch(gap) is None:
            ahead = False
    return out


_COMMA = re.compile(r"\s*,?\s*")
_ELLIPSIS = re.compile(r"\.\.\.|…|\\[lc]?dots")


def _follows(previous: _Equation, current: _Equation, gap: str | None) -> bool:
    """Whether ``current`` rewrites ``previous``: joined by no words or connective words,
    in the same unknown, of the same degree, and not a list of values (``x = 0, x = 9``)."""
    if gap is None or CONNECTIVE.fullmatch(gap) is None:
        return False
    if _solved(previous[0], previous[1]):
        return False  # "x = 0, x = 9", "x = \\frac{5 + 3}{2} \\] \\[ x = \\frac{5 - 3}{2}": values
    if previous[0][0] == current[0][0] and _COMMA.fullmatch(gap) and "," in gap:
        return False  # "$n^2+n=1004$, $n^2+n=2008$, ...": cases listed, one side the same
    if _ELLIPSIS.search(gap):
        return False  # "$j-i = 12$, ..., $j-i = 99$": a list elided
    if previous[1:3] != current[1:3]:
        return False
    if len(previous[1]) > 1 and _REWRITE_VERB.search(gap) is None:
        # ("$1 + a = b$, $1 + b = a$, and so on": cases listed, not one equation rewritten)
        listed = _COMMA.fullmatch(gap) is not None and "," in gap
        return not listed and _constant_changed(previous[0], current[0])
    return not (_identity(previous[0]) or _identity(current[0]))


def _constant_changed(before: tuple[str, str], after: tuple[str, str]) -> bool:
    """Whether two equations in several unknowns have the same variable part (up to a
    nonzero factor) and a different constant (``x^2 - 10x + 25 + y^2 - 14y + 49 = 13``
    then ``x^2 + y^2 - 10x - 14y + 74 = 0``): no system writes two such equations (it
    would have no solution), so the second rewrites the first, wrongly."""
    sides = [compile_side(side) for side in (*before, *after)]
    if any(e is None for e in sides):
        return False
    a, b, c, d = sides
    assert a is not None and b is not None and c is not None and d is not None
    names = a.variables | b.variables | c.variables | d.variables
    gaps: list[tuple[Fraction, Fraction]] = []
    for env in points_for(names, 5):
        try:
            first = evaluate(a, env) - evaluate(b, env)
            second = evaluate(c, env) - evaluate(d, env)
        except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
            return False
        if not (isinstance(first, Fraction) and isinstance(second, Fraction)):
            return False
        gaps.append((first, second))
    (f0, s0), (f1, s1) = gaps[0], gaps[1]
    if s1 == s0 or f1 == f0:
        return False
    factor = (f1 - f0) / (s1 - s0)  # first = factor * second + shift, if the parts agree
    shift = f0 - factor * s0
    return shift != 0 and all(f - factor * g == shift for f, g in gaps)


def _identity(sides: tuple[str, str]) -> bool:
    """``(b - 1)^2 = b^2 - 2b + 1``: true for every value, so not an equation to solve."""
    return decide_rewrite(Rewrite(0, 0, *sides))[0] == "verified"


def decide_transition(transition: Transition) -> Outcome:
    """The same equation up to a nonzero factor ("verified"), or not ("refuted")."""
    if transition.decimals:
        return rounded(transition)
    same, why = proportional(transition.before, transition.after, "=", _CONFIG)
    if same is None:
        return "unverifiable", None, None, why
    if same:
        return "verified", None, None, "the same equation, rewritten"
    return "refuted", None, None, "the rewritten equation is not equivalent"


def _equation(
    line: str, offset: int, functions: frozenset[str], *, decimals: bool = True
) -> _Equation | None:
    """``(sides, unknown, degree, start, decimals)`` of a line that is one polynomial
    equation (with ``decimals`` False, one written without decimals)."""
    if line.lstrip(" \t&").startswith("=") or functions:
        return None
    line = line.rstrip().rstrip(".,;")
    lead = _LEAD.match(line)  # "\\Rightarrow (z+1)^2 = 0": a connective, not a relation
    line, offset = line[lead.end() :], offset + lead.end()
    segments = split_relations(line, offset)
    if len(segments) != 1 or len(segments[0]) != 2 or RELATION_BREAK.search(line):
        return None
    (left, start), (right, _) = segments[0]
    a, b = compile_side(left), compile_side(right)
    if a is None or b is None:
        return None
    names = a.variables | b.variables
    if not 1 <= len(names) <= MAX_UNKNOWNS:
        return None
    da, db = _degree(a), _degree(b)
    if da is None or db is None or max(da, db) == 0:
        return None
    written = a.inexact or b.inexact
    if written and (not decimals or len(names) > 1 or max(da, db) > 1):
        return None  # decimals may be rounded: read only where `rounded` can bound them
    sides = (" ".join(left.split()), " ".join(right.split()))
    return sides, names, max(da, db), start, written


def _solved(sides: tuple[str, str], unknowns: frozenset[str]) -> bool:
    """``x = 3``, ``x = \\frac{5 + 3}{2}``: a value found; what follows it is another value
    or a use of it, not a rewrite."""
    left, right = (compile_side(side) for side in sides)
    return any(
        e is not None
        and e.tree[0] == "var"
        and e.tree[1] in unknowns
        and o is not None
        and not o.variables
        for e, o in ((left, right), (right, left))
    )


def _degree(expr: Expression) -> int | None:
    """The formal degree of a polynomial tree, None for anything else (roots, 1/x, 2^x)."""
    return node_degree(expr.tree)


def node_degree(node: Node) -> int | None:
    kind = node[0]
    if kind in ("num", "const"):
        return 0
    if kind == "var":
        return 1
    children = [node_degree(child) for child in node[1:] if isinstance(child, tuple)]
    if any(d is None for d in children):
        return None
    if kind == "add":
        return max(children)
    if kind == "neg":
        return children[0]
    if kind == "mul":
        return sum(children)
    if kind == "div":
        return children[0] if children[1] == 0 else None
    if kind == "pow":
        exponent = node[2]
        if children[1] != 0 or exponent[0] != "num" or not _small_int(exponent[1]):
            return None
        return children[0] * int(exponent[1])
    return None


def _small_int(value: object) -> bool:
    return isinstance(value, Fraction) and value.denominator == 1 and 0 <= value <= MAX_DEGREE


_LITERAL = re.compile(r"\d*\.\d+|\d+")
MAX_LITERALS = 6


def rounded(transition: Transition) -> Outcome:
    """A linear equation in one unknown written with decimals, rewritten (``0.99B +
    1.01B + B = 4500`` then ``3.01B = 4500``): its solution, and the range of solutions
    the rewrite allows if each number it writes was rounded at its last place (``x =
    15`` for ``0.33x = 5``). Refuted when the first lies outside the second."""
    before = _roots(transition.before, _fraction_like)  # "0.33x = 100": a third, rounded
    after = _roots(transition.after, lambda _: True)  # "x = 667": each number maybe rounded
    if before is None or after is None:
        return "unverifiable", None, None, "no single solution to compare, or too many numbers"
    if before[1] < after[0] or after[1] < before[0]:
        return "refuted", None, None, "the rewritten equation is not equivalent, even rounded"
    exact = _root(transition.before) == _root(transition.after)
    why = "the same equation, rewritten" if exact else "the same up to the rounding written"
    return "verified", None, None, why


def _roots(
    sides: tuple[str, str], rounded: Callable[[str], bool]
) -> tuple[Fraction, Fraction] | None:
    """The least and greatest solution of a linear equation whose numbers that
    ``rounded`` picks may each lie half a unit of their last place off, or None."""
    picked = [m[0] for side in sides for m in _LITERAL.finditer(side) if rounded(m[0])]
    if len(picked) > MAX_LITERALS:
        return None
    found = []
    for corner in range(2 ** len(picked)):
        root = _root(_moved(sides, rounded, corner))
        if root is None:
            return None
        found.append(root)
    return min(found), max(found)


def _moved(sides: tuple[str, str], rounded: Callable[[str], bool], corner: int) -> tuple[str, str]:
    """``sides`` with the k-th number ``rounded`` picks moved half a unit of its last
    place down, or up where bit k of ``corner`` is set; written as a fraction."""
    out, k = [], 0
    for side in sides:
        parts, last = [], 0
        for m in _LITERAL.finditer(side):
            if not rounded(m[0]):
                continue
            places = len(m[0]) - m[0].index(".") - 1 if "." in m[0] else 0
            sign = 1 if corner >> k & 1 else -1
            value = Fraction(m[0]) + sign * Fraction(1, 2 * 10**places)
            parts.append(f"{side[last : m.start()]}({value.numerator}/{value.denominator})")
            last, k = m.end(), k + 1
        out.append("".join(parts) + side[last:])
    return out[0], out[1]


def _fraction_like(text: str) -> bool:
    """A decimal of two places or more that may be a repeating fraction rounded (``0.33``,
    ``0.167``, ``0.14``), not one that is exact as written (``0.99``, ``1.5``, ``0.125``)."""
    places = len(text) - text.index(".") - 1 if "." in text else 0
    if places < 2:
        return False
    value, half = Fraction(text), Fraction(1, 2 * 10**places)
    return any(abs(Fraction(round(value * q), q) - value) <= half for q in _REPEATING)


_REPEATING = (3, 6, 7, 9, 11, 12)  # denominators whose fractions never end in decimals


def _root(sides: tuple[str, str]) -> Fraction | None:
    """The one solution of a linear equation in one unknown, or None."""
    left, right = compile_side(sides[0]), compile_side(sides[1])
    if left is None or right is None or len(left.variables | right.variables) != 1:
        return None
    (name,) = left.variables | right.variables
    try:
        at = [
            evaluate(left, {name: x}) - evaluate(right, {name: x})
            for x in (Fraction(0), Fraction(1))
        ]
    except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
        return None
    if not all(isinstance(v, Fraction) for v in at) or at[1] == at[0]:
        return None
    return -at[0] / (at[1] - at[0])
