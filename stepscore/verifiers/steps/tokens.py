"""Tokens of step text, as the claim finder sees them.

A CoT step mixes prose, LaTeX and arithmetic: ``So \\(1/3 \\times 18 = 6\\) flamingos``,
``5 * $2 = $10``, ``<<48/2=24>>``. `tokenize` reads it once, left to right, into typed
tokens with their character spans, then rewrites the few words that act as operators
between numbers (``3 x 4``, ``20% of 50``, ``8 times 3``, ``... is 10``) and marks unit
words (``2 books * 3 pounds/book``) as transparent. Everything else that is not
arithmetic (words, unknown commands, punctuation) stays a boundary, so the finder never
reads across it.

>>> [t.kind for t in tokenize("20% of 50 is 10")]
['num', 'pct', 'op', 'num', 'eq', 'num']
>>> [t.kind for t in tokenize("2 books * 3 = 6")]
['num', 'unit', 'op', 'num', 'eq', 'num']
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

__all__ = ["ARITHMETIC_KINDS", "DIVISION_OPS", "Token", "digits", "tokenize"]

_TOKEN = re.compile(
    # (prose first: most of a step is words and spaces, and no other kind opens with a
    # letter but ``C(52, 5)``)
    r"(?P<choose>(?<![A-Za-z])C\(\s*\d{1,4}\s*,\s*\d{1,4}\s*\))"  # C(52, 5): a binomial
    # (a word and the space after it, at once; "three-digit": one word, its hyphen no minus)
    r"|(?P<word>[A-Za-z]{3,}(?:-[A-Za-z]{3,})+|[A-Za-z]+)(?P<trail>[ \t\r]+)?"
    r"|(?P<space>[ \t\r]+)"
    r"|(?P<text>\\(?:text|mbox|mathrm|textbf|textit|textrm|operatorname)\s*\{[^{}]*\})"
    r"|(?P<annot>(?<=[\s\d%$}])\((?=[^()\d]*[A-Za-z]{3})[A-Za-z' ,.\-]+\)"
    r"|(?<=[\s\d%$}])\(\s*\\text\s*\{[A-Za-z' ,.\-]+\}\s*\))"
    r"|(?P<circ>\^\s*\{?\s*\\circ\s*\}?|°)"
    r"|(?P<begin>\\(?:begin|end)\s*\{[^{}]*\})"
    r"|(?P<delim>\\[()\[\]]|<<|>>|\\\\|\n|\\q?quad\b|\$\$)"
    r"|(?P<num>\d{1,3}(?:(?:,|\{,\}|,\\!|\\,)\d{3})+(?![\d,]\d)(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<pct>\\%|%)"
    r"|(?P<eq>=|\\approx(?![A-Za-z])|≈|\\simeq(?![A-Za-z]))"
    r"|(?P<fn>\\[dt]?frac\b|\\sqrt\b|\\d?binom\b)"
    r"|(?P<pi>\\pi\b)"
    r"|(?P<skip>\*\*|\\[$,!;: ]|\$+|&|\\left\b|\\right\b|\\displaystyle\b|\\boxed\b"
    r"|\\mathbf\b|\\bf\b|\\big\b|\\Big\b|\\bigg\b)"
    r"|(?P<op>\\(?:times|cdot|div|ast)(?![A-Za-z])|[-+*/^×÷·⋅−–])"  # \cdot56 is \cdot 56
    r"|(?P<open>[({\[])|(?P<close>[)}\]])"
    r"|(?P<cmd>\\[A-Za-z]+|\\.)"
    r"|(?P<other>.)",
    re.DOTALL,
)

# the operator tokens that divide (``\\div`` as written, ``÷`` and ``/``)
DIVISION_OPS = frozenset({"÷", "\\div", "/"})
_SEPARATORS = re.compile(r"\{,\}|,\\!|\\,|,")

# Kinds that may appear inside an arithmetic run; the rest are boundaries.
ARITHMETIC_KINDS = frozenset(
    {"num", "pct", "op", "fn", "pi", "open", "close", "fact", "eq", "skip", "unit"}
)
_VALUE_END = frozenset({"num", "pct", "close", "pi", "fact"})
_VALUE_START = frozenset({"num", "open", "fn", "pi"})
_BINARY = frozenset({"op", "eq", "close"})
_WORD_OPS = {"x": "×", "times": "×", "plus": "+", "minus": "-"}
_BY_OPS = {"multiplied": "×", "divided": "/"}
_SOFT_EQ = frozenset({"is", "equals", "are", "was", "were", "gives", "makes", "yields"})
# the words `_rewrite_words` may turn into operators (any other word is left as it is)
_OPERATOR_WORDS = frozenset({"percent", "of", *_WORD_OPS, *_BY_OPS, *_SOFT_EQ})
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "then",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "than",
        "which",
        "who",
        "what",
        "when",
        "where",
        "if",
        "because",
        "since",
        "while",
        "into",
        "onto",
        "over",
        "under",
        "after",
        "before",
        "more",
        "less",
        "fewer",
        "each",
        "every",
        "all",
        "total",
        "which",
        "also",
        "plus",
        "minus",
        "times",
        "remaining",
        "left",
        "gives",
        "give",
        "get",
        "gets",
        "got",
        "makes",
        "make",
        "equals",
        "equal",
        "will",
        "would",
        "can",
        "could",
        "should",
        "must",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "yes",
        "there",
        "here",
    ]
)


class Token(NamedTuple):
    """One token: kind, text as written, span in the step, and whether space precedes it
    (a named tuple: a step makes hundreds, and they are cheaper to build than a frozen
    dataclass)."""

    kind: str
    text: str
    start: int
    end: int
    spaced: bool


def digits(number: str) -> str:
    """A number token without its thousands separators: ``1,000``, ``1{,}000``, ``1,\\!000``
    and ``1\\,000`` -> ``1000``."""
    return _SEPARATORS.sub("", number)


def tokenize(text: str) -> list[Token]:
    """The step's tokens, with operator words and unit words rewritten (see module doc).

    A letter or two inside math (``$AD \\sqrt{2} = 4$``, ``\\[ 2\\pi rh = 3.5 \\]``) is
    a variable (kind "var"), never a unit or an operator word: a number next to it is
    multiplied by it.
    """
    tokens: list[Token] = []
    spaced = True
    math: list[tuple[int, int]] | None = None  # found at the first short word
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind == "space":
            spaced = True
            continue
        if kind == "word" or kind == "trail":
            word, kind = m["word"], "word"
            if len(word) <= 2:
                if math is None:
                    math = _math_spans(text) if "$" in text or "\\" in text else []
                if math and _inside(math, m.start()):
                    kind = "var"
            tokens.append(Token(kind, word, m.start(), m.end("word"), spaced))
            spaced = m["trail"] is not None
            continue
        if kind in ("text", "circ"):
            kind = _text_kind(m[0])
        elif kind == "annot":  # "7995 (total cookies) - 2595": a label, not a factor
            kind = "skip"
        elif kind == "begin":
            kind = "cmd"
        elif kind == "other" and m[0] == "!" and tokens and tokens[-1].kind in _VALUE_END:
            after = text[m.end() : m.end() + 1]  # "3!!" is a double factorial: not read
            kind = "fact" if not spaced and after not in ("=", "!") else "other"
        elif kind == "skip" and m[0] == "$" and _CLOSES_MATH.match(text, m.end()):
            if not spaced and tokens and tokens[-1].kind in _VALUE_END:
                kind = "delim"  # "$4*20*20*20=16000$ 4-letter words": math closed, not cash
        elif kind == "choose":
            tokens.extend(_binomial(m, spaced))
            spaced = False
            continue
        tokens.append(Token(kind, m[0], m.start(), m.end(), spaced))
        spaced = False
    _rewrite_words(tokens)
    _mark_units(tokens)
    return tokens


# what follows a "$" that closes math rather than opens an amount: a space, then a word or
# a number (an amount is written "$5", a total "= $12"; "16000$ 4-letter" ends a formula)
_CLOSES_MATH = re.compile(r"[ \t]+[A-Za-z0-9]")
_MATH_MARK = re.compile(
    r"\$\$|\\[\[\]()]|(?<!\\)\$|\\(?:begin|end)\{(?:align|equation|gather|eqnarray)\*?\}"
)
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")
_TEXT_ARG = re.compile(r"\\(?:text|mbox|mathrm|textbf|textit|textrm|operatorname)\s*\{[^{}]*\}")
_TEX = re.compile(r"\\[A-Za-z]|[\^_{]")


def _math_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` is in math mode, in one pass over its delimiters. A ``$...$`` pair
    counts only if it holds TeX and no prose word (``$5 each and $3`` is two prices,
    ``$3 x 4 = $12`` plain arithmetic)."""
    spans = []
    opened: tuple[str, int] | None = None
    for m in _MATH_MARK.finditer(text):
        mark = m[0]
        if mark.startswith("\\begin"):
            mark = "begin"
        elif mark.startswith("\\end"):
            mark = "end"
        if opened is None:
            if mark in _CLOSER or mark == "begin":
                opened = (mark, m.start())
            continue
        want = "end" if opened[0] == "begin" else _CLOSER[opened[0]]
        if mark != want:
            continue
        at, opened = opened[1], None
        if mark == "$":
            bare = _TEXT_ARG.sub(" ", text[at + 1 : m.start()])
            if not _TEX.search(bare) or _PROSE_WORD.search(bare):
                continue
        spans.append((at, m.end()))
    return spans


def _inside(spans: list[tuple[int, int]], at: int) -> bool:
    """Whether ``at`` lies inside one of ``spans`` (sorted, disjoint)."""
    k = bisect.bisect_left(spans, (at, at)) - 1
    return k >= 0 and spans[k][0] < at < spans[k][1]


def _binomial(m: re.Match[str], spaced: bool) -> list[Token]:
    """``C(n, k)`` as the tokens of ``\\binom{n}{k}``, each spanning all of it (``k > n``:
    not a binomial, maybe a point ``C(7, 9)``; a word then, which ends a run)."""
    n, k = (int(v) for v in re.findall(r"\d+", m[0]))
    at, end = m.start(), m.end()
    if k > n:
        return [Token("word", m[0], at, end, spaced)]
    parts = [("fn", "\\binom"), ("open", "{"), ("num", str(n)), ("close", "}")]
    parts += [("open", "{"), ("num", str(k)), ("close", "}")]
    return [Token(kind, text, at, end, spaced and i == 0) for i, (kind, text) in enumerate(parts)]


def _text_kind(written: str) -> str:
    """``\\text{ cm}`` is a unit; ``\\text{ and }`` a boundary like the word itself."""
    inner = written[written.find("{") + 1 : -1].strip().lower() if "{" in written else ""
    if inner[:1] == "(" and inner[-1:] == ")":
        return "skip"  # "40 \\text{ (Alani)} + 80": an aside, like "(Alani)" itself
    words = re.findall(r"[a-z]+", inner)
    if inner in ("r", "remainder"):
        return "word"  # "58 \\;\\mathrm{R}\\; 5": a remainder follows, not a unit
    if words and words[0] in STOPWORDS and len(words) <= 2:
        return "word"
    return "unit" if not re.search(r"[\d=]", inner) else "cmd"


def _significant(tokens: list[Token], i: int, step: int) -> int:
    """Index of the nearest token from ``i`` in direction ``step`` that is not a skip."""
    while 0 <= i < len(tokens) and tokens[i].kind == "skip":
        i += step
    return i


def _kind_at(tokens: list[Token], i: int) -> str:
    return tokens[i].kind if 0 <= i < len(tokens) else ""


def _rewrite_words(tokens: list[Token]) -> None:
    """Operator words between values become operators; ``percent`` becomes ``%``."""
    for i, tok in enumerate(tokens):
        if tok.kind != "word":
            continue
        word = tok.text.lower()
        if word not in _OPERATOR_WORDS:
            continue
        prev = _kind_at(tokens, _significant(tokens, i - 1, -1))
        nxt_i = _significant(tokens, i + 1, 1)
        nxt = _kind_at(tokens, nxt_i)
        if word == "percent" and prev == "num":
            tokens[i] = _as(tok, "pct", "%")
        elif word in _WORD_OPS and prev in _VALUE_END and nxt in _VALUE_START:
            if (word == "x" and tok.text == "x") or word != "x":
                tokens[i] = _as(tok, "op", _WORD_OPS[word])
        elif word in _BY_OPS and prev in _VALUE_END and _kind_at(tokens, nxt_i) == "word":
            if tokens[nxt_i].text == "by" and _kind_at(tokens, nxt_i + 1) in _VALUE_START:
                tokens[i] = _as(tok, "op", _BY_OPS[word])
                tokens[nxt_i] = _as(tokens[nxt_i], "skip", "by")
        elif word == "of" and nxt in _VALUE_START and _fraction_before(tokens, i):
            tokens[i] = _as(tok, "op", "×")
        elif word in _SOFT_EQ and prev in _VALUE_END and nxt == "num":
            tokens[i] = _as(tok, "eq", tok.text)


def _fraction_before(tokens: list[Token], i: int) -> bool:
    """``20% of``, ``2/5 of``, ``\\frac{1}{3} of``: a share, so ``of`` multiplies."""
    j = _significant(tokens, i - 1, -1)
    kind = _kind_at(tokens, j)
    if kind == "pct":
        return True
    if kind == "num":
        k = _significant(tokens, j - 1, -1)
        return _kind_at(tokens, k) == "op" and tokens[k].text == "/"
    return kind == "close" and tokens[j].text == "}"


def _mark_units(tokens: list[Token]) -> None:
    """Words after a value and before an operator (``5 apples + 3``) become units."""
    i = 0
    while i < len(tokens):
        # (a word right after a word is after no value: the test most words end at)
        after_word = i > 0 and tokens[i - 1].kind == "word"
        if tokens[i].kind != "word" or after_word or not _after_value(tokens, i):
            i += 1
            continue
        j = i
        while j < len(tokens) and j - i < 6 and _unit_like(tokens, j):
            j += 1
        if j > i and _kind_at(tokens, _significant(tokens, j, 1)) in _BINARY | {"fn"}:
            if _kind_at(tokens, i - 1) == "op" and tokens[i - 1].text == "/":
                i -= 1
            for k in range(i, j):
                tokens[k] = _as(tokens[k], "unit", tokens[k].text)
        i = max(j, i + 1)


def _after_value(tokens: list[Token], i: int) -> bool:
    j = _significant(tokens, i - 1, -1)
    if _kind_at(tokens, j) == "op" and tokens[j].text == "/" and not tokens[i].spaced:
        j = _significant(tokens, j - 1, -1)  # "$15/student", "pounds/book"
    return _kind_at(tokens, j) in _VALUE_END or _kind_at(tokens, j) == "unit"


def _unit_like(tokens: list[Token], j: int) -> bool:
    tok = tokens[j]
    if tok.kind == "skip" or tok.kind == "unit":
        return True
    if tok.kind == "word":
        low = tok.text.lower()
        joined = j > 0 and tokens[j - 1].text == "/"
        return len(low) > 1 and low not in STOPWORDS and (tok.spaced or joined)
    if tok.kind == "op" and tok.text == "/":  # "pounds/book"
        return _kind_at(tokens, j + 1) == "word" and j > 0 and tokens[j - 1].kind == "word"
    return False


def _as(tok: Token, kind: str, text: str) -> Token:
    return Token(kind, text, tok.start, tok.end, tok.spaced)
