"""Program-of-thought segmentation: a Python program split into top-level statements.

Each top-level statement is one step (a compound statement — ``for``, ``if``, ``def``
with its body — is one step; statements sharing a line share a step; a program that
is one function and its call, PAL style, is split inside the function), spans are whole
lines, comment lines attach to the statement below them, and trailing comments form
a step of their own. Source that does not parse falls back to line groups (a line
at column 0 starts a step; indented lines stay with it) and says so.

>>> spans, reason = split_python("# eggs\\nx = 16 - 3\\n\\nfor i in range(2):\\n    x += i\\n")
>>> spans, reason
([(0, 17, 'code'), (19, 48, 'code')], None)
"""

from __future__ import annotations

import ast
import re

from stepscore.reasoning.spans import between

__all__ = ["split_python", "split_python_lines"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TOP_LEVEL_LINE = re.compile(r"^(?=\S)", re.M)

Span = tuple[int, int, str]


def split_python(source: str, offset: int = 0) -> tuple[list[Span], str | None]:
    """``(start, end, kind)`` step spans (shifted by ``offset``) and a fallback reason.

    The reason is None when the source parsed; else it names the syntax error and
    the spans are line groups.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        spans = split_python_lines(source, offset)
        where = f" (line {exc.lineno})" if isinstance(exc, SyntaxError) and exc.lineno else ""
        return spans, f"{type(exc).__name__}: {getattr(exc, 'msg', exc)}{where}; split by lines"
    return _statement_spans(source, tree, offset), None


def _statement_spans(source: str, tree: ast.Module, offset: int) -> list[Span]:
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(source)]  # line starts, 0-based lines
    lines = [source[a:b] for a, b in zip(starts, [*starts[1:], len(source)], strict=True)]
    groups: list[list[int]] = []  # [first_line, last_line], 0-based, inclusive
    for first, last in _units(tree):
        if groups and first <= groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    spans: list[Span] = []
    previous_last = -1
    for first, last in groups:
        first = _first_comment_line(lines, previous_last + 1, first)
        spans.append(
            _trimmed(source, starts[first], _line_end(lines, starts, last), offset, "code")
        )
        previous_last = last
    tail = [i for i in range(previous_last + 1, len(lines)) if lines[i].strip()]
    if tail:
        spans.append(
            _trimmed(source, starts[tail[0]], _line_end(lines, starts, tail[-1]), offset, "comment")
        )
    return spans


def _units(tree: ast.Module) -> list[tuple[int, int]]:
    """0-based line ranges of the statements that make the steps.

    A program that is one function plus a call of it (PAL's ``def solution():``)
    is split into the statements of that function's body, the ``def`` line going
    with the first of them; anything else into its top-level statements.
    """
    body = tree.body
    functions = [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    main = functions[0] if len(functions) == 1 and len(functions[0].body) > 1 else None
    others = [n for n in body if n is not main and not isinstance(n, (ast.Import, ast.ImportFrom))]
    if len(others) > 2 or not all(isinstance(n, (ast.Assign, ast.Expr)) for n in others):
        main = None  # more than a function and its call: keep top-level statements
    units = []
    for node in body:
        first = _first_line(node)
        if node is main:
            inner = [(_first_line(n), (n.end_lineno or n.lineno) - 1) for n in node.body]
            units += [(first, inner[0][1]), *inner[1:]]
        else:
            units.append((first, (node.end_lineno or node.lineno) - 1))
    return units


def _first_line(node: ast.stmt) -> int:
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1


def _first_comment_line(lines: list[str], lo: int, first: int) -> int:
    """The first non-blank line of the gap before a statement (its leading comments)."""
    for i in range(lo, first):
        if lines[i].strip():
            return i
    return first


def _line_end(lines: list[str], starts: list[int], line: int) -> int:
    return starts[line] + len(lines[line].rstrip("\r\n"))


def _trimmed(source: str, start: int, end: int, offset: int, kind: str) -> Span:
    chunk = source[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    return (offset + start + lead, offset + start + len(chunk.rstrip()), kind)


def split_python_lines(source: str, offset: int = 0) -> list[Span]:
    """Cut before each line at column 0, unless a comment or decorator line leads into it."""
    cuts, attached = [], False
    for match in _TOP_LEVEL_LINE.finditer(source):
        if not attached:
            cuts.append((match.start(), match.start()))
        attached = source[match.start()] in "#@"
    return [(offset + a, offset + b, "code") for a, b in between(source, cuts)]
