"""Symbolic rewrites inside a step: ``(x+1)^2 = x^2 + 2x + 1``, ``\\[ = (t-1)(t+2) \\]``.

A derivation rewrites one expression into the next: ``P = A = B`` or a display line that
opens with ``=`` (``\\[ = A \\] \\[ = B \\]``, ``&= A \\\\ &= B``) claims that ``A`` and ``B``
are the same function of their variables. `find_rewrites` finds such links in the
step's LaTeX; `decide_rewrite` evaluates both sides at random rational points with the
bounded evaluator of `stepscore.verifiers.math.arithmetic` (no sympy): equal at every
point is "verified", different at one is "refuted" (Schwartz-Zippel).

A link is a rewrite only when it cannot be an equation to solve: it sits inside a
chain of at least two ``=`` after a named left end (``f(x) = A = B``, ``y = A = B``) or
continues a previous line, and both sides have the same variables (``2x + 3 = x + 5``
alone is an equation; ``= 3(2) + 1`` substitutes a value). Anything the grammar does
not read (functions, ``|x|``, ``\\log``, a letter used as a function ``f(2x)``, the
ambiguous ``1/2x``) is skipped. Words may say it too: an expression, then words that
say the next one rewrites it ("$x^2 + 2x + 1$ factors as $(x + 1)^2$", "..., which
simplifies to $...$"), unless words before the first make it part of more ("$9a - 1$
divided by $a$, which simplifies to ...").

>>> [(r.left, r.right) for r in find_rewrites("\\\\[ y = (x+1)^2 = x^2 + 2x + 1 \\\\]")]
[('(x+1)^2', 'x^2 + 2x + 1')]
>>> decide_rewrite(find_rewrites("\\\\[ y = (x+1)^2 = x^2 + x + 1 \\\\]")[0])[0]
'refuted'
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from dataclasses import dataclass
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import (
    TooLarge,
    Undefined,
    evaluate,
    points_for,
)
from stepscore.verifiers.math.expression import Expression, compile_expression
from stepscore.verifiers.steps.recompute import Outcome

__all__ = [
    "LIST_JOIN",
    "RELATION_BREAK",
    "Rewrite",
    "candidate",
    "closing_line",
    "compile_side",
    "decide_rewrite",
    "find_rewrites",
    "function_letters",
    "math_lines",
    "split_relations",
]

MAX_SEGMENT_CHARS = 4_000
_POINTS = 4

# (each body stops at the next opener of its kind, so an opener never closed costs one
# scan to that opener, not one to the end of the text)
_MATH = re.compile(
    r"\\\[(?P<a>(?:(?!\\\[).)*?)\\\]|\\\((?P<b>(?:(?!\\\().)*?)\\\)"
    r"|\$\$(?P<c>(?:(?!\$\$).)*?)\$\$|\$(?P<d>[^$]*?)\$"
    r"|\\begin\{(?P<env>align\*?|aligned|eqnarray\*?|equation\*?|gather\*?|split)\}"
    r"(?P<e>(?:(?!\\begin\{(?P=env)\}).)*?)\\end\{(?P=env)\}",
    re.DOTALL,
)
_LINE = re.compile(r"\\\\|\n")
# What joins the last items of a list of equations ("$A$, $B$, and $C$", "$A$ or $B$"),
# not two lines of a derivation.
LIST_JOIN = re.compile(r"\s*+,?\s*+(?:and|or)\s*", re.IGNORECASE)  # (possessive: linear)
# Anything that is not "=" between two expressions ends a chain.
RELATION_BREAK = re.compile(
    r"<|>|\\[lg]eq?\b|\\neq?\b|\\approx\b|\\equiv\b|\\sim|\\implies\b|\\iff\b|\\Rightarrow\b"
    r"|\\Longrightarrow\b|\\rightarrow\b|\\to\b|\\q?quad\b|\\text\s*\{[^{}]*\}|\\mbox\s*\{[^{}]*\}"
    r"|\\pmod|\\mod\b|\\bmod\b|[,;:]|\\cdots|\\ldots|\\dots|\\pm|\\mp|\\therefore|\\because"
)
_NOISE = re.compile(r"\\left\b|\\right\b|\\[,;:! ]|\\displaystyle\b|\\boxed\b|&|\\[dt]frac\b")
_NAME = re.compile(
    r"\s*+(?:[A-Za-z](?:_\{?\w+\}?)?(?:\s*\((?:[^()]|\([^()]*\))*\))?|\\[A-Za-z]+(?:\s*\{[^{}]*\})*)?\s*+"
)
_APPLIED = r"'*\s*(?:\^\{?-1\}?\s*)?(?:\\left\s*)?\("  # "f(", "f'(", "f^{-1}(", "f \left("
_NOT_APPLIED = r"(?!\s*(?:\^\{?-1\}?\s*)?(?:\\left\s*)?\()"
_SLASH_LETTER = re.compile(r"/\s*\d+(?:\.\d+)?\s*[A-Za-z\\(]")


@dataclass(frozen=True, slots=True)
class Rewrite:
    """``left = right`` where both sides are expressions in the same variables."""

    start: int
    end: int
    left: str
    right: str
    # from a chain that opens with ``0 =`` (``0 = -16t^2 - 60t + 54 = 16t^2 + 60t - 54``):
    # each member is an equation ``A = 0``, which a nonzero factor leaves the same
    scaled: bool = False


def find_rewrites(text: str, before: str | None = None) -> list[Rewrite]:
    """The rewrite links of ``text``'s LaTeX, in order (see the module docstring);
    ``before``: the line of LaTeX the step before ended on (`closing_line`), whose last
    piece a first line that opens with ``=`` continues (spanned from the step's start)."""
    if "=" not in text and not any(word in text for word in _SAID_WORDS):
        return []
    out: list[Rewrite] = []
    opening = None if before is None else _last_piece(before)
    # the last piece of the previous line (the step before's, for the first)
    previous: tuple[str, int] | None = None if opening is None else (opening, 0)
    functions = function_letters(text + (before or ""))
    zero = False  # whether the chain the previous line ends opened with ``0 =``
    unsolvable: list[Rewrite] = []  # (kept only where the step tries no cases: `_CASES`)
    said: tuple[str, int] | None = None  # the expression the line before ends on
    for k, (line, offset, gap) in enumerate(_continued(text, math_lines(text))):
        adjacent = gap is not None and (k == 0 or not gap.strip())
        if k and said is not None and gap is not None and _SAID.fullmatch(gap):
            _said(said, (line, offset), functions, out)  # "$A$ simplifies to $B$"
        if not adjacent:
            previous = None
        previous, zero = _chain((line, offset), previous, zero, functions, out, unsolvable)
        alone = "=" not in line and not RELATION_BREAK.search(line)  # (one expression)
        said = previous or ((line, offset) if alone and line.strip() else None)
        if gap is None or _WORD_OPERATOR.search(gap):
            said = None  # "$9a - 1$ divided by $a$, which simplifies to": more than $a$
    if unsolvable and _CASES.search(text) is None:  # (searched last: it is slow to scan)
        out = sorted(out + unsolvable, key=lambda r: r.start)
    return out


# Words between two expressions that say the second rewrites the first (and a part of
# each, to look for first)
_SAID_WORDS = ("simplif", "xpand", "actor", "educe", "ecome", "written", "quivalent", "same")
_SAID = re.compile(
    r"\s*,?\s*(?:which|this|that|and)?\s*(?:simplif(?:ies|ied)|expands|expanded|factors"
    r"|factored|reduces|reduced|becomes|can\s+be\s+(?:re)?written|is\s+equivalent"
    r"|is\s+the\s+same)\s*(?:to|as|into)?\s*:?\s*",
    re.IGNORECASE,
)


_WORD_OPERATOR = re.compile(
    r"\b(?:by|of|times|plus|minus|over|and|than|from|with|into)\s*$",  # (not "equal to")
    re.IGNORECASE,
)


def _said(
    before: tuple[str, int], line: tuple[str, int], functions: frozenset[str], out: list[Rewrite]
) -> None:
    """Add ``A`` (the last piece of the line before) rewritten as ``line``, where words
    say so ("$x^2 + 2x + 1$ factors as $(x + 1)^2$") and the line is one expression."""
    (a, start), (b, at) = before, line
    if "=" in b or RELATION_BREAK.search(b) or not candidate(a, b, functions):
        return
    if _PREMISED.search(_FUNCTION_NAME.sub("", a + " " + b)):
        return  # (capitals may be matrices, words functions: as for chains)
    lead = len(a) - len(a.lstrip())
    out.append(Rewrite(start + lead, at + len(b.rstrip()), a.strip(), b.strip()))


# A step that tries cases or supposes ("If $b = 2$, then $4a = 4(a - 3) \Rightarrow 0 =
# -12$"): an equation with no solution there may be the point
_CASES = re.compile(
    r"\b(?:if|suppose|supposing|assum\w*|case|cases|otherwise|contradict\w*|impossible"
    r"|no\s+solutions?|inconsistent|absurd|try|trying|test|testing)\b",
    re.IGNORECASE,
)


# A display row that goes on with the expression of the row above (``&\quad + z^5 + ...``).
_GOES_ON = re.compile(r"\s*&?\s*(?:\\q?quad\b\s*|\\hspace\*?\{[^{}]*\}\s*)*(?=[+-])")


def _continued(
    text: str, lines: tuple[tuple[str, int, str | None], ...]
) -> list[tuple[str, int, str | None]]:
    """The lines, with a row that goes on with the expression above joined to that row
    (what lies between, and the row's ``&\\quad``, blanked so the offsets still hold)."""
    out: list[tuple[str, int, str | None]] = []
    last = -1  # the latest row but an empty one right after ``\\\\`` and a newline
    for line, offset, gap in lines:
        lead = _GOES_ON.match(line)
        k = max(last, 0) if out else -1  # (the row above, over empty rows between)
        if k >= 0 and gap == "" and lead is not None and "=" in out[k][0] and "=" not in line:
            above, at, above_gap = out[k]
            between = offset - at - len(above)
            if between >= 0 and not text[at + len(above) : offset].strip(" \t\n\\&"):
                joined = above + " " * (between + lead.end()) + line[lead.end() :]
                del out[k:]
                out.append((joined, at, above_gap))
                last = k
                continue
        out.append((line, offset, gap))
        if line.strip() or gap != "":
            last = len(out) - 1
    return out


_CLOSED = re.compile(r"\s*+(?:\\\]|\\\)|\$\$?|\\end\{[a-z]+\*?\})?\s*+[.,;:]?\s*+$")


def closing_line(text: str) -> str | None:
    """The line of LaTeX ``text`` ends on, with nothing after it but punctuation (``\\[
    ... = (t + 2)(t - 1) \\]``): what a next step may go on from (``= ...``, or "This
    simplifies to: ..."); None when the step ends on words."""
    lines = [line for line in math_lines(text) if line[0].strip()]
    if not lines:
        return None
    line, offset, gap = lines[-1]
    if len(lines) > 1 and (gap is None or LIST_JOIN.fullmatch(gap) or gap.strip() == ","):
        return None  # the last of a list ("$x^2 = 64$ or $x^2 = 1$", "..., and $C = 0$")
    return line if _CLOSED.fullmatch(text, offset + len(line)) else None


def _last_piece(line: str) -> str | None:
    """The last expression of ``line`` when it is one chain of ``=``."""
    segments = split_relations(line, 0)
    if len(segments) != 1 or len(segments[0]) < 2 or not segments[0][-1][0].strip():
        return None
    return segments[0][-1][0]


@functools.lru_cache(maxsize=64)  # each step's lines are read by three finders
def math_lines(text: str) -> tuple[tuple[str, int, str | None], ...]:
    """The lines of the step's LaTeX (``\\(..\\)``, ``\\[..\\]``, ``$..$``, align rows):
    each with its offset and the text between it and the previous line ("" inside one
    display, None after a display too long to read)."""
    out: list[tuple[str, int, str | None]] = []
    last_end, skipped = 0, False
    for m in _MATH.finditer(text):
        body_group = next(g for g in "abcde" if m.group(g) is not None)
        body, offset = m.group(body_group), m.start(body_group)
        gap = None if skipped else text[last_end : m.start()]
        last_end, skipped = m.end(), len(body) > MAX_SEGMENT_CHARS
        if skipped:
            continue
        for k, (line, at) in enumerate(_lines(body, offset)):
            out.append((line, at, "" if k else gap))
    return tuple(out)


def decide_rewrite(rewrite: Rewrite) -> Outcome:
    """Both sides at random points: the same function ("verified") or not ("refuted")."""
    left, right = compile_side(rewrite.left), compile_side(rewrite.right)
    if left is None or right is None:
        return "unverifiable", None, None, "a side is outside the arithmetic grammar"
    outcome = _decided(left, right)
    if outcome[0] == "refuted" and rewrite.scaled and _proportional(left, right):
        return "verified", None, None, "the same equation (= 0), up to a factor"
    return outcome


def _decided(left: Expression, right: Expression) -> Outcome:
    names = left.variables | right.variables
    # random rationals first; where those leave it open (factorials, exponents that must
    # be whole: ``\\frac{17!(n-17)!}{15!(n-15)!}``), whole numbers, small then larger
    for points in (
        points_for(names, _POINTS),
        _whole_points(names, 2, 9),
        _whole_points(names, 20, 45),
    ):
        agree = disagree = 0
        for env in points:
            try:
                a, b = evaluate(left, env), evaluate(right, env)
                same = _same(a, b, left.inexact or right.inexact)
            except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError):
                continue  # (a float too small for a huge exact value overflows: skipped)
            except RecursionError:
                return "unverifiable", None, None, "too deep to evaluate"
            if same:
                agree += 1
            else:
                disagree += 1
        if disagree and (left.inexact or right.inexact):
            return "unverifiable", None, None, "decimals written: maybe rounded"
        if disagree >= 2 and not agree:
            return "refuted", None, None, "the two sides differ at random points"
        if agree >= 2 and not disagree:
            return "verified", None, None, "equal at random points"
    return "unverifiable", None, None, "undefined at the test points"


def _proportional(left: Expression, right: Expression) -> bool:
    """Whether ``left / right`` is one nonzero constant at random points."""
    ratios: list[complex] = []
    for env in points_for(left.variables | right.variables, _POINTS):
        try:
            ratios.append(complex(evaluate(left, env) / evaluate(right, env)))
        except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
            continue
    return (
        len(ratios) >= 2 and ratios[0] != 0 and all(_same(r, ratios[0], True) for r in ratios[1:])
    )


def _whole_points(names: frozenset[str], low: int, high: int) -> list[dict[str, Fraction]]:
    """``_POINTS`` assignments of whole numbers in [low, high] to ``names``; seeded."""
    rng = random.Random(",".join(sorted(names)) + f"/{low}")
    return [
        {name: Fraction(rng.randint(low, high)) for name in sorted(names)} for _ in range(_POINTS)
    ]


def _lines(body: str, offset: int) -> list[tuple[str, int]]:
    lines, start = [], 0
    for m in _LINE.finditer(body):
        lines.append((body[start : m.start()], offset + start))
        start = m.end()
    lines.append((body[start:], offset + start))
    return lines


def _chain(
    line: tuple[str, int],
    previous: tuple[str, int] | None,
    zero: bool,
    functions: frozenset[str],
    out: list[Rewrite],
    unsolvable: list[Rewrite],
) -> tuple[tuple[str, int] | None, bool]:
    """Add the rewrites of one line to ``out``, and its equations with no solution to
    ``unsolvable``; return its last piece (for a line that opens with ``=``) and whether
    its chain opened with ``0 =`` (``zero``: the previous line's did)."""
    text, offset = line
    if not text.strip():
        return previous, zero
    segments = split_relations(text, offset)
    if not segments:
        return None, False
    first = segments[0]
    if text.lstrip(" \t&").startswith("=") and previous is not None:
        first[0] = previous  # "\\[ = A \\]": continues the previous line's last piece
        continued = True
    else:
        continued, zero = False, first[0][0].strip(" \t&") == "0"
    for k, pieces in enumerate(segments):
        if k == 0 and continued:
            begin: int | None = 0
        elif _NAME.fullmatch(pieces[0][0]) is not None:
            valued = _ratio(pieces[0][0]) or _root(pieces[0][0])
            begin = None if _set_equal(pieces if valued else pieces[1:]) else 1  # y = A = B
        else:
            begin = _derivation(pieces, functions)
        if begin is None or len(pieces) - begin < 2:
            unsolvable.extend(_no_solution(pieces, functions))
            continue
        scaled = k == 0 and zero
        for (a, sa), (b, sb) in zip(pieces[begin:], pieces[begin + 1 :], strict=False):
            if candidate(a, b, functions):
                lead = len(a) - len(a.lstrip())
                end = sb + len(b.rstrip())
                out.append(Rewrite(sa + lead, end, a.strip(), b.strip(), scaled))
    last = segments[-1][-1]
    # what follows the last piece (``\\dotsm \\frac{a^{256} - b^{256}}{a^{128} - b^{128}}``)
    # may end the line's expression in its stead; a remark (``\\quad \\text{...}``) does not
    rest = RELATION_BREAK.sub("", text[last[1] - offset + len(last[0]) :]).strip(" \t.,&")
    return (last if len(segments) == 1 and last[0].strip() and not rest else None), zero


def _no_solution(pieces: list[tuple[str, int]], functions: frozenset[str]) -> list[Rewrite]:
    """The links of a chain not read as a derivation (or of one equation) whose two sides
    hold the same unknowns and differ by a nonzero constant (``(x - 16 + 100) - 25 = x +
    69 - 25``): no value of the unknowns makes them equal, so whether the link was meant
    as a rewrite or as an equation to solve, it is wrong. Decimals (maybe rounded) are not
    read, a step that tries cases is not read at all (`_CASES`), and one that calls what
    it reached a contradiction is forgiven where claims are decided."""
    out = []
    for (a, sa), (b, sb) in itertools.pairwise(pieces):
        if not set(_LONE_LETTER.findall(a)) & set(_LONE_LETTER.findall(b)):
            continue  # (no unknown on both sides: cheap, before anything is compiled)
        if any(_PREMISED.search(_FUNCTION_NAME.sub("", side)) for side in (a, b)):
            continue  # (capitals may be matrices, words functions)
        if not candidate(a, b, functions):
            continue
        left, right = compile_side(a), compile_side(b)
        assert left is not None and right is not None  # (read by candidate)
        if left.inexact or right.inexact:
            continue
        left, right = _radicands(left, right)
        if not _constant_gap(left, right):
            continue
        lead = len(a) - len(a.lstrip())
        out.append(Rewrite(sa + lead, sb + len(b.rstrip()), a.strip(), b.strip()))
    return out


_LONE_LETTER = re.compile(r"(?<![\\A-Za-z])[a-z](?![A-Za-z])")


def _radicands(left: Expression, right: Expression) -> tuple[Expression, Expression]:
    """For two roots of the same index (``\\sqrt{b^2 + 37^2} = \\sqrt{b^2 + 1225}``), what
    they are roots of: equal only where those are; else the sides themselves."""
    a, b = left.tree, right.tree
    if a[0] == "root" and b[0] == "root" and a[2] == b[2]:
        names = left.variables | right.variables
        return Expression(a[1], names, left.inexact), Expression(b[1], names, right.inexact)
    return left, right


def _constant_gap(left: Expression, right: Expression) -> bool:
    """Whether ``left - right`` is one nonzero constant at random points."""
    gaps = []
    for env in points_for(left.variables | right.variables, _POINTS):
        try:
            gaps.append(evaluate(left, env) - evaluate(right, env))
        except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
            continue
    return (
        len(gaps) >= 2
        and all(isinstance(g, Fraction) for g in gaps)
        and gaps[0] != 0
        and all(g == gaps[0] for g in gaps[1:])
    )


def _set_equal(pieces: list[tuple[str, int]], *, any_kind: bool = False) -> bool:
    """``k = \\frac{2t}{s - 3} = \\frac{3t + 1}{2s + 2} = \\frac{4t + 2}{4s - 2}``: three or
    more ratios (or square roots: distances ``\\sqrt{(x - 1)^2 + y^2} = \\sqrt{(x + 3)^2 +
    y^2} = ...``), no two next to each other the same function, and no more links than
    variables: values set equal (a condition, as for vectors in proportion or a point
    equally far from three, that some values meet), not one expression rewritten
    (``\\frac{A}{B} = \\frac{C}{D} = \\frac{E}{F}`` in one unknown, two equations, is no
    system but a slip). ``any_kind``: pieces of any form in the same unknowns, after a
    first piece in others (Lagrange's conditions ``b^2c^3d^4 = 2abc^3d^4 = 3ab^2c^2d^4 =
    4ab^2c^3d^3``)."""
    if len(pieces) < 3 or not (
        any_kind
        or all(_ratio(piece) for piece, _ in pieces)
        or all(_root(piece) for piece, _ in pieces)
    ):
        return False
    names: set[str] = set()
    for piece, _ in pieces:
        expr = compile_side(piece)
        if expr is None or (any_kind and names and expr.variables != names):
            return False  # (any expressions: set equal only in the same unknowns)
        names |= expr.variables
    if len(pieces) - 1 > len(names):
        return False
    links = itertools.pairwise(pieces)
    return all(decide_rewrite(Rewrite(0, 0, a, b))[0] == "refuted" for (a, _), (b, _) in links)


def _root(piece: str) -> bool:
    """``\\sqrt{(x - 1)^2 + y^2}``: a distance (set equal to others: a system, like ratios)."""
    expr = compile_side(piece)
    return expr is not None and piece.lstrip().startswith("\\sqrt") and expr.tree[0] == "root"


def _ratio(piece: str) -> bool:
    expr = compile_side(piece)
    return expr is not None and expr.tree[0] == "div" and piece.lstrip().startswith("\\")


def _derivation(pieces: list[tuple[str, int]], functions: frozenset[str]) -> int | None:
    """Where the rewrites of a chain ``A = B = C ...`` with no name in front begin, or
    None when it is not one expression derived: from B (``P(x) = (x-1)(x+2) = x^2 + x -
    2``), unless its first link is itself a rewrite that fails, the sign of expressions
    set equal rather than derived (``ab + c = bc + a = ca + b``, a system) or of a value
    used (``a^3 + b^3 = (a + b)(49 - 3ab) = 42``, with a^2 + b^2 = 49 known): not read;
    nor a chain that may lean on what the problem gives (`_PREMISED`)."""
    if len(pieces) < 3 or _PREMISED.search(_FUNCTION_NAME.sub("", pieces[0][0])):
        return None  # (the first piece may name a function: ``P(x) = ...``)
    if any(_PREMISED.search(piece) for piece, _ in pieces[1:]):
        return None
    (a, sa), (b, sb) = pieces[0], pieces[1]
    if not candidate(a, b, functions):  # ``P(x) = (x-1)(x+2) = x^2 + x - 2``: from B on
        return None if _set_equal(pieces[1:], any_kind=True) else 1
    first = Rewrite(sa, sb + len(b), a.strip(), b.strip())
    return 1 if decide_rewrite(first)[0] != "refuted" else None


# Chains whose links may lean on what the problem gives rather than on algebra alone:
# roots of unity (``(\omega^2)^{2007} = (\omega^3)^{669}``), capitals (matrices, sums
# named S and P: ``(I+B)^3 = I + 3B + 3B^2 + B^3``), words and unknown functions (``cis``).
_FUNCTION_NAME = re.compile(r"(?<![\\A-Za-z])[A-Za-z]\s*(?=\()")
_PREMISED = re.compile(
    r"\\(?:omega|zeta|epsilon|varepsilon)(?![A-Za-z])|(?<![\\A-Za-z])(?:[A-Za-z]{3,}|[A-Z])(?![A-Za-z])"
)


def split_relations(text: str, offset: int) -> list[list[tuple[str, int]]]:
    """The line cut at every non-``=`` relation, each part cut at ``=`` (with offsets)."""
    parts, start = [], 0
    for m in RELATION_BREAK.finditer(text):
        parts.append((text[start : m.start()], offset + start))
        start = m.end()
    parts.append((text[start:], offset + start))
    out = []
    for part, at in parts:
        if "=" not in part:
            continue
        pieces, s = [], 0
        for m in re.finditer("=", part):
            pieces.append((part[s : m.start()], at + s))
            s = m.end()
        pieces.append((part[s:], at + s))
        out.append(pieces)
    return out


def candidate(a: str, b: str, functions: frozenset[str]) -> bool:
    """Whether ``a`` and ``b`` may be one expression rewritten: both read, in the same
    variables (at least one), no function applied and no ambiguous ``1/2x``."""
    if not a.strip() or not b.strip():
        return False
    if any(_SLASH_LETTER.search(side) for side in (a, b)):
        return False  # "1/2x": x/2 or 1/(2x)?
    if functions and any(re.search(rf"(?<![A-Za-z\\]){f}{_APPLIED}", a + b) for f in functions):
        return False  # "f(2x) = f(x) + 1": a function, not a product
    left, right = compile_side(a), compile_side(b)
    if left is None or right is None or not left.variables:
        return False
    return left.variables == right.variables


@functools.lru_cache(maxsize=64)  # read by the rewrite, equation and function finders
def function_letters(text: str) -> frozenset[str]:
    """Letters written before ``(`` and never alone: ``f(x)``, ``P(2)``, not ``x(x+1)``."""
    applied = set(re.findall(rf"(?<![A-Za-z\\])([A-Za-z]){_APPLIED}", text))
    return frozenset(
        f for f in applied if not re.search(rf"(?<![A-Za-z\\]){f}(?![A-Za-z']){_NOT_APPLIED}", text)
    )


def compile_side(side: str) -> Expression | None:
    cleaned = _NOISE.sub(lambda m: "\\frac" if "frac" in m[0] else " ", side)
    cleaned = cleaned.strip().rstrip(".").strip()
    return compile_expression(cleaned) if cleaned else None


def _same(a: complex, b: complex, inexact: bool) -> bool:
    if a == b:
        return True
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return False  # both exact: no tolerance (2^-162 and 2^-128 are not the same)
    scale = max(1.0, abs(a), abs(b))
    return abs(a - b) <= (1e-6 if inexact else 1e-9) * scale
