"""Chain-of-thought segmentation: where one reasoning step ends and the next begins.

Strategies, each a way the field delimits steps:

- ``tag``: an explicit step tag (Math-Shepherd's ``ки``, or a tokenizer's special tag);
  the tag itself belongs to no step.
- ``headers``: "Step 1:", "**Step 2**", "## Step 3" at the start of a line.
- ``numbered``: a top-level numbered list "1." / "2)" at line starts (numbers in sequence).
- ``double_newline``: paragraphs separated by blank lines (ProcessBench, Qwen PRMs).
- ``single_newline``: one step per line (TRL stepwise supervision, PRM800K).
- ``sentence``: sentences and lines.

``auto`` picks from what the text shows: a tag, else paragraphs (also cut before step
headers inside them), else headers, a numbered list, lines, sentences. Code fences,
display math and LaTeX environments are never cut, whatever the strategy.

>>> split_cot("Step 1: 2+2=4.\\nStep 2: 4*3=12.\\n\\nThe answer is 12.")
([(0, 14), (15, 30), (32, 49)], 'double_newline+headers')
"""

from __future__ import annotations

import re

from stepscore.errors import UnknownNameError
from stepscore.reasoning.spans import between, protected_regions, unprotected

__all__ = ["COT_STRATEGIES", "DEFAULT_TAG", "split_cot"]

COT_STRATEGIES = ("tag", "headers", "numbered", "double_newline", "single_newline", "sentence")
DEFAULT_TAG = "ки"

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_NEWLINE = re.compile(r"\n")  # white space around it is trimmed off the steps
_HEADER = re.compile(
    r"^[ \t>]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*step[ \t]*\d+[ \t]*(?:[:.)\-—]|\*\*|__|$)",
    re.I | re.M,
)
_NUMBERED = re.compile(r"^[ \t]*(\d{1,3})[.)][ \t]+\S", re.M)
_SENTENCE_END = re.compile(  # the white space after a sentence's end mark (not after "Mr.")
    r"(?:(?<=[.!?])|(?<=[.!?]['\")\]]))"
    r"(?<!\b[Mm]r\.)(?<!\b[Mm]s\.)(?<!\b[Dd]r\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bNo\.)"
    r"[ \t]+(?=[A-Z0-9$\\(\"'])"
    r"|\n"
)


def split_cot(
    text: str, strategy: str = "auto", *, tag: str = DEFAULT_TAG
) -> tuple[list[tuple[int, int]], str]:
    """Step spans of ``text`` and the strategy that produced them.

    With ``strategy="auto"`` the returned name is the one chosen (it may combine
    two, e.g. ``"double_newline+headers"``).
    """
    if strategy == "auto":
        return _auto(text, tag)
    if strategy not in COT_STRATEGIES:
        raise UnknownNameError("CoT strategy", strategy, ("auto", *COT_STRATEGIES))
    if strategy == "tag":
        return between(text, _tag_separators(text, tag)), strategy
    regions = protected_regions(text)
    if strategy == "single_newline":
        return _single_newline(text, regions), strategy
    separators = {
        "headers": lambda: _cuts(_HEADER, text),
        "numbered": lambda: _numbered_cuts(text),
        "double_newline": lambda: _matches(_BLANK_LINE, text),
        "sentence": lambda: _matches(_SENTENCE_END, text),
    }[strategy]()
    return between(text, unprotected(separators, regions)), strategy


def _auto(text: str, tag: str) -> tuple[list[tuple[int, int]], str]:
    if tag and tag in text:
        return between(text, _tag_separators(text, tag)), "tag"
    regions = protected_regions(text)
    paragraphs = unprotected(_matches(_BLANK_LINE, text), regions) if "\n" in text else []
    has_step = "tep" in text or "TEP" in text  # "Step", "STEP": a cheap gate for the regex
    headers = unprotected(_cuts(_HEADER, text), regions) if has_step else []
    if len(headers) < 2:
        headers = []
    if paragraphs:
        if headers:
            return between(text, sorted(paragraphs + headers)), "double_newline+headers"
        return between(text, paragraphs), "double_newline"
    if headers:
        return between(text, headers), "headers"
    if "\n" not in text:
        return between(text, unprotected(_matches(_SENTENCE_END, text), regions)), "sentence"
    if "1." in text or "1)" in text:  # a numbered list starts at 1
        numbered = unprotected(_numbered_cuts(text), regions)
        if len(numbered) >= 2:
            return between(text, numbered), "numbered"
    return _single_newline(text, regions), "single_newline"


def _single_newline(text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trimmed non-blank lines; without protected regions at `str.split` speed."""
    if regions:
        return between(text, unprotected(_matches(_NEWLINE, text), regions))
    spans, cursor = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = cursor + len(line) - len(line.lstrip())
            spans.append((start, start + len(stripped)))
        cursor += len(line) + 1
    return spans


def _tag_separators(text: str, tag: str) -> list[tuple[int, int]]:
    if not tag:
        raise ValueError("the tag strategy needs a non-empty tag")
    size = len(tag)
    separators, position = [], text.find(tag)
    while position != -1:
        separators.append((position, position + size))
        position = text.find(tag, position + size)
    return separators


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _cuts(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """Zero-width cuts before each match (the match stays in the step it opens)."""
    return [(m.start(), m.start()) for m in pattern.finditer(text)]


def _numbered_cuts(text: str) -> list[tuple[int, int]]:
    """Cuts before the items of numbered lists counted 1, 2, 3, ... (a new "1." restarts)."""
    cuts, expected = [], 1
    for match in _NUMBERED.finditer(text):
        number = int(match[1])
        if number == expected or number == 1:
            cuts.append((match.start(), match.start()))
            expected = number + 1
    return cuts
