"""Where a PoT trace's steps sit in the program that runs: lines, bound names, owners.

`layout` builds the program from a "pot" trace (its code lines kept in place, prose and
fence lines blanked, so line ``k`` of the program is line ``k`` of the trace text), maps
each program line to the step whose span holds it, and reads from the AST the names each
step binds in its own scope (assignments, loop targets, imports, ``def``/``class``,
``with ... as``, ``except ... as``; not names inside nested functions or comprehensions).
A function whose body the segmenter split over several steps (PAL's ``def solution():``)
is an *owner*: its lines are traced like the module's. No code is run here.

>>> from stepscore.reasoning import segment
>>> lay = layout(segment("x = 2\\nfor i in range(3):\\n    x += i\\nans = x", kind="pot"))
>>> lay.lines, lay.names
({1: 0, 2: 1, 3: 1, 4: 2}, (('x',), ('i', 'x'), ('ans',)))
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from stepscore.reasoning.trace import Trace

__all__ = ["ProgramLayout", "bound_names", "layout"]

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CODE_KINDS = frozenset({"code", "comment"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True, slots=True)
class ProgramLayout:
    """The program to run and how its lines map onto the trace's steps.

    ``lines``: 1-based program line -> step index (code steps only); ``names[i]``: the
    names step ``i`` binds; ``owners``: ``(name, first line)`` of the functions split
    into steps; ``code_steps``: the steps that hold code.
    """

    source: str
    lines: dict[int, int]
    names: tuple[tuple[str, ...], ...]
    owners: tuple[tuple[str, int], ...]
    code_steps: frozenset[int]


def layout(trace: Trace) -> ProgramLayout:
    """The `ProgramLayout` of a "pot" trace (see the module docstring)."""
    text = trace.text
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    ends = [*starts[1:], len(text) + 1]
    lines: dict[int, int] = {}
    code_steps = set()
    for step in trace.steps:
        if step.kind not in _CODE_KINDS or step.start == step.end:
            continue
        first = _line_of(starts, step.start)
        last = _line_of(starts, step.end - 1)
        for number in range(first, last + 1):
            lines[number + 1] = step.index
        code_steps.add(step.index)
    pieces = []
    for number, (a, b) in enumerate(zip(starts, ends, strict=True)):
        chunk = text[a:b]
        pieces.append(chunk if number + 1 in lines else chunk[len(chunk.rstrip("\r\n")) :])
    source = "".join(pieces)
    names: list[set[str]] = [set() for _ in trace.steps]
    owners: list[tuple[str, int]] = []
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        tree = None  # the harness reports the error on the step that holds it
    if tree is not None:
        _collect(tree.body, lines, names, owners)
    return ProgramLayout(
        source=source,
        lines=lines,
        names=tuple(tuple(sorted(n)) for n in names),
        owners=tuple(owners),
        code_steps=frozenset(code_steps),
    )


def _collect(
    body: list[ast.stmt],
    lines: dict[int, int],
    names: list[set[str]],
    owners: list[tuple[str, int]],
) -> None:
    for node in body:
        step = lines.get(node.lineno)
        if step is None:
            continue
        names[step].update(bound_names(node))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            inner = {lines.get(n.lineno) for n in node.body}
            if len(inner - {None}) > 1:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                owners.append((node.name, first))
                _collect(node.body, lines, names, owners)


def bound_names(node: ast.stmt) -> set[str]:
    """The names a statement binds in its own scope.

    >>> sorted(bound_names(ast.parse("for i, (a, b) in x:\\n    s = [j for j in a]").body[0]))
    ['a', 'b', 'i', 's']
    """
    found: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, _SCOPES):
            if not isinstance(item, ast.Lambda):
                found.add(item.name)
            if item is not node:
                continue
            if not isinstance(item, ast.Lambda):
                continue  # a def or class binds its name; its body is another scope
        if isinstance(item, _COMPREHENSIONS):
            continue
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Store):
            found.add(item.id)
        elif isinstance(item, ast.alias):
            found.add((item.asname or item.name).split(".")[0])
        elif isinstance(item, ast.ExceptHandler) and item.name:
            found.add(item.name)
        stack.extend(ast.iter_child_nodes(item))
    return found - {"*"}


def _line_of(starts: list[int], offset: int) -> int:
    """0-based line holding ``offset`` (binary search over line starts)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo
