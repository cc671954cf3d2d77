"""`segment`: one entry point from a response (or chat turns) to a `Trace` with steps.

It dispatches on the trace kind — chain-of-thought (`cot`), program-of-thought
(`pot`), self-refinement (`refine`) — or recognises it (``kind="auto"``). Any text
gives a trace, never an exception: empty text gives no steps (status "empty"), and
a strategy that cannot apply falls back and says so in ``trace.segmentation``.

>>> trace = segment("Step 1: 3 * 4 = 12.\\nStep 2: 12 + 1 = 13.\\nThe answer is 13.")
>>> [s.text for s in trace.steps]
['Step 1: 3 * 4 = 12.', 'Step 2: 12 + 1 = 13.\\nThe answer is 13.']
>>> segment("x = 3\\nans = x * 2", kind="auto").kind
'pot'
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from stepscore.errors import UnknownNameError
from stepscore.reasoning.cot import COT_STRATEGIES, DEFAULT_TAG, split_cot
from stepscore.reasoning.pot import split_python, split_python_lines
from stepscore.reasoning.refine import (
    DEFAULT_MARKERS,
    RefineMarkers,
    Section,
    has_refine_markers,
    sections_from_turns,
    split_refine,
)
from stepscore.reasoning.trace import TRACE_KINDS, Segmentation, Trace

__all__ = ["POT_STRATEGIES", "detect_kind", "program_spans", "segment"]

POT_STRATEGIES = ("ast", "lines")
# A line that opens or closes a fence; a Python block opens with ``` (python, py) and
# closes at the next line holding ``` alone. Pairing the lines in one pass keeps it linear
# (a lazy regex across lines rescans the rest of the text for each unclosed fence).
_FENCE_LINE = re.compile(r"^[ \t]*```([^\n]*)$", re.M)
_OPENS = re.compile(r"[ \t]*+(?:python3?|py)?[ \t]*+", re.I)
_CLOSES = re.compile(r"[ \t]*")


class _Fence(NamedTuple):
    """A fenced Python block: ``start``/``end`` span it with its fence lines (up to the
    closing line's end), ``inner`` is the span of the code between them."""

    start: int
    end: int
    inner: tuple[int, int]


def _fences(text: str) -> list[_Fence]:
    """The fenced Python blocks of ``text``, in order, in one pass over its fence lines.

    >>> [f.inner for f in _fences("a\\n```python\\nx = 1\\n```\\n```\\nopen")]
    [(12, 18)]
    """
    if "```" not in text:
        return []
    out: list[_Fence] = []
    opened: re.Match[str] | None = None
    for line in _FENCE_LINE.finditer(text):
        if opened is None:
            if _OPENS.fullmatch(line[1]) and line.end() < len(text):  # (a newline follows)
                opened = line
        elif _CLOSES.fullmatch(line[1]):
            out.append(_Fence(opened.start(), line.end(), (opened.end() + 1, line.start())))
            opened = None
    return out


_CODE_LINE = re.compile(
    r"^[ \t]*(?:def |class |import |from [\w.]+ import |(?:for|while|if|elif|with|try)\b.*:[ \t]*$"
    r"|else:|return\b|print\(|#|\"\"\"|'''|@"
    r"|[A-Za-z_][\w.\[\]'\"]*[ \t]*(?:[-+*/%]|//|\*\*)?=[^=])",
    re.M,
)
_MAX_SNIFF = 1 << 20  # do not try to parse more than 1 MiB just to guess the kind

Span = tuple[int, int, str, int | None]  # start, end, step kind, round


def segment(
    text: str | Sequence[str | Mapping[str, str]],
    kind: str = "auto",
    strategy: str = "auto",
    *,
    tag: str = DEFAULT_TAG,
    markers: RefineMarkers = DEFAULT_MARKERS,
    prompt: str = "",
    reference: str | None = None,
    id: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> Trace:
    """Split a response into steps.

    ``kind``: "cot" | "pot" | "refine" | "auto". ``strategy`` for CoT (and for the
    sections of a refinement trace): "auto" or one of `COT_STRATEGIES`; for PoT:
    "auto" | "ast" | "lines". A list of chat turns (strings or ``{"role", "content"}``
    mappings) is read as a refinement trace.
    """
    if kind != "auto" and kind not in TRACE_KINDS:
        raise UnknownNameError("trace kind", kind, ("auto", *TRACE_KINDS))
    allowed = POT_STRATEGIES if kind == "pot" else COT_STRATEGIES
    if strategy != "auto" and strategy not in allowed:
        raise UnknownNameError(f"{kind} strategy", strategy, ("auto", *allowed))
    common = {"reference": reference, "id": id, "meta": dict(meta) if meta else {}}
    if text.__class__ is not str and not isinstance(text, str):
        if not isinstance(text, Sequence):
            raise TypeError(
                f"segment() takes a string or a list of chat turns, not {type(text).__name__}"
            )
        turn_prompt, joined, sections = sections_from_turns(text)
        spans = _split_sections(joined, sections, strategy, tag)
        seg = Segmentation(strategy="refine:turns")
        return _trace(joined, spans, "refine", seg, prompt=prompt or turn_prompt, **common)
    if not text.strip():
        kind = "cot" if kind == "auto" else kind
        return _trace(
            text,
            [],
            kind,
            Segmentation(strategy=strategy, status="empty", reason="no text"),
            prompt=prompt,
            **common,
        )
    if kind == "auto":
        kind = detect_kind(text, markers)
    spans, seg = _SPLITTERS[kind](text, strategy, tag, markers)
    return _trace(text, spans, kind, seg, prompt=prompt, **common)


def detect_kind(text: str, markers: RefineMarkers = DEFAULT_MARKERS) -> str:
    """ "refine" when the text shows feedback and draft/revision markers, "pot" when it
    is Python source (or mostly a fenced Python block; a program that does not parse
    counts when nearly every line looks like code), else "cot"."""
    if has_refine_markers(text, markers):
        return "refine"
    fences = _fences(text)
    if fences:
        code = sum(_count_lines(text[slice(*f.inner)]) for f in fences)
        prose = _count_lines(text) - code - 2 * len(fences)  # fences are not prose
        first = text[slice(*fences[0].inner)]
        return "pot" if code >= prose and _looks_like_python(first) else "cot"
    return "pot" if _looks_like_python(text) else "cot"


def program_spans(body: str) -> list[tuple[int, int]]:
    """The spans of ``body`` (a draft, a revision) that hold a program: its fenced Python
    blocks, or all of it when it reads as Python source; none for prose.

    >>> program_spans("Fixed:\\n```python\\nx = 1\\n```\\nDone.")
    [(17, 23)]
    >>> program_spans("x = 1\\nprint(x)"), program_spans("So 3.5 × 6 = 21 litres.")
    ([(0, 14)], [])
    """
    blocks = [f.inner for f in _fences(body)]
    if blocks:
        return blocks
    return [(0, len(body))] if _looks_like_python(body) else []


def _count_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip())


def _looks_like_python(source: str) -> bool:
    if len(source) > _MAX_SNIFF or not _CODE_LINE.match(source.lstrip()):
        return False  # programs open with code, a comment or a docstring; prose does not
    lines = [line for line in source.splitlines() if line.strip()]
    codeish = sum(1 for line in lines if _CODE_LINE.match(line))
    if codeish * 10 < len(lines) * 6:
        return False
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return codeish * 10 >= len(lines) * 9  # a broken (e.g. truncated) program is a program
    return True


def _split_cot(
    text: str, strategy: str, tag: str, markers: RefineMarkers
) -> tuple[list[Span], Segmentation]:
    spans, used = split_cot(text, strategy, tag=tag)
    seg = _segmentation(used, tag if used == "tag" else None)
    return [(a, b, "thought", None) for a, b in spans], seg  # type: ignore[misc]


def _split_pot(
    text: str, strategy: str, tag: str, markers: RefineMarkers
) -> tuple[list[Span], Segmentation]:
    if strategy == "lines":
        spans = [(a, b, k, None) for a, b, k in split_python_lines(text)]
        return spans, Segmentation(strategy="pot:lines")
    spans, reasons = _split_code_and_prose(text, 0, len(text))
    status = "fallback" if reasons else "ok"
    return spans, Segmentation(strategy="pot:ast", status=status, reason="; ".join(reasons))


def _split_refine(
    text: str, strategy: str, tag: str, markers: RefineMarkers
) -> tuple[list[Span], Segmentation]:
    sections = split_refine(text, markers)
    spans = _split_sections(text, sections, strategy, tag)
    if len(sections) == 1:
        reason = "no refinement markers found; the whole text is one draft"
        return spans, Segmentation(strategy="refine:markers", status="fallback", reason=reason)
    return spans, Segmentation(strategy="refine:markers")


@lru_cache(maxsize=64)
def _segmentation(strategy: str, separator: str | None) -> Segmentation:
    return Segmentation(strategy=strategy, separator=separator)  # immutable, so shared


_SPLITTERS = {"cot": _split_cot, "pot": _split_pot, "refine": _split_refine}


def _split_sections(text: str, sections: list[Section], strategy: str, tag: str) -> list[Span]:
    spans: list[Span] = []
    for lo, hi, kind, rnd in sections:
        if program_spans(text[lo:hi]):
            parts, _ = _split_code_and_prose(text, lo, hi)
            spans.extend((a, b, kind, rnd) for a, b, _, _ in parts)
        else:
            body = text[lo:hi]
            spans.extend(
                (lo + a, lo + b, kind, rnd) for a, b in split_cot(body, strategy, tag=tag)[0]
            )
    return spans


def _split_code_and_prose(text: str, lo: int, hi: int) -> tuple[list[Span], list[str]]:
    """Fenced Python blocks split into statements, the prose around them into thoughts;
    text with no fence is read as Python source. Returns spans and fallback reasons."""
    body = text[lo:hi]
    blocks = _fences(body)
    if not blocks:
        spans, reason = split_python(body, lo)
        return [(a, b, k, None) for a, b, k in spans], [reason] if reason else []
    spans: list[Span] = []
    reasons: list[str] = []
    cursor = 0
    for block in blocks:
        prose = body[cursor : block.start]
        spans.extend(
            (lo + cursor + a, lo + cursor + b, "thought", None) for a, b in split_cot(prose)[0]
        )
        code_spans, reason = split_python(body[slice(*block.inner)], lo + block.inner[0])
        spans.extend((a, b, k, None) for a, b, k in code_spans)
        reasons += [reason] if reason else []
        cursor = block.end
    spans.extend(
        (lo + cursor + a, lo + cursor + b, "thought", None) for a, b in split_cot(body[cursor:])[0]
    )
    return spans, reasons


def _trace(text: str, spans: list[Span], kind: str, seg: Segmentation, **fields: Any) -> Trace:
    return Trace.from_spans(text, spans, kind=kind, segmentation=seg, **fields)  # type: ignore[arg-type]
