"""Final-answer extraction: where, in a model's text, is its final answer?

Extraction only finds the answer and strips what surrounds it (``\\boxed{}``, ``$...$``,
``\\(...\\)``, ``**...**``, a trailing period); the content is kept exactly as written,
and its span points back into the text (``text[start:end] == answer``), so a reward or
a step label can be tied to the characters the model produced. Turning ``\\dfrac12``
into ``1/2`` is the normalizer's job, and deciding whether it is right the grader's.

Every rule takes the LAST occurrence in the text: a model that changes its mind is graded
on what it settled on. ``style="auto"`` tries, in order:

1. ``boxed`` / ``fbox``: ``\\boxed{...}`` or ``\\fbox{...}`` with nested braces, or
   ``\\boxed 5`` without them. An occurrence whose braces never close is skipped.
2. ``answer_tag``: ``<answer>...</answer>``.
3. ``gsm8k``: ``#### 42`` (a number only, so a Markdown ``#### Step 1`` heading is not
   taken for an answer).
4. ``answer_is``: "the (final) answer is ...", "Answer: ...", Minerva's "Final Answer:
   The final answer is $X$. I hope it is correct.", and the line after an answer heading
   near the end ("# Answer\\n\\n6" as PRM800K writes it, "**Final Answer**"). What it
   names is a formula right after it, else its sentence; of the sentence, a formula after
   a short lead-in ("is then $2 + 2 = 4$.") or the one number of prose around it ("Verna
   received $7.00 in change"). Reported as ``choice`` when it names a bare letter A-E,
   e.g. "The answer is (C)." -> ``C``.
5. ``last_number``: integers (with thousands separators), decimals, negatives, ``3/4``
   and ``\\frac{3}{4}``, outside ``[asy]`` diagrams; reported as ``last_math`` when that
   number ends a short delimited formula that is more than the number:
   ``is \\(-\\frac{2\\sqrt{3}}{3}\\).`` gives the fraction, not its last ``3``, ``$(2, 3)$``
   the point, ``$x \\equiv 39 \\pmod{47}$`` 39 (the value after the last relation). A
   ``$`` pair that reads as two prices (``$5 and $``) is not a formula. In plain text, a
   tuple of numbers the last number ends is the answer: ``is (-16, -4).``

``final_line`` (the last non-empty line or display block, if it is short and looks like a
bare answer) is a style of its own, not an ``auto`` step. It wins where the answer is not
a number (``$(2, 3)$``), but it returns whatever prefix or computation shares the line:
on the GSM8K example model solutions, which end in "A: 26", ``auto`` finds the model's
answer in 5263 of 5265 and ``final_line`` before ``last_number`` in none; on MATH
responses with their boxes and answer phrases removed it gained 4 of 800.

The ``choice`` style returns a letter A-E from the box, tag or answer phrase
(``\\boxed{\\text{(C)}}``, "Answer: C"), else from the last marker like ``(C)`` or ``C)``
in the text (which may be an option the model only listed).

Bad model output (empty, garbage, unbalanced braces, megabytes) gives ``no_answer``,
never an exception. The regexes have no ambiguous nested quantifiers and braces are
matched by a stack scan (at most two), so the work is linear in the text: a 1 MB
adversarial input takes well under a second, and this runs on every rollout.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

from stepscore.errors import UnknownNameError

__all__ = ["EXTRACTION_STYLES", "Extraction", "ExtractionStyle", "extract_answer", "whole_formula"]

log = logging.getLogger(__name__)

ExtractionStyle = Literal[
    "auto", "boxed", "answer_is", "gsm8k", "answer_tag", "final_line", "last_number", "choice"
]
EXTRACTION_STYLES: tuple[str, ...] = get_args(ExtractionStyle)

_WINDOW = 2000  # the most characters an answer phrase's answer may span
_MAX_FINAL_LINE = 200  # a final line longer than this (before trimming) is prose
_MAX_BARE = 40  # ... and a bare answer is at most this long after trimming
_MAX_UNWRAP = 8  # wrapper layers stripped, e.g. "**$x$**." is three

_BOXED = re.compile(r"\\(boxed|fbox)(?![A-Za-z])\s*(?:(\{)|([^\s${}\\][^\s${}]*))")
_BRACE = re.compile(r"\\[\\{}]|[{}]")  # escaped braces and backslashes are skipped
_TAG = re.compile(r"<(/?)answer>", re.IGNORECASE)
_NUMBER_BODY = r"(?:\d[\d,]*(?:\.\d+)?|\.\d+)"
_GSM8K = re.compile(rf"####[ \t]*(\$?-?{_NUMBER_BODY}(?:/\d+)?%?)\.?[ \t]*$", re.MULTILINE)
# a Markdown heading line of its own ("# Answer" in PRM800K, "**Final Answer**"), looked
# for in the text's tail only (a heading names the answer that ends the text)
_ANSWER_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*|\*\*)(?:final[ \t]+)?answer[ \t]*:?[ \t]*(?:\*\*)?[ \t]*:?[ \t]*$\s*",
    re.IGNORECASE | re.MULTILINE,
)
_HEADING_TAIL = 4096
_ANSWER_PHRASE = re.compile(r"answer[*_]*(?:[ \t]+is\b:?|[ \t]*:)[*_]*\s*", re.IGNORECASE)
_MATH_OPENERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
_DISPLAY_MATH = (("$$", "$$"), ("\\[", "\\]"))
_WRAPPERS = (*_MATH_OPENERS, ("**", "**"))
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)")
_NUMBER_WINDOW = 4096  # the last number is looked for in the text's tail first
_DIGIT = re.compile(r"\d")
_MAX_FORMULA = 100  # a widened answer longer than this is a derivation, not an answer
_NOT_ONE_ANSWER = re.compile(r"\\\\|&|\\(?:begin|end|q?quad)(?![A-Za-z])|\n\s*\n")
_DOLLAR = re.compile(r"\$\$|(?<!\\)\$")
_MATRIX = re.compile(  # one matrix, whose rows and cells are one answer
    r"\\begin\{([pbvBV]?matrix)\}(?:(?!\\begin\{)[^$])*?\\end\{\1\}", re.DOTALL
)
_PLAIN_TUPLE = re.compile(r"\(\s*-?\d+(?:\.\d+)?\s*(?:,\s*-?\d+(?:\.\d+)?\s*)+\)")
_OPENING, _CLOSING = frozenset(("{", "(", "[", "\\{")), frozenset(("}", ")", "]", "\\}"))
_RELATION_OR_BRACE = re.compile(
    r"\\[{}]|[{}()\[\]]|[=<>]"
    r"|\\(?:approx|[lg]eq?|neq?|equiv|implies|Rightarrow|iff)(?![A-Za-z])"
)
_CHAIN = frozenset(("=", "\\equiv", "\\implies", "\\Rightarrow", "\\iff"))  # ends in a result
_MODULUS = re.compile(r"\s*(?:\\pmod\s*(?:\{[^{}]*\}|\w+)|\(\s*\\?mod\s*[^()]*\))\s*$")
_OPENER = re.compile(r"\$\$?|\\\(|\\\[")
_CLOSER = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
_NUMBER_FREE = re.compile(r"[^\w.,/\\{}-]")  # a character no number can contain
_NUMBER = re.compile(
    r"(?:(?<![\w)\]}])-)?"  # a minus sign, but not a subtraction
    r"(?:\\[dt]?frac(?:\{\d+\}\{\d+\}|\d\d(?!\d))"
    r"|(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:/\d+)?"
    r"|(?<![\w.])\.\d+)"
)
# a number right after a command ("\\approx54000", "\\cdot360"), which `_NUMBER` takes
# for part of a word; a pattern of its own, as lookbehinds in `_NUMBER` make it 2x slower
_GLUED = re.compile(r"\\(?:approx|cdot|times|div|pm|le|ge|leq|geq)(-?(?:\d+(?:\.\d+)?|\.\d+))")
_CHOICE_BARE = re.compile(r"\(?([A-E])\)?")
_CHOICE_LEAD = re.compile(r"(?:\\(?:text|textbf|mathrm|mathbf)\{)?\s*\(?([A-E])(?![A-Za-z])")
_CHOICE_MARK = re.compile(r"([A-E])\)")  # "(C)" or "C)", checked for what precedes it
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}")
_OPERATOR_WORDS = frozenset(  # words that compute with a number: "the square root of 2"
    {"of", "times", "plus", "minus", "over", "divided", "by", "root", "roots", "squared"}
    | {"cubed", "power", "percent", "per", "out", "half", "twice", "double", "triple"}
    | {"thirds", "fourths", "fifths"}
)
_ANSWERISH = re.compile(r"\d|\\|^\(?[A-E]\)?$")


@dataclass(frozen=True, slots=True)
class Extraction:
    """The final answer found in a text, or why none was.

    ``status`` is "ok" or "no_answer". When "ok", ``answer == text[start:end]`` and
    ``rule`` names the rule that fired ("boxed", "fbox", "answer_tag", "gsm8k",
    "answer_is", "choice", "final_line", "last_number" or "last_math"); otherwise all
    four are None.
    ``reason`` says in a few words what was found, or what was looked for.
    """

    status: Literal["ok", "no_answer"]
    answer: str | None = None
    start: int | None = None
    end: int | None = None
    rule: str | None = None
    reason: str = ""


class _Hit(NamedTuple):
    start: int
    end: int
    rule: str


_Finder = Callable[[str], _Hit | None]


def extract_answer(text: str, style: ExtractionStyle = "auto") -> Extraction:
    """Find the final answer in ``text`` by ``style`` (see the module docstring).

    >>> e = extract_answer("So $x = 3/4$. The answer is $\\\\frac{3}{4}$.")
    >>> e.answer, e.rule, e.start, e.end
    ('\\\\frac{3}{4}', 'answer_is', 29, 40)
    >>> extract_answer("nested: \\\\boxed{\\\\frac{1}{\\\\sqrt{2}}}").answer
    '\\\\frac{1}{\\\\sqrt{2}}'
    >>> extract_answer("no idea", style="boxed").status
    'no_answer'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    finders = _FINDERS.get(style)
    if finders is None:
        raise UnknownNameError("extraction style", style, EXTRACTION_STYLES)
    for finder in finders:
        hit = finder(text)
        if hit is not None:
            answer = text[hit.start : hit.end]
            return Extraction("ok", answer, hit.start, hit.end, hit.rule, _REASONS[hit.rule])
    reason = _NOT_FOUND[style] if text.strip() else "empty text"
    if log.isEnabledFor(logging.DEBUG):
        log.debug("no answer (style %s, %d chars): %s", style, len(text), reason)
    return Extraction("no_answer", reason=reason)


# --- rules: each returns the span of the last answer it finds, or None ----------------


def _find_boxed(text: str) -> _Hit | None:
    """The last ``\\boxed{...}`` / ``\\fbox{...}`` whose braces balance, or ``\\boxed 5``."""
    if "\\boxed" not in text and "\\fbox" not in text:
        return None
    found = list(_BOXED.finditer(text))
    closes: dict[int, int] = {}
    scanned_from = len(text) + 1
    for m in reversed(found):
        if m[2] and m.start() < scanned_from:
            # from the last box first (the usual answer); from the first at most once more
            scanned_from = found[-1 if scanned_from > len(text) else 0].start()
            closes = _match_braces(text, scanned_from)
        start, end = _boxed_content(text, m, closes)
        if start < end:
            return _Hit(start, end, m[1])
    return None


def _boxed_content(text: str, box: re.Match[str], closes: dict[int, int]) -> tuple[int, int]:
    """The span inside one box; empty when its braces never close."""
    if not box[2]:  # "\\boxed 5"
        return _trim(text, box.start(3), box.end(3))
    close = closes.get(box.end() - 1)
    return (0, 0) if close is None else _strip_ws(text, box.end(), close)


def _match_braces(text: str, pos: int) -> dict[int, int]:
    """Map each ``{`` from ``pos`` on to its closing ``}``; a stack, not recursion.

    Where a ``{`` closes depends only on what follows it, so a scan from any ``pos``
    before it finds the same ``}`` as a scan from the start.
    """
    closes: dict[int, int] = {}
    stack: list[int] = []
    for tok in _BRACE.finditer(text, pos):
        if tok[0] == "{":
            stack.append(tok.start())
        elif tok[0] == "}" and stack:
            closes[stack.pop()] = tok.start()
    return closes


def _find_answer_tag(text: str) -> _Hit | None:
    """The content of the last non-empty ``<answer>...</answer>``."""
    pairs: list[tuple[int, int]] = []
    open_end: int | None = None
    for tag in _TAG.finditer(text):
        if not tag[1]:
            open_end = tag.end()
        elif open_end is not None:
            pairs.append((open_end, tag.start()))
            open_end = None
    for content_start, content_end in reversed(pairs):
        start, end = _trim(text, content_start, content_end)
        if start < end:
            return _Hit(start, end, "answer_tag")
    return None


def _find_gsm8k(text: str) -> _Hit | None:
    """The number after the last ``####`` that ends its line with a number."""
    last = _last(_GSM8K.finditer(text))
    return None if last is None else _Hit(last.start(1), last.end(1), "gsm8k")


def _find_answer_is(text: str) -> _Hit | None:
    """What the last answer phrase ("the answer is", "Answer:") or heading names."""
    phrases = list(_ANSWER_PHRASE.finditer(text))
    if "answer" in text[-_HEADING_TAIL:].lower():
        phrases += _ANSWER_HEADING.finditer(text, max(0, len(text) - _HEADING_TAIL))
        phrases.sort(key=lambda m: m.start())
    for phrase in reversed(phrases):
        if phrase.start() and text[phrase.start() - 1].isalnum():
            continue  # "reanswer:"; a lookbehind here would make the scan 3x slower
        start, end = _phrase_answer(text, phrase.end())
        if start < end:
            return _Hit(start, end, "answer_is")
    return None


def _phrase_answer(text: str, pos: int) -> tuple[int, int]:
    """The answer after a phrase: delimited math, else the rest of the sentence."""
    limit = min(len(text), pos + _WINDOW)
    for opener, closer in _MATH_OPENERS:
        if text.startswith(opener, pos):
            close = text.find(closer, pos + len(opener), limit)
            if close != -1:
                return _trim(text, pos + len(opener), close)
            break
    line_end = text.find("\n", pos, limit)
    line_end = limit if line_end == -1 else line_end
    sentence_end = _SENTENCE_END.search(text, pos, line_end)
    start, end = _trim(text, pos, sentence_end.start() if sentence_end else line_end)
    return _math_after_lead(text, start, end) or _number_in_prose(text, start, end) or (start, end)


def _math_after_lead(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The formula a sentence answer ends on after a short lead-in ("The final answer is
    then $2 + 2 = 4$.", "just $a^3 + a^2$"): at most six words, no digit, nothing after."""
    opener = _OPENER.search(text, start, end)
    if opener is None or opener.start() == start:
        return None
    lead = text[start : opener.start()]
    if _DIGIT.search(lead) or "\\" in lead or len(lead.split()) > 6:
        return None
    closer = _CLOSER[opener[0]]
    close = text.find(closer, opener.end(), end + len(closer))
    if close == -1 or text[close + len(closer) : end].strip(" .,;:"):
        return None
    return _trim(text, opener.end(), close)


def _number_in_prose(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The one number of a sentence answer ("Answer: Verna received $7.00 in change"),
    or None when the answer is not prose around one number: fewer than three words,
    LaTeX, two numbers, or a word that computes with it ("the square root of 2")."""
    words = _WORD.findall(text, start, end)
    if len(words) < 3 or "\\" in text[start:end]:
        return None
    if any(word.lower() in _OPERATOR_WORDS for word in words):
        return None
    numbers = list(_NUMBER.finditer(text, start, end))
    return (numbers[0].start(), numbers[0].end()) if len(numbers) == 1 else None


def _find_answer_is_or_choice(text: str) -> _Hit | None:
    """`_find_answer_is`, reported as a choice when it names a bare letter A-E."""
    hit = _find_answer_is(text)
    if hit is None:
        return None
    letter = _CHOICE_BARE.fullmatch(text, hit.start, hit.end)
    return _Hit(letter.start(1), letter.end(1), "choice") if letter else hit


def _find_choice(text: str) -> _Hit | None:
    """A letter A-E from the box, tag or answer phrase, else the last ``(C)`` / ``C)``."""
    for finder in (_find_boxed, _find_answer_tag, _find_answer_is):
        hit = finder(text)
        letter = hit and _CHOICE_LEAD.match(text, hit.start, hit.end)
        if letter:
            return _Hit(letter.start(1), letter.end(1), "choice")
    for mark in reversed(list(_CHOICE_MARK.finditer(text))):
        before = text[max(0, mark.start() - 2) : mark.start()]
        if before[-1:] == "(":  # "(C)", not "f(C)"
            before = before[:-1]
        if not before[-1:].isalnum() and before[-1:] != "\\":
            return _Hit(mark.start(1), mark.end(1), "choice")
    return None


def _find_final_line(text: str) -> _Hit | None:
    """The last non-empty line (or display-math block), if short and a bare answer."""
    line_end = len(text.rstrip())
    line_start = text.rfind("\n", 0, line_end) + 1
    for opener, closer in _DISPLAY_MATH:  # a display block may span lines
        if text.endswith(closer, line_start, line_end):
            block = text.rfind(opener, max(0, line_end - _MAX_FINAL_LINE), line_end - 2)
            if block != -1:
                line_start = min(line_start, block)
    if line_end - line_start > _MAX_FINAL_LINE:
        return None
    start, end = _trim(text, line_start, line_end)
    if start < end and _looks_bare(text[start:end]):
        return _Hit(start, end, "final_line")
    return None


def _looks_bare(line: str) -> bool:
    """Short, at most two words, not a lead-in, and with a digit, LaTeX or a choice."""
    if len(line) > _MAX_BARE or line[-1] in ",:;?!" or len(_WORD.findall(line)) > 2:
        return False
    return _ANSWERISH.search(line) is not None


def _find_last_number(text: str) -> _Hit | None:
    """The last number: ``1,234``, ``-0.5``, ``3/4``, ``\\frac{3}{4}``.

    Scanning a long text whole is slow (the pattern has no literal prefix), so the
    tail is scanned first, from a point no number straddles, and widened if need be.
    """
    if _DIGIT.search(text) is None:
        return None
    window = _NUMBER_WINDOW
    while True:
        pos = _number_free_point(text, len(text) - window)
        last = _last(_NUMBER.finditer(text, pos))
        if last is not None or pos == 0:
            break
        window *= 8
    glued = None
    if "\\" in text:  # a glued number may also start just before `last` ("\\approx-3")
        glued = _last(_GLUED.finditer(text, 0 if last is None else max(0, last.start() - 9)))
    if glued is not None and (last is None or glued.end() >= last.end()):
        return _Hit(glued.start(1), glued.end(1), "last_number")
    return None if last is None else _Hit(last.start(), last.end(), "last_number")


def _find_last_value(text: str) -> _Hit | None:
    """The last number outside an ``[asy]`` diagram, or the short formula it ends
    (``last_math``, see the docstring)."""
    hit = _find_last_number(text)
    if hit is None:
        return None
    if "[/asy]" in text:  # a diagram's coordinates are no answer: look before it
        opened = text.rfind("[asy]", 0, hit.start)
        if opened != -1 and text.find("[/asy]", opened, hit.start) == -1:
            return _find_last_value(text[:opened])
    inner = _formula_around(text, hit.start, hit.end)
    if inner is None:
        tuple_ = _PLAIN_TUPLE.search(text, max(0, hit.start - _MAX_FORMULA), hit.end + 2)
        while tuple_ is not None and tuple_.end() < hit.end:
            tuple_ = _PLAIN_TUPLE.search(text, tuple_.end(), hit.end + 2)
        if tuple_ is not None and tuple_.start() <= hit.start:
            return _Hit(tuple_.start(), tuple_.end(), "last_math")  # "(3, 2)" in plain text
        return hit
    cut, relation = _after_relations(text, *inner)
    start, end = _trim(text, cut, inner[1])
    modulus = _MODULUS.search(text, start, end)  # "x \\equiv 39 \\pmod{47}": 39
    if modulus is not None and modulus.start() > start:
        end = modulus.start()
    matrix = _MATRIX.fullmatch(text, start, end) is not None  # may be longer, with \\ and &
    if (start, end) == (hit.start, hit.end) or end - start > _MAX_FORMULA * (1 + 3 * matrix):
        return hit  # "$x = 3$": the number is the value
    if relation not in _CHAIN and not start <= hit.start < hit.end <= end:
        return hit  # "$2 < x$": the number is not in the value (after "=" it is the result)
    if not matrix and _NOT_ONE_ANSWER.search(text, start, end):
        return hit
    return _Hit(start, end, "last_math")


def whole_formula(text: str, start: int, end: int) -> str | None:
    """The whole delimited formula holding ``text[start:end]`` (a last number's span),
    trimmed, or None: for a reference that is an equation, ``$x^2 + y^2 = 13$`` is the
    answer, not its value 13."""
    inner = _formula_around(text, start, end)
    if inner is None:
        return None
    inner_start, inner_end = _trim(text, *inner)
    return text[inner_start:inner_end] if inner_start < inner_end else None


def _after_relations(text: str, start: int, end: int) -> tuple[int, str | None]:
    """Where the part of a formula after its last relation outside braces starts, and
    that relation: the value of ``A = \\frac{8\\pi}{5}`` or ``x^3 = 12`` (the grader
    reads ``x^3 = 12`` as an equation, while the number alone was the answer)."""
    depth = 0
    cut, relation = start, None
    for tok in _RELATION_OR_BRACE.finditer(text, start, end):
        if tok[0] in _OPENING:
            depth += 1
        elif tok[0] in _CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0:
            cut, relation = tok.end(), tok[0]
    return cut, relation


def _formula_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The inside of the delimited formula holding ``text[start:end]``, or None."""
    for opener, closer in (("\\(", "\\)"), ("\\[", "\\]")):
        left = text.rfind(opener, max(0, start - _WINDOW), start)
        if left == -1 or text.find(closer, left, start) != -1:
            continue
        right = text.find(closer, end, end + _MAX_FORMULA)
        if right != -1 and text.find(opener, end, right) == -1:
            return left + len(opener), right
    if "$" not in text:
        return None
    if text.count("$$", 0, start) % 2:
        right = text.find("$$", end, end + _MAX_FORMULA)
        return None if right == -1 else (text.rfind("$$", 0, start) + 2, right)
    return _dollar_formula_around(text, start, end)


def _dollar_formula_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The inside of the ``$...$`` holding ``text[start:end]``; pairs are counted from
    the line's start (inline math does not cross lines), ``$$`` and ``\\$`` skipped."""
    line_start = text.rfind("\n", 0, start) + 1
    left, count = -1, 0
    for m in _DOLLAR.finditer(text, line_start, start):
        if m[0] == "$":
            left, count = m.start(), count + 1
    if count % 2 == 0:
        return None
    line_end = text.find("\n", end)
    limit = len(text) if line_end == -1 else line_end
    right = next((m.start() for m in _DOLLAR.finditer(text, end, limit) if m[0] == "$"), -1)
    if right == -1:
        return None
    inside = text[left + 1 : right]
    after = text[right + 1 : right + 2]
    if inside != inside.strip() or inside[-1] in "+-*/=," or after.isalnum():
        return None  # "$5 and $6", "$5 + $3": prices, not a formula
    return left + 1, right


def _number_free_point(text: str, pos: int) -> int:
    """A point at or before ``pos`` just after a character no number contains, else 0.

    No match of `_NUMBER` crosses such a point, so scanning from it finds exactly the
    matches a scan from the start finds after it.
    """
    last = _last(_NUMBER_FREE.finditer(text, max(0, pos - 256), max(0, pos)))
    return 0 if last is None else last.end()


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    """The last of ``matches`` (consumed at C speed), or None."""
    tail = deque(matches, maxlen=1)
    return tail[0] if tail else None


# --- spans ------------------------------------------------------------------------------


def _strip_ws(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``[start, end)`` past white space on both sides (at C speed)."""
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a span past white space, a trailing period and wrappers like ``$...$``."""
    for _ in range(_MAX_UNWRAP):
        start, end = _strip_ws(text, start, end)
        if end > start and text[end - 1] == ".":
            end -= 1
            continue
        for opener, closer in _WRAPPERS:
            inner_start, inner_end = start + len(opener), end - len(closer)
            if (
                inner_start <= inner_end
                and text.startswith(opener, start, end)
                and text.endswith(closer, start, end)
                and text.find(closer, inner_start, inner_end) == -1
            ):
                start, end = inner_start, inner_end
                break
        else:
            break
    return start, end


_REASONS = {
    "boxed": "last balanced \\boxed{}",
    "fbox": "last balanced \\fbox{}",
    "answer_tag": "last <answer> tag",
    "gsm8k": "last '#### <number>' line",
    "answer_is": "last answer phrase",
    "choice": "a choice letter A-E",
    "final_line": "short final line",
    "last_number": "last number in the text",
    "last_math": "the formula the last number ends",
}
_NOT_FOUND = {
    "auto": "no \\boxed{}, answer tag, '####', answer phrase or number",
    "boxed": "no balanced \\boxed{} or \\fbox{}",
    "answer_tag": "no non-empty <answer>...</answer>",
    "gsm8k": "no '#### <number>' line",
    "answer_is": "no answer phrase ('the answer is', 'Answer:')",
    "final_line": "last line is not a short bare answer",
    "last_number": "no number",
    "choice": "no choice letter A-E",
}
_FINDERS: dict[str, tuple[_Finder, ...]] = {
    "auto": (
        _find_boxed,
        _find_answer_tag,
        _find_gsm8k,
        _find_answer_is_or_choice,
        _find_last_value,
    ),
    "boxed": (_find_boxed,),
    "answer_is": (_find_answer_is,),
    "gsm8k": (_find_gsm8k,),
    "answer_tag": (_find_answer_tag,),
    "final_line": (_find_final_line,),
    "last_number": (_find_last_number,),
    "choice": (_find_choice,),
}
