"""A function the text defines, evaluated: ``f(x) = 7x^7 - 4x^4 + 1``, then ``f(-x) =
-7x^7 - 4x^4 + 1``; ``p(x) = (x + 2)^3``, then ``p(1) = 27``.

`find_evaluations` reads the definitions ``f(x) = E`` that the problem, the steps
before and the step itself write in LaTeX (a letter applied to one letter, a right side
that does not name the function), and the step's lines ``f(A) = B`` that apply a
defined function to something else. Each such line claims ``B`` is ``E`` with ``x``
replaced by ``(A)``: the two are compared at random points, as rewrites are
(`stepscore.verifiers.steps.identities.decide_rewrite`).

Read only where the definition is one and plain, and the value cannot lean on more:
- a function defined twice, by cases ("if", "for", ``\\begin{cases}``, a condition
  after the definition), by an equation it is applied to itself in (``f(f(x)) = 6x -
  2005``), or in a condition ("such that $f(n) = n$"), is not defined;
- a function the problem names is defined only by the problem, and not where the
  problem applies it to more than its letter or a number (``f(x + y) = f(x) + f(y)``:
  a step's ``f(x) = x + 1`` is then a finding, or a guess);
- an argument holding another letter (``P(z_i)``, ``f(\\omega)``: a root of something
  else, maybe) is not read, nor a value that names the function (``f(2) = f^{-1}(3)``)
  or drops a letter the substituted side still holds (a parameter the step has found:
  ``f(x) = x^2 + ax``, then ``f(1) = 1 + 3``);
- a value that differs is not refuted where the relations the text gives may make it
  hold (`stepscore.verifiers.steps.given.reconsider`).

>>> defs = definitions(["Let $f(x) = 7x^7 - 4x^4 + 1$."])
>>> [e.status for e in find_evaluations("\\\\[ f(-x) = -7x^7 - 4x^4 + 1 \\\\]", defs)]
['verified']
>>> [e.status for e in find_evaluations("\\\\[ f(-x) = -(7x^7 - 4x^4 + 1) \\\\]", defs)]
['refuted']
>>> [e.status for e in find_evaluations("\\\\[ f(-x) = -7x^7 - 4x^4 + 1 \\\\]", {})]
[]
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence

from stepscore.verifiers.math.expression import GREEK_LETTERS
from stepscore.verifiers.steps.given import reconsider
from stepscore.verifiers.steps.identities import (
    Rewrite,
    compile_side,
    decide_rewrite,
    math_lines,
)
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["APPLIED_EQUALS", "definitions", "definitions_in", "find_evaluations"]

MAX_EVALUATIONS = 8  # decided in one step
MAX_DEFINITION_CHARS = 200
# "f(x) = E": a letter applied to one letter (not f'(x), f^{-1}(x), f(x+1), f(2))
_DEFINITION = re.compile(
    r"^\s*(?P<name>[A-Za-z])\s*(?:\\left\s*)?\(\s*(?P<var>[a-z])\s*(?:\\right\s*)?\)\s*=(?P<body>[^=]+)$"
)
# "f(A) = B": the same letter applied to something else
_APPLIED = re.compile(
    r"^\s*(?P<name>[A-Za-z])\s*(?:\\left\s*)?\((?P<arg>[^()]{1,40})(?:\\right\s*)?\)\s*=(?P<value>[^=]+)"
)
# a step that may apply a function and give its value (what a caller tests first)
APPLIED_EQUALS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]\s*(?:\\left\s*)?\([^()]{1,40}\)\s*=")
_CASES = re.compile(r"\\begin\s*\{cases\}|\\text\s*\{\s*(?:if|for|when|otherwise)\b", re.IGNORECASE)
# what follows a definition made by cases, after its math closes: "$f(x) = x^2$ if $x > 0$"
_CONDITION_AFTER = re.compile(
    r"\s*(?:\$|\\\)|\\\])?\s*,?\s*(?:if|for|when|whenever|otherwise|where)\b", re.IGNORECASE
)
_CUT = re.compile(r"[,;]|\\q?quad\b|\\text\s*\{[^{}]*\}|\\(?:Rightarrow|implies|iff)\b|\\\\|&")
_NESTED = re.compile(r"(?<![\\A-Za-z])([A-Za-z])\((?:\\left)?[A-Za-z]\(")
_SOUGHT = re.compile(r"\b(?:such\s+that|satisf\w*|for\s+which|so\s+that)\W*$", re.IGNORECASE)
_NAMED = re.compile(r"(?<![\\A-Za-z])([A-Za-z])\s*(?:\\left\s*)?\(")
_COMMAND_OR_LETTER = re.compile(r"\\[A-Za-z]+|[A-Za-z]")
_FUNCTION_CALL = re.compile(r"(?<![\\A-Za-z])[A-Za-z]\s*(?:\\left\s*)?\(")


def definitions(texts: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The functions ``texts`` (the problem first, then steps) define once and plainly:
    name -> (variable, right side). A function the problem names is taken only from
    the problem: one it characterizes otherwise (``f(x + y) = f(x) f(y)``) and a step
    then finds (or supposes) a form of is not defined."""
    if not texts:
        return {}
    problem = definitions_in(texts[:1])
    named = set(_NAMED.findall(texts[0]))
    # (applied to more than a letter or a number in the problem: "f(x + y)", "f(xy)")
    problem = {name: d for name, d in problem.items() if not _compound_use(texts[0], name, d[0])}
    later = definitions_in(texts[1:])
    return problem | {name: d for name, d in later.items() if name not in named}


def _compound_use(text: str, name: str, var: str) -> bool:
    """Whether ``text`` applies ``name`` to an argument holding a letter other than
    ``var`` alone: a functional equation (``f(x + y) = f(x) + f(y) + xy``)."""
    for m in re.finditer(rf"(?<![\\A-Za-z]){name}\s*(?:\\left\s*)?\(([^()]*)\)", text):
        if _letters(m[1]) - {var} or (var in _letters(m[1]) and m[1].strip() != var):
            return True
    return False


def definitions_in(texts: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The functions ``texts`` define once and plainly (see `definitions`)."""
    found: dict[str, set[tuple[str, str]]] = {}
    spoiled: set[str] = set()
    for text in texts:
        if "(" not in text or "=" not in text:
            continue
        for line, offset, _ in math_lines(text):
            for piece, _ in _pieces(line):
                m = _DEFINITION.match(piece)
                if m is None:
                    continue
                name, body = m["name"], m["body"].strip().rstrip(".").strip()
                if not _mentions(body, m["var"]):
                    continue  # "f(x) = 11": an equation to solve, not a definition
                if _SOUGHT.search(text, max(0, offset - 40), offset):
                    continue  # "find all n such that $f(n) = n$": a condition
                after = text[offset + len(line) : offset + len(line) + 40]
                if _CASES.search(line) or _CONDITION_AFTER.match(after):
                    spoiled.add(name)  # defined by cases: "f(x) = x^2 if x > 0"
                elif len(body) > MAX_DEFINITION_CHARS:
                    spoiled.add(name)
                else:
                    found.setdefault(name, set()).add((m["var"], body))
        # f(f(x)) = 6x - 2005: a functional equation, whose "f(n) = 6n - 2005" is a
        # condition at one point, not the function
        spoiled |= {m[1] for m in _NESTED.finditer(text.replace(" ", ""))}
    return {
        name: next(iter(bodies))
        for name, bodies in found.items()
        if len(bodies) == 1 and name not in spoiled
    }


def find_evaluations(
    text: str, defined: Mapping[str, tuple[str, str]], before: Sequence[str] = ()
) -> list[DecidedLink]:
    """Each line of ``text`` that applies a function of ``defined`` to something other
    than its variable and gives the value, decided (see the module docstring); a value
    that differs may still hold where the relations ``before`` gives hold (the problem,
    the steps before: `stepscore.verifiers.steps.given.reconsider`)."""
    if not defined or "(" not in text:
        return []
    out: list[DecidedLink] = []
    tried = 0
    for line, offset, _ in math_lines(text):
        for piece, at in _pieces(line):
            m = _APPLIED.match(piece)
            if m is None or m["name"] not in defined:
                continue
            var, body = defined[m["name"]]
            arg, value = m["arg"].strip(), m["value"].strip().rstrip(".").strip()
            if arg == var or not arg or not value or _FUNCTION_CALL.search(value + " " + body):
                continue
            if _mentions(value, m["name"]) or not _letters(arg) <= {var}:
                continue  # (f(2) = f^{-1}(b + 1); P(z_i), where z_i may be a root of more)
            substituted = _substitute(body, var, arg)
            left, right = compile_side(substituted), compile_side(value)
            if left is None or right is None or not left.variables <= right.variables:
                continue  # (a letter dropped: maybe a parameter the step has found)
            tried += 1
            if tried > MAX_EVALUATIONS:
                return out
            rewrite = Rewrite(0, 0, substituted, value)
            status, _, _, reason = decide_rewrite(rewrite)
            if status == "refuted" and reconsider(rewrite, (*before, text[:offset])):
                continue
            if status == "unverifiable":
                continue
            start = offset + at
            why = f"{m['name']}({arg}) is {substituted}: {reason}"
            out.append(
                DecidedLink(start, start + len(piece.rstrip()), piece.strip(), value, status, why)
            )
    return out


def _pieces(line: str) -> list[tuple[str, int]]:
    """``line`` cut at commas, arrows and words: each piece (one relation or chain) with
    its offset in the line."""
    bounds = [0, *itertools.chain.from_iterable(m.span() for m in _CUT.finditer(line))]
    bounds.append(len(line))
    return [(line[a:b], a) for a, b in zip(bounds[0::2], bounds[1::2], strict=True)]


def _substitute(body: str, var: str, arg: str) -> str:
    """``body`` with each ``var`` outside a command name replaced by ``(arg)`` (``ax^4``
    is ``a(arg)^4``; ``\\max`` keeps its x)."""
    return _COMMAND_OR_LETTER.sub(lambda m: f"({arg})" if m[0] == var else m[0], body)


def _mentions(body: str, var: str) -> bool:
    return var in _letters(body)


def _letters(text: str) -> set[str]:
    """The letters of ``text`` outside command names, and the Greek ones (``\\omega``;
    not ``\\pi``, a number)."""
    return {
        m[0]
        for m in _COMMAND_OR_LETTER.finditer(text)
        if m[0][0] != "\\" or m[0][1:] in GREEK_LETTERS
    }
