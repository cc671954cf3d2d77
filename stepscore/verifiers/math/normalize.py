"""Normalization of a bare math answer: one canonical LaTeX-ish spelling per meaning.

Models and datasets write the same answer many ways: ``\\dfrac12``, ``\\frac{1}{2}``,
``\\left( \\tfrac12 \\right)``, ``$\\boxed{0.5}$.``, ``50\\%``. `normalize_answer`
removes what never carries meaning (math delimiters, ``\\left``/``\\right``, spacing
commands, ``\\displaystyle``, text and font wrappers, currency, units, degree marks) and
spells the rest one way (``\\frac{1}{2}``, ``\\le``, ``\\infty``, ``\\{``...). It does not
decide what the answer is: ``1,000`` stays ``1,000`` (a number or a pair, decided against
the other answer by the comparison), and ``x = 3`` stays an equation.

Choices made here, so the comparison never has to guess:

- Spaces are dropped except between two letters (``\\pi r``, ``no solution``) and after
  a comma, so ``1, 234`` (two numbers) stays apart from ``1,234`` (one). Digits split by
  spaces or thin spaces are one number (``1\\,000`` and ``1 000`` are ``1000``), except
  a mixed number ``3 1/2``, which becomes ``3\\frac{1}{2}``.
- ``\\text{and}``, `` and ``, `` or `` between answers become commas: ``2 \\text{ and } 3``
  lists two answers like ``2, 3``.
- Units (``units="strip"``): a ``\\text{...}`` after a math head, and trailing unit words
  from a fixed vocabulary (``18 dollars``, ``5 cm^2``), are dropped; a time of day's
  ``a.m.``/``p.m.`` is kept, since ``4:30 a.m.`` is not ``4:30 p.m.``.
- A number in a base (``1011_2``, ``1011_{(2)}``) becomes its digits, ``1011``: a
  model asked for base 2 that answers ``11`` is wrong, so values are never converted.
- A multi-digit exponent or subscript is one number, as latex2sympy reads it:
  ``2^10`` is ``2^{10}``, and ``\\log_2 8`` stays ``\\log_{2}8``.
- Degrees: ``30^\\circ`` becomes ``30``; inside a trigonometric function it becomes
  ``\\frac{30\\pi}{180}``, so ``\\cos 30^\\circ`` keeps its value.

The work is linear in the input (each pass is a regex without nested quantifiers or a
single scan), so a hostile megabyte costs milliseconds; callers cap the length anyway.

>>> normalize_answer("$\\\\dfrac12$.")
'\\\\frac{1}{2}'
>>> normalize_answer("\\\\left( 3, \\\\tfrac{1}{2} \\\\right)")
'(3, \\\\frac{1}{2})'
>>> normalize_answer("\\\\$1,\\\\!000 \\\\text{ dollars}")
'1,000'
"""

from __future__ import annotations

import functools
import re
import unicodedata

from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.wellformed import brace_pairs

__all__ = ["normalize_answer", "number_bases"]

_DEFAULT = MathConfig()
_PLAIN_NUMBER = re.compile(r"\s*-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?\s*")
_CACHE_CHARS = 512  # answers up to this long are memoized (golds repeat across samples)
_MAX_UNWRAP = 8

_UNICODE = str.maketrans(
    {
        "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "\\times ", "\u22c5": "\\cdot ",
        "\u00b7": "\\cdot ", "\u00f7": "\\div ", "\u03c0": "\\pi ", "\u221e": "\\infty ",
        "\u221a": "\\sqrt", "\u2264": "\\le ", "\u2265": "\\ge ", "\u2260": "\\ne ",
        "\u00b1": "\\pm ", "\u2213": "\\mp ", "\u00b0": "^\\circ ", "\u222a": "\\cup ",
        "\u2229": "\\cap ", "\u2208": "\\in ", "\u2044": "/", "\u2215": "/", "\u2009": " ",
        "\u00a0": " ", "\u202f": " ", "\u2018": "'", "\u2019": "'", "\u201c": '"',
        "\u201d": '"', "\u2205": "\\emptyset ", "\u27e8": "\\langle ", "\u27e9": "\\rangle ",
    }
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_WRAPPERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"), ("**", "**"))
_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_ALIASES = {
    "dfrac": "\\frac", "tfrac": "\\frac", "cfrac": "\\frac", "dbinom": "\\binom",
    "tbinom": "\\binom", "leq": "\\le", "leqslant": "\\le", "geq": "\\ge",
    "geqslant": "\\ge", "neq": "\\ne", "lt": "<", "gt": ">", "lbrace": "\\{",
    "rbrace": "\\}", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "colon": ":",
    "varnothing": "\\emptyset", "infin": "\\infty", "infinity": "\\infty",
    "inf": "\\infty", "ldots": "\\dots", "cdots": "\\dots", "dots": "\\dots",
    "centerdot": "\\cdot", "ast": "*", "div": "\\div", "rm": "", "displaystyle": "",
    "textstyle": "", "scriptstyle": "", "limits": "", "nolimits": "", "!": "",
    ",": " ", ";": " ", ":": " ", ">": " ", " ": " ", "quad": " ", "qquad": " ",
    "enspace": " ", "thinspace": " ", "medspace": " ", "thickspace": " ", "%": "%",
    "$": "", "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "",
    "bigl": "", "bigr": "", "Bigl": "", "Bigr": "", "biggl": "", "biggr": "",
    "Biggl": "", "Biggr": "", "degree": "^\\circ", "dag": "",
}  # fmt: skip
_ALIAS = re.compile(r"\\\\|\\([A-Za-z]+|[!,;:> %$])(?![A-Za-z])")
_INVISIBLE_DELIMITER = re.compile(r"\\(?:left|right)\s*\.")
_HSPACE = re.compile(r"\\[hv]space\*?\{[^{}]*\}")
_THOUSANDS_BRACE = re.compile(r"\{,\}")
_REALS = re.compile(r"\\mathbb\s*\{?\s*R\s*\}?|(?i:\ball\s+real\s+numbers\b)")
_DEGREE = re.compile(r"\^\s*\{?\s*\\circ\s*\}?|\\circ(?![A-Za-z])")
_DEGREE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*\^\s*\{?\s*\\circ\s*\}?")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)(?![A-Za-z])")
_TEXT_COMMAND = re.compile(
    r"\\(?:text|textbf|textit|textrm|textsf|texttt|textnormal|textup|mbox|mathrm|mathbf"
    r"|mathit|mathsf|mathtt|mathnormal|emph|boldsymbol|bm|operatorname\*?)\s*\{"
)
_CONNECTIVE_TEXT = re.compile(r",?\s*\\(?:text|mbox|textrm)\s*\{\s*,?\s*(?:and|or)\s*\}\s*,?")
_CONNECTIVE_WORD = re.compile(r"(?<=[\w})\]])\s*,?\s+(?:and|or)\s+(?=[-+\w\\({\[$])")
_DOUBLE_COMMA = re.compile(r",\s*,")
_PERCENT_WORD = re.compile(r"\s*(?:percent|per\s*cent|pct)\.?$", re.IGNORECASE)
_INFINITY_WORD = re.compile(r"(?<![A-Za-z\\])(?:infinity|oo)(?![A-Za-z])", re.IGNORECASE)
_PLUS_INFINITY = re.compile(r"(?<![\w})\]])\+\s*\\infty")
_CURRENCY_WORD = re.compile(r"^(?:us\s*)?(?:usd|rs\.?|inr|eur|gbp)\s*", re.IGNORECASE)
_CURRENCY_SIGN = re.compile(r"[€£¥₹]")
_STRAY_BACKSLASH = re.compile(r"(?<!\\)\\(?=\d)")  # "\15" (a "\$15" cut short) is 15
_BRACE_COMMAND = re.compile(r"\\(frac|binom|sqrt)(?![A-Za-z])")
_ARG_TOKEN = re.compile(r"\s*(\\[A-Za-z]+|[^\s{}\\])")
_MIXED_SPACE = re.compile(r"(?<![\d.,/])(\d+)\s+(\d+)\s*/\s*(\d+)(?![\d.])")
_SCRIPT_DIGITS = re.compile(r"([_^])\s*(\d+)")
_BASE_SUBSCRIPT = re.compile(
    r"(?<![\w\\.])(\d[0-9A-Z]*|[A-Z][0-9A-Z]*\d[0-9A-Z]*)_\{\(?(\d{1,2})\)?\}(?![\w{])"
)
_SPACE_RUN = re.compile(r"\s+")
_DROP_SPACE = re.compile(r"(?<![A-Za-z,]) |(?<=[A-Za-z]) (?![A-Za-z])")
_TRAILING = re.compile(r"[\s.;,:?]+$")
_LEADING = re.compile(r"^(?:[\s:=]|\\approx|\\sim)+(?=\S)")

_UNIT_WORDS = frozenset(
    {
        "cm", "mm", "km", "m", "nm", "meter", "meters", "metre", "metres", "centimeter",
        "centimeters", "millimeter", "millimeters", "kilometer", "kilometers", "inch", "inches",
        "ft", "foot", "feet", "yard", "yards", "yd", "mile", "miles", "mph", "kph", "kmh", "sq",
        "square", "cubic", "unit", "units", "g", "gram", "grams", "kg", "kilogram", "kilograms",
        "mg", "lb", "lbs", "pound", "pounds", "ounce", "ounces", "oz", "ton", "tons", "l",
        "liter", "liters", "litre", "litres", "ml", "gallon", "gallons", "gal", "quart",
        "quarts", "pint", "pints", "cup", "cups", "s", "sec", "secs", "second", "seconds",
        "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day", "days",
        "week", "weeks", "month", "months", "year", "years", "yr", "yrs", "dollar", "dollars",
        "cent", "cents", "usd", "euro", "euros", "degree", "degrees", "deg", "radian",
        "radians", "rad", "point", "points", "per"
    }
)  # fmt: skip
_UNIT_TAIL = re.compile(r"(?:\s+[A-Za-z]+(?:\^\{?\d\}?)?\.?)+$")
_UNIT_TEXT = re.compile(r"[A-Za-z][A-Za-z .'/-]*(?:\^\{?\d\}?)?")
_TIME_MARKER = frozenset({"am", "pm"})
_ONE_LETTER_UNITS = frozenset("mgslLhKNJWV")


def normalize_answer(text: str, config: MathConfig = _DEFAULT) -> str:
    """The canonical spelling of a bare answer (see the module docstring).

    Never raises on odd input: control characters are dropped, Unicode math symbols
    become their LaTeX commands, and unbalanced braces pass through (the comparison
    reports them with `stepscore.verifiers.math.wellformed.malformed_reason`).

    >>> normalize_answer("x \\\\in [-2, 7]")
    'x\\\\in[-2, 7]'
    >>> normalize_answer("12\\\\text{ square units}"), normalize_answer("9\\\\text{ a.m.}")
    ('12', '9a.m')
    """
    if not isinstance(text, str):
        raise TypeError(f"an answer must be a str, not {type(text).__name__}")
    if _PLAIN_NUMBER.fullmatch(text):
        return text.strip()  # most answers: nothing to do
    if len(text) <= _CACHE_CHARS:
        return _normalize_cached(text, config.units == "strip")
    return _normalize(text, strip_units=config.units == "strip")


@functools.lru_cache(maxsize=8192)
def _normalize_cached(text: str, strip_units: bool) -> str:
    return _normalize(text, strip_units=strip_units)


def _normalize(text: str, *, strip_units: bool) -> str:
    s = _clean_characters(text)
    s = _unwrap(s)
    s = _spell_commands(s)
    s = _degrees(s)
    s = _text_groups(s, strip_units=strip_units)
    s = _words(s, strip_units=strip_units)
    s = _brace_arguments(s)
    s = _SCRIPT_DIGITS.sub(r"\1{\2}", s)
    s = _BASE_SUBSCRIPT.sub(_base_number, s)
    s = _MIXED_SPACE.sub(_mixed_number, s)
    s = _SPACE_RUN.sub(" ", s).strip()
    s = _DROP_SPACE.sub("", s)
    s = _TRAILING.sub("", _LEADING.sub("", s))
    return _unwrap(s)


# --- passes -----------------------------------------------------------------------------


def _clean_characters(text: str) -> str:
    """Drop control characters, fold compatibility forms, spell Unicode math in LaTeX."""
    s = _CONTROL.sub("", text)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s.translate(_UNICODE)).translate(_UNICODE)
        s = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in s)
    return s.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _unwrap(s: str) -> str:
    """Strip math delimiters, a whole-answer ``\\boxed{}``, and a trailing period."""
    for _ in range(_MAX_UNWRAP):
        s = s.strip()
        if s.endswith(".") and not s.endswith("\\."):
            s = s[:-1]
            continue
        box = _BOX.match(s)
        if box and brace_pairs(s).get(box.end() - 1) == len(s) - 1:
            s = s[box.end() : -1]
            continue
        for opener, closer in _WRAPPERS:
            inner = s[len(opener) : len(s) - len(closer)]
            if (
                len(s) >= len(opener) + len(closer)
                and s.startswith(opener)
                and s.endswith(closer)
                and closer not in inner
            ):
                s = inner
                break
        else:
            return s
    return s


def _spell_commands(s: str) -> str:
    """One spelling per command; spacing, sizing and style commands removed."""
    s = _INVISIBLE_DELIMITER.sub("", s)
    s = _HSPACE.sub(" ", s)
    s = _ALIAS.sub(_alias, s)
    s = _THOUSANDS_BRACE.sub(",", s)
    s = s.replace("\\{\\}", "\\emptyset").replace("~", " ")
    s = _REALS.sub(r"(-\\infty,\\infty)", s)
    s = _CURRENCY_SIGN.sub("", s.replace("$", ""))
    s = _STRAY_BACKSLASH.sub("", s)
    s = _INFINITY_WORD.sub(r"\\infty", s)
    return _PLUS_INFINITY.sub(r"\\infty", s)


def _alias(m: re.Match[str]) -> str:
    name = m[1]
    if name is None:
        return m[0]  # a row break, "\\\\"
    if name in _ALIASES:
        return _ALIASES[name]
    return m[0]


def _degrees(s: str) -> str:
    """``30^\\circ`` -> ``30``; inside a trig function, ``\\frac{30\\pi}{180}``."""
    if "\\circ" not in s:
        return s
    if _TRIG.search(s):
        s = _DEGREE_NUMBER.sub(r"\\frac{\1\\pi}{180}", s)
    return _DEGREE.sub("", s)


def _text_groups(s: str, *, strip_units: bool) -> str:
    """Trailing unit text dropped; connectives made commas; other text unwrapped."""
    s = _CONNECTIVE_TEXT.sub(", ", s)
    if strip_units:
        s = _strip_unit_text(s)
    if _TEXT_COMMAND.search(s) is None:
        return _DOUBLE_COMMA.sub(",", s)
    closes = brace_pairs(s)
    drop: set[int] = set()  # the command and braces of each wrapper, content kept
    for m in _TEXT_COMMAND.finditer(s):
        close = closes.get(m.end() - 1)
        if close is not None:
            drop.update(range(m.start(), m.end()))
            drop.add(close)
    kept = "".join(" " if i in drop else c for i, c in enumerate(s))
    return _DOUBLE_COMMA.sub(",", kept)


def _strip_unit_text(s: str) -> str:
    """Drop the last ``\\text{unit}`` (with ``^2``) when math comes before it."""
    for _ in range(3):
        m = _last_text_group(s)
        if m is None:
            return s
        start, content_start, end = m
        tail = s[end:]
        power = re.fullmatch(r"\s*(?:\^\s*\{?\s*\d\s*\}?)?\s*\.?\s*", tail)
        head = s[:start].rstrip()
        content = s[content_start : end - 1].strip()
        if power is None or not head or not _is_unit_text(content):
            return s
        if head[-1] in "+-*/=^_,(" or head.endswith(("\\cdot", "\\times")):
            return s
        s = head
    return s


def _last_text_group(s: str) -> tuple[int, int, int] | None:
    """``(command start, content start, end)`` of the last text wrapper, if it closes."""
    last = None
    for m in _TEXT_COMMAND.finditer(s):
        last = m
    if last is None:
        return None
    close = brace_pairs(s).get(last.end() - 1)
    return None if close is None else (last.start(), last.end(), close + 1)


def _is_unit_text(content: str) -> bool:
    if not _UNIT_TEXT.fullmatch(content):
        return False
    letters = re.sub(r"[^A-Za-z]", "", content)
    if len(letters) == 1:
        return letters in _ONE_LETTER_UNITS  # not \\mathrm{i} or \\mathrm{e}
    return letters.lower() not in _TIME_MARKER and letters.lower() not in ("and", "or")


def _words(s: str, *, strip_units: bool) -> str:
    """Connective words, percent and currency words, and trailing unit words."""
    s = _CONNECTIVE_WORD.sub(", ", s)
    s = _PERCENT_WORD.sub("%", s)
    s = _CURRENCY_WORD.sub("", s.strip())
    if not strip_units:
        return s
    tail = _UNIT_TAIL.search(s)
    if tail and tail.start() > 0 and (s[tail.start() - 1].isdigit() or s[tail.start() - 1] in "})"):
        words = re.findall(r"[A-Za-z]+", tail[0])
        if all(w.lower() in _UNIT_WORDS for w in words):
            s = s[: tail.start()]
    return s


def _brace_arguments(s: str) -> str:
    """``\\frac12`` -> ``\\frac{1}{2}``, ``\\sqrt2`` -> ``\\sqrt{2}``, ``\\frac\\pi4``..."""
    if "\\frac" not in s and "\\sqrt" not in s and "\\binom" not in s:
        return s
    closes = brace_pairs(s)
    wraps: list[tuple[int, int]] = []  # single-token arguments to put in braces
    for m in _BRACE_COMMAND.finditer(s):
        i = m.end()
        if m[1] == "sqrt":
            j = _skip_spaces(s, i)
            if s.startswith("[", j):
                close = s.find("]", j)
                i = j if close == -1 else close + 1
        for _ in range(1 if m[1] == "sqrt" else 2):
            j = _skip_spaces(s, i)
            if s.startswith("{", j):
                if j not in closes:
                    break
                i = closes[j] + 1
                continue
            token = _ARG_TOKEN.match(s, j)
            if token is None:
                break
            wraps.append((token.start(1), token.end(1)))
            i = token.end()
    out: list[str] = []
    pos = 0
    for start, end in sorted(wraps):
        if start >= pos:
            out.append(f"{s[pos:start]}{{{s[start:end]}}}")
            pos = end
    out.append(s[pos:])
    return "".join(out)


def _skip_spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] == " ":
        i += 1
    return i


_STATED_BASE = re.compile(r"(?<![\w\\.])[0-9A-Z]+_\{?\(?(\d{1,2})\)?\}?(?![\w])")


def number_bases(text: str) -> tuple[int, ...]:
    """The bases stated by subscripts (``1011_2``, ``2A_{16}``), in order.

    Normalization keeps only the digits, so the comparison asks this first: digits in
    base 2 and the same digits in base 3 are different numbers.

    >>> number_bases("1011_2"), number_bases("2A_{(16)}"), number_bases("x_1 + 3")
    ((2,), (16,), ())
    """
    return tuple(int(m[1]) for m in _STATED_BASE.finditer(text[:5000]))


def _base_number(m: re.Match[str]) -> str:
    """``1011_{2}`` -> ``1011``: the digits as written, when valid in that base."""
    digits, base = m[1], int(m[2])
    if 2 <= base <= 36 and all(int(c, 36) < base for c in digits):
        return digits
    return m[0]


def _mixed_number(m: re.Match[str]) -> str:
    whole, num, den = m[1], m[2], m[3]
    if int(num) >= int(den) or den == "0":
        return m[0]
    return f"{whole}\\frac{{{num}}}{{{den}}}"
