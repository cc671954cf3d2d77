"""Reflexion run logs (Shinn et al., 2023) read as self-refinement traces.

A row of Reflexion's MBPP/HumanEval logs holds the task ``prompt``, the final program
(``solution``), the written ``reflections`` (one per failed attempt) and ``is_solved``;
the earlier programs are not kept. `reflexion_trace` reads it as a "refine" trace: each
reflection is the feedback that opens a round (round ``i + 1`` for reflection ``i``), and
the final program, split into Python statements, is the revision of the last round (the
draft, round 0, when there was no reflection). The row's ``test`` becomes the trace's
``reference``; ``name``, ``entry_point`` and ``is_solved`` go to ``meta``.

>>> row = {"name": "t", "prompt": "def f(x):", "test": "assert f(1) == 2",
...        "solution": "def f(x):\\n    return x + 1", "reflections": ["It returned x."],
...        "is_solved": True, "entry_point": "f"}
>>> [(s.kind, s.round) for s in reflexion_trace(row).steps]
[('feedback', 1), ('revision', 1)]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepscore.errors import FormatError
from stepscore.reasoning.pot import split_python
from stepscore.reasoning.trace import Segmentation, Trace

__all__ = ["reflexion_trace"]

_JOIN = "\n\n"


def reflexion_trace(row: Mapping[str, Any]) -> Trace:
    """One Reflexion log row as a "refine" trace (see the module docstring)."""
    solution, reflections = row.get("solution"), row.get("reflections") or []
    if not isinstance(solution, str) or not isinstance(reflections, list):
        raise FormatError("a Reflexion row needs a 'solution' string and a 'reflections' list")
    if not all(isinstance(r, str) for r in reflections):
        raise FormatError("Reflexion reflections must be strings")
    spans: list[tuple[int, int, str, int | None]] = []
    text = ""
    for number, reflection in enumerate(reflections, start=1):
        text += _JOIN if text else ""
        spans.append((len(text), len(text) + len(reflection), "feedback", number))
        text += reflection
    text += _JOIN if text else ""
    last, kind = len(reflections), "revision" if reflections else "draft"
    code_spans, reason = split_python(solution, len(text))
    spans += [(a, b, kind, last) for a, b, _ in code_spans]
    text += solution
    seg = Segmentation(
        strategy="refine:reflexion", status="fallback" if reason else "ok", reason=reason or ""
    )
    meta = {key: row[key] for key in ("name", "entry_point", "is_solved") if key in row}
    test = row.get("test")
    return Trace.from_spans(
        text,
        spans,
        kind="refine",
        segmentation=seg,
        prompt=str(row.get("prompt") or ""),
        reference=test if isinstance(test, str) else None,
        id=str(row["name"]) if "name" in row else None,
        meta=meta,
    )
