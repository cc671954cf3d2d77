"""Span arithmetic shared by the segmenters: cuts in, trimmed step spans out.

A segmenter finds *separators* — ``(start, end)`` intervals of text that belong to
no step (a blank line, a step tag; zero-width for a cut before a header). The text
between consecutive separators, trimmed of white space, is a step; a stretch with
nothing but white space yields none. So the spans tile the text by construction.

Protected regions (code fences, display math, LaTeX environments) are never cut:
a separator that starts inside one is dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

__all__ = ["between", "protected_regions", "unprotected"]

_TOKEN = re.compile(
    r"^[ \t]*(?P<fence>`{3,}|~{3,})"  # a code fence opening or closing at a line start
    r"|(?P<dollars>\$\$)|(?P<open>\\\[)|(?P<close>\\\])"  # display math
    r"|\\(?P<env>begin|end)\{(?P<name>[A-Za-z*]+)\}",  # LaTeX environments
    re.M,
)


def protected_regions(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint spans that a step boundary must not fall inside.

    One linear pass over the openers and closers; an unclosed code fence runs to the
    end of the text (a truncated generation), unclosed math protects nothing, and a
    ``\\[`` opened again before its ``\\]`` restarts there.

    >>> protected_regions("a\\n\\n$$x\\n\\ny$$\\n\\nb")
    [(3, 11)]
    """
    if not ("```" in text or "~~~" in text or "$$" in text or "\\[" in text or "\\begin{" in text):
        return []  # the common case, decided at C speed
    regions: list[tuple[int, int]] = []
    opener: re.Match[str] | None = None
    depth = 0
    for tok in _TOKEN.finditer(text):
        if opener is None:
            if tok["close"] is None and tok["env"] != "end":
                opener, depth = tok, 1
        elif _closes(opener, tok):
            depth -= 1
            if depth == 0:
                regions.append((opener.start(), tok.end()))
                opener = None
        elif opener["open"] and tok["open"]:  # \[ cannot nest: the earlier one was never closed
            opener = tok
        elif opener["name"] and tok["env"] == "begin" and tok["name"] == opener["name"]:
            depth += 1
    if opener is not None and opener["fence"]:
        regions.append((opener.start(), len(text)))
    return regions


def _closes(opener: re.Match[str], tok: re.Match[str]) -> bool:
    if opener["fence"]:
        fence = tok["fence"]
        return bool(fence) and fence[0] == opener["fence"][0] and len(fence) >= len(opener["fence"])
    if opener["dollars"]:
        return tok["dollars"] is not None
    if opener["open"]:
        return tok["close"] is not None
    return tok["env"] == "end" and tok["name"] == opener["name"]


def unprotected(
    separators: Iterable[tuple[int, int]], regions: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The separators whose start is not strictly inside a protected region."""
    if not regions:
        return list(separators)
    starts = [start for start, _ in regions]
    kept = []
    for sep in separators:
        i = bisect_right(starts, sep[0]) - 1
        if i < 0 or not regions[i][0] < sep[0] < regions[i][1]:
            kept.append(sep)
    return kept


def between(
    text: str, separators: Iterable[tuple[int, int]], lo: int = 0, hi: int | None = None
) -> list[tuple[int, int]]:
    """Trimmed non-empty spans of ``text[lo:hi]`` between sorted ``separators``."""
    hi = len(text) if hi is None else hi
    spans: list[tuple[int, int]] = []
    cursor = lo
    for sep_start, sep_end in (*separators, (hi, hi)):
        if sep_start < cursor:  # overlapping separators: the earlier one already cut here
            cursor = max(cursor, sep_end)
            continue
        chunk = text[cursor:sep_start]
        stripped = chunk.strip()
        if stripped:
            start = cursor + len(chunk) - len(chunk.lstrip())
            spans.append((start, start + len(stripped)))
        cursor = sep_end
    return spans
