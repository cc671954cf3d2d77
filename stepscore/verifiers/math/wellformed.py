"""Is a normalized answer well-formed LaTeX? Braces, nesting depth, command arguments.

A gold that fails here is a bad reference, a prediction that fails is wrong; neither is
parsed further. Every check is one linear scan (a stack, never recursion), so 10,000
nested braces cost microseconds. Parentheses and brackets may be unbalanced: ``[1, 2)``
is an interval.

>>> malformed_reason("\\\\frac{1}{2"), malformed_reason("[1, 2)")
('unbalanced braces', None)
>>> malformed_reason("x^{2}^{3}")
'a double exponent'
"""

from __future__ import annotations

import re

__all__ = ["MAX_DEPTH", "brace_pairs", "malformed_reason"]

MAX_DEPTH = 64  # brace/bracket nesting beyond this is not an answer

_BRACE_COMMAND = re.compile(r"\\(frac|binom|sqrt)(?![A-Za-z])")


def malformed_reason(s: str) -> str | None:
    """Why a normalized answer cannot be a well-formed one, or None if it can be.

    Checks what no reading can repair: unbalanced braces, nesting deeper than
    `MAX_DEPTH`, ``\\begin`` without ``\\end``, ``\\frac``/``\\sqrt``/``\\binom``
    without their arguments, an exponent without its argument, a double exponent.
    """
    depth = 0
    bracket_depth = 0
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] in "{}":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced braces"
        elif c in "([":
            bracket_depth += 1
        elif c in ")]":
            bracket_depth = max(0, bracket_depth - 1)
        if depth > MAX_DEPTH or bracket_depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH}"
        i += 1
    if depth:
        return "unbalanced braces"
    if s.count("\\begin") != s.count("\\end"):
        return "\\begin without \\end"
    return _missing_argument(s)


def _missing_argument(s: str) -> str | None:
    """``\\frac{1}`` (one argument), ``\\sqrt`` alone, ``x^{2}^{3}`` (a double exponent)."""
    if "\\frac" not in s and "\\sqrt" not in s and "\\binom" not in s and "^" not in s:
        return None
    closes = brace_pairs(s)
    for m in _BRACE_COMMAND.finditer(s):
        i = m.end()
        if m[1] == "sqrt" and s.startswith("[", i):
            i = s.find("]", i) + 1 or i
        for _ in range(1 if m[1] == "sqrt" else 2):
            if i not in closes:
                return f"\\{m[1]} without its arguments"
            i = closes[i] + 1
    if s.endswith(("^", "_")):
        return "an exponent or subscript without its argument"
    for m in re.finditer(r"\^", s):
        i = m.end()
        if s.startswith(("^", "_"), i):
            return "an exponent without its argument"
        end = closes[i] + 1 if i in closes else i + 1
        if s.startswith("^", end):
            return "a double exponent"
    return None


def brace_pairs(s: str) -> dict[int, int]:
    """Map the index of each ``{`` to the index of its closing ``}`` (unclosed ones left out).

    Escaped braces (``\\{``) do not count. One left-to-right scan with a stack, so every
    group's end is known in O(1) afterwards, however deep the nesting.
    """
    closes: dict[int, int] = {}
    stack: list[int] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            closes[stack.pop()] = i
        i += 1
    return closes
