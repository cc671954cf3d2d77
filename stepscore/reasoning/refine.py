"""Self-refinement segmentation: rounds of draft, feedback and revision.

A refinement trace is read either from marker text (``Draft:`` ... ``Feedback:`` ...
``Revision:`` ..., configurable) or from a list of chat turns. Each section is split
into steps like any other reasoning (CoT strategies, or Python statements when the
section is code), and every step keeps its section's kind ("draft", "feedback",
"revision") and its round: round 0 is the first draft; each feedback opens the next
round, and the revision that follows belongs to it. The marker headings themselves
are separators and belong to no step.

>>> sections = split_refine("Draft: 2+2=5.\\nFeedback: 2+2 is 4.\\nRevision: 2+2=4.")
>>> [(kind, rnd) for _, _, kind, rnd in sections]
[('draft', 0), ('feedback', 1), ('revision', 1)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DEFAULT_MARKERS",
    "RefineMarkers",
    "Section",
    "has_refine_markers",
    "sections_from_turns",
    "split_refine",
]

Section = tuple[int, int, str, int]  # (start, end, kind, round) of a section body


@dataclass(frozen=True, kw_only=True)
class RefineMarkers:
    """Heading words that open each kind of section (matched at a line start, any case,
    optionally bold or as a Markdown heading, with an optional number, then a colon)."""

    draft: tuple[str, ...] = (
        "Draft", "Initial answer", "Initial solution", "Initial response", "Original answer",
        "First attempt", "Attempt",
    )  # fmt: skip
    feedback: tuple[str, ...] = (
        "Feedback", "Critique", "Self-critique", "Reflection", "Self-reflection", "Review",
        "Error analysis",
    )  # fmt: skip
    revision: tuple[str, ...] = (
        "Revision", "Revised answer", "Revised solution", "Revised response", "Improved answer",
        "Improved solution", "Refined answer", "Refined solution", "Corrected answer",
        "Corrected solution",
    )  # fmt: skip

    def __post_init__(self) -> None:
        for kind in ("draft", "feedback", "revision"):
            words = getattr(self, kind)
            if (
                isinstance(words, str)
                or not words
                or not all(isinstance(w, str) and w.strip() for w in words)
            ):
                raise ValueError(f"RefineMarkers.{kind} must be a non-empty tuple of words")


DEFAULT_MARKERS = RefineMarkers()


@lru_cache(maxsize=32)
def _marker_pattern(markers: RefineMarkers) -> re.Pattern[str]:
    def alternatives(words: tuple[str, ...]) -> str:
        ordered = sorted(words, key=len, reverse=True)  # "Revised answer" before "Revision"
        return "|".join(r"[ \t]+".join(map(re.escape, w.split())) for w in ordered)

    groups = "|".join(
        f"(?P<{kind}>{alternatives(getattr(markers, kind))})"
        for kind in ("draft", "feedback", "revision")
    )
    emphasis = r"(?:\*\*|__)?"
    number = r"(?:[ \t]*\(?#?\d+\)?)?"
    return re.compile(
        rf"^[ \t]*(?:#{{1,6}}[ \t]*)?{emphasis}[ \t]*(?:{groups}){number}[ \t]*{emphasis}"
        rf"(?:[ \t]*:[ \t]*{emphasis}|(?<=\S)[ \t]*(?=\n|\Z))",
        re.I | re.M,
    )


def _markers_in(text: str, markers: RefineMarkers) -> list[re.Match[str]]:
    """Marker headings; one without a colon must be a Markdown heading or bold."""
    return [
        m
        for m in _marker_pattern(markers).finditer(text)
        if ":" in m[0] or m[0].lstrip()[:1] in ("#", "*", "_")
    ]


def has_refine_markers(text: str, markers: RefineMarkers = DEFAULT_MARKERS) -> bool:
    """True when the text shows a feedback section and a draft or revision section."""
    if ":" not in text and "#" not in text and "*" not in text and "_" not in text:
        return False  # a marker needs a colon, a heading or emphasis
    lowered = text.lower()
    if not any(word.lower() in lowered for word in markers.feedback):
        return False  # the common case, decided without the line-anchored pattern
    found = {m.lastgroup for m in _markers_in(text, markers)}
    return "feedback" in found and bool(found & {"draft", "revision"})


def split_refine(text: str, markers: RefineMarkers = DEFAULT_MARKERS) -> list[Section]:
    """Section bodies of a marker-delimited refinement trace, in order.

    Text before the first marker is the draft; a second draft marker ("Attempt 2:")
    counts as a revision. A heading-only form (``## Feedback`` alone on its line)
    needs a Markdown heading or bold to be recognised.
    """
    sections: list[Section] = []
    matches = _markers_in(text, markers)
    if not matches or text[: matches[0].start()].strip():
        sections.append((0, matches[0].start() if matches else len(text), "draft", 0))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        kind = match.lastgroup or "draft"
        if kind == "draft" and sections:
            kind = "revision"
        sections.append((match.end(), end, kind, _next_round(sections, kind)))
    return sections


def sections_from_turns(turns: Sequence[str | Mapping[str, str]]) -> tuple[str, str, list[Section]]:
    """``(prompt, text, sections)`` from chat turns.

    Plain strings alternate draft, feedback, revision, feedback, ... Mappings carry a
    ``role``: system and user turns before the first assistant turn form the prompt;
    assistant turns are the draft and revisions; any other turn after that is feedback.
    """
    prompt_parts: list[str] = []
    bodies: list[tuple[str, str]] = []
    for position, turn in enumerate(turns):
        if isinstance(turn, str):
            kind = "draft" if position == 0 else ("feedback" if position % 2 else "revision")
            bodies.append((kind, turn))
            continue
        if not isinstance(turn, Mapping) or not isinstance(turn.get("content"), str):
            raise TypeError(
                f"turn {position} must be a string or a mapping with a 'content' string"
            )
        is_model = turn.get("role") == "assistant"
        if not bodies and not is_model:
            prompt_parts.append(turn["content"])
        else:
            bodies.append(
                ("draft" if not bodies else "revision" if is_model else "feedback", turn["content"])
            )
    text, sections, cursor = "", [], 0
    for number, (kind, body) in enumerate(bodies):
        joiner = "\n\n" if number else ""
        text += joiner + body
        cursor += len(joiner)
        sections.append((cursor, cursor + len(body), kind, _next_round(sections, kind)))
        cursor += len(body)
    return "\n\n".join(prompt_parts), text, sections


def _next_round(sections: list[Section], kind: str) -> int:
    if not sections:
        return 0
    last_kind, last_round = sections[-1][2], sections[-1][3]
    if kind == "revision" and last_kind == "feedback":
        return last_round
    if kind == "feedback" and last_kind == "feedback":
        return last_round
    return last_round + 1
