"""Facts of the calendar, of coins and of measures that a step states as facts.

Word problems lean on facts they do not state: a week has 7 days, March 31, a nickel is
5 cents, "quarterly" is 4 times a year. A step that states one wrongly has its own
error, whatever it computes after. `find_facts` reads such facts only in the frames
that state them ("There are 30 days in March", "a week has 7 days", "1 foot = 12
inches", "quarterly, which means three times a year", "nickels are worth $0.10 each",
"half a dozen plates means 6/2 = 3", "From January 1st to July 18th, there are 203
days"), never a count of something done ("she works 20 days in March", "5 days a
week"). A fact the problem restates in its own terms ("a month of 30 days") is the
problem's convention and is not read.

>>> [f.status for f in find_facts("There are 30 days in March, so 30 * 3 = 90 posts.")]
['refuted']
>>> [f.status for f in find_facts("Since 1 hour = 60 minutes, she reads 2 * 60 = 120 pages.")]
['verified']
>>> find_facts("She works 20 days in March.")
[]
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from stepscore.verifiers.steps.counts import NUMBER_WORDS
from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_facts"]

_WORDS = {"one": 1, **NUMBER_WORDS, "once": 1, "twice": 2, "thrice": 3}
_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d{1,6}|" + "|".join(_WORDS) + r")(?![\d.,]\d)"

# (unit, per): the values a "unit per per" conversion may take
_CONVERSIONS: dict[tuple[str, str], frozenset[int]] = {
    ("second", "minute"): frozenset({60}),
    ("second", "hour"): frozenset({3600}),
    ("minute", "hour"): frozenset({60}),
    ("minute", "day"): frozenset({1440}),
    ("hour", "day"): frozenset({24}),
    ("hour", "week"): frozenset({168}),
    ("day", "week"): frozenset({7}),
    ("day", "year"): frozenset({365, 366}),
    ("week", "year"): frozenset({52}),
    ("month", "year"): frozenset({12}),
    ("year", "decade"): frozenset({10}),
    ("year", "century"): frozenset({100}),
    ("inch", "foot"): frozenset({12}),
    ("inch", "yard"): frozenset({36}),
    ("foot", "yard"): frozenset({3}),
    ("foot", "mile"): frozenset({5280}),
    ("ounce", "pound"): frozenset({16}),
    ("cup", "pint"): frozenset({2}),
    ("pint", "quart"): frozenset({2}),
    ("quart", "gallon"): frozenset({4}),
    ("cup", "gallon"): frozenset({16}),
    ("cent", "dollar"): frozenset({100}),
    ("millimeter", "centimeter"): frozenset({10}),
    ("centimeter", "meter"): frozenset({100}),
    ("meter", "kilometer"): frozenset({1000}),
    ("gram", "kilogram"): frozenset({1000}),
    ("milliliter", "liter"): frozenset({1000}),
}
_PLURALS = {"foot": "feet", "inch": "inches", "century": "centuries"}
_SINGULAR = {_PLURALS.get(u, u + "s"): u for pair in _CONVERSIONS for u in pair} | {
    u: u for pair in _CONVERSIONS for u in pair
}
_UNIT = "(?P<unit>" + "|".join(sorted(_SINGULAR, key=len, reverse=True)) + ")"
_PER = "(?P<per>" + "|".join(sorted({p for _, p in _CONVERSIONS}, key=len, reverse=True)) + ")"
_ONE = r"(?:a|an|one|each|every)"
# what says the number counts something done, not the measure: "5 days of school"
_NOT_A_MEASURE = r"(?!\s+(?:of|off|at|on|for|that|which|when|where|to|with|during|she|he|they)\b)"
_CONVERSION = tuple(
    re.compile(frame + _NOT_A_MEASURE, re.IGNORECASE)
    for frame in (
        rf"\bthere\s+(?:are|is)\s+{_NUM}\s+{_UNIT}\s+(?:in|per)\s+{_ONE}\s+{_PER}\b",
        rf"\b(?:a|an|one)\s+{_PER}\s+(?:has|contains)\s+{_NUM}\s+{_UNIT}\b",
        rf"(?<![\d.,])1\s+{_PER}\s+(?:=|is|equals)\s+{_NUM}\s+{_UNIT}\b",
    )
)

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_DAYS = dict(zip(_MONTHS, (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), strict=True))
_MONTH = "(?P<month>" + "|".join(m.capitalize() for m in _MONTHS) + ")"
_MONTH_DAYS = (
    re.compile(rf"\b(?i:there\s+(?:are|is))\s+{_NUM}\s+days\s+in\s+{_MONTH}\b"),
    re.compile(rf"\b{_MONTH}\s+(?:has|contains|only\s+has)\s+{_NUM}\s+days\b"),
)
# how many times a year a schedule word means
_SCHEDULES = {"quarterly": 4, "monthly": 12, "annually": 1, "yearly": 1, "semiannually": 2}
_SCHEDULE = re.compile(
    r"\b(?P<word>quarterly|monthly|annually|yearly|semi-?annually)\b[,\s]*"
    r"(?:which\s+)?(?:means|is|=|or)\s+" + _NUM + r"\s+times\s+(?:a|per|in\s+a|each)\s+year\b",
    re.IGNORECASE,
)
_CENTS = {"penny": 1, "pennies": 1, "nickel": 5, "nickels": 5, "dime": 10, "dimes": 10}
_WORTH = r"(?:\$\s*(?P<dollars>0?\.\d\d)(?!\d)|(?P<cents>\d{1,2})\s*(?:cents?\b|¢))"
_COIN = (
    re.compile(
        rf"\b(?:a|one|each)\s+(?P<coin>penny|nickel|dime)\s+(?:is\s+worth|is|=|equals)\s+{_WORTH}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<coin>pennies|nickels|dimes)\s+are\s+worth\s+{_WORTH}(?:\s*\([^()]{{0,20}}\))?\s+each\b",
        re.IGNORECASE,
    ),
)
_DOZEN = re.compile(
    r"\b(?P<half>half\s+)?(?(half)a\s+|(?:a|one)\s+)dozen\b(?:\s+[a-z]+)?\s+(?:means|is|equals|=)"
    r"\s+(?:\d+\s*[/*×x]\s*\d+\s*=\s*)?(?P<n>\d+)(?![\d.]|\s*[/*×x+\-])",
    re.IGNORECASE,
)
_DATE_SPAN = re.compile(
    rf"\b(?i:from)\s+{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:to|through|until)\s+"
    rf"(?P<month2>{'|'.join(m.capitalize() for m in _MONTHS)})\s+(?P<d2>\d{{1,2}})"
    r"(?:st|nd|rd|th)?,?\s+(?i:there\s+are|is|are|that's|which\s+is)\s+(?P<n>\d{1,3})\s+days\b"
)


def find_facts(text: str, problem: str = "") -> list[DecidedLink]:
    """The facts ``text`` states (see the module docstring), each verified or refuted;
    ``problem``: the problem's text, whose own conventions are not read as facts."""
    lower = text.lower()  # (cheap tests first: most steps state no fact at all)
    months = any(m.capitalize() in text for m in _MONTHS)
    out = [
        *_conversions(text, lower, problem),
        *(_month_days(text, problem) if months else ()),
        *(
            _schedules(text)
            if any(w in lower for w in ("quarterly", "monthly", "annually", "yearly"))
            else ()
        ),
        *(_coins(text) if any(w in lower for w in ("penn", "nickel", "dime")) else ()),
        *(_dozens(text) if "dozen" in lower else ()),
        *(_date_spans(text) if months and "from" in lower else ()),
    ]
    return sorted(out, key=lambda link: link.start)


def _number(word: str) -> int:
    word = word.lower().replace(",", "")
    return _WORDS[word] if word in _WORDS else int(word)


def _conventional(problem: str, n: int, unit: str) -> bool:
    """Whether the problem writes this number with this unit, in either number ("a
    30-day month", "5 days a week"): its own convention."""
    singular = _SINGULAR.get(unit.lower(), unit.lower())
    forms = f"{re.escape(singular)}|{re.escape(_PLURALS.get(singular, singular + 's'))}"
    return re.search(rf"(?<![\d.,]){n}\s*-?\s*(?:{forms})", problem, re.IGNORECASE) is not None


def _decided(m: re.Match[str], what: str, stated: int, allowed: Iterable[int]) -> DecidedLink:
    allowed = sorted(allowed)
    if stated in allowed:
        return DecidedLink(m.start(), m.end(), what, str(stated), "verified", "a known fact")
    truth = " or ".join(map(str, allowed))
    why = f"{what} is {truth}, not {stated}"
    return DecidedLink(m.start(), m.end(), what, str(stated), "refuted", why)


def _conversions(text: str, lower: str, problem: str) -> list[DecidedLink]:
    cues = (
        "there" in lower,
        " has " in lower or " contains " in lower,
        "1 " in text and ("=" in text or " is " in lower or "equals" in lower),
    )
    out = []
    for m in (
        m for cue, frame in zip(cues, _CONVERSION, strict=True) if cue for m in frame.finditer(text)
    ):
        n = m["n"]
        unit, per = _SINGULAR[m["unit"].lower()], m["per"].lower()
        allowed = _CONVERSIONS.get((unit, per))
        if allowed is None or _conventional(problem, _number(n), m["unit"]):
            continue
        article = "an" if per == "hour" else "a"
        what = f"{_PLURALS.get(unit, unit + 's')} in {article} {per}"
        out.append(_decided(m, what, _number(n), allowed))
    return out


def _month_days(text: str, problem: str) -> list[DecidedLink]:
    out = []
    for m in (m for frame in _MONTH_DAYS for m in frame.finditer(text)):
        month, n = m["month"].lower(), _number(m["n"])
        if _conventional(problem, n, "days"):
            continue
        allowed = {28, 29} if month == "february" else {_DAYS[month]}
        out.append(_decided(m, f"days in {month.capitalize()}", n, allowed))
    return out


def _schedules(text: str) -> list[DecidedLink]:
    out = []
    for m in _SCHEDULE.finditer(text):
        word = m["word"].lower().replace("-", "")
        out.append(_decided(m, f"{word} (times a year)", _number(m["n"]), {_SCHEDULES[word]}))
    return out


def _coins(text: str) -> list[DecidedLink]:
    out = []
    for m in (m for frame in _COIN for m in frame.finditer(text)):
        coin = m["coin"].lower()
        stated = round(float(m["dollars"]) * 100) if m["dollars"] else int(m["cents"])
        out.append(
            _decided(
                m,
                f"a {coin.rstrip('s').replace('pennie', 'penny')} (cents)",
                stated,
                {_CENTS[coin]},
            )
        )
    return out


def _dozens(text: str) -> list[DecidedLink]:
    out = []
    for m in _DOZEN.finditer(text):
        half = m["half"] is not None
        out.append(
            _decided(m, "half a dozen" if half else "a dozen", int(m["n"]), {6 if half else 12})
        )
    return out


def _date_spans(text: str) -> list[DecidedLink]:
    out = []
    for m in _DATE_SPAN.finditer(text):
        first, last = _MONTHS.index(m["month"].lower()) + 1, _MONTHS.index(m["month2"].lower()) + 1
        try:
            start = datetime.date(2023, first, int(m["d1"]))
            end = datetime.date(
                2023 if (last, int(m["d2"])) >= (first, int(m["d1"])) else 2024, last, int(m["d2"])
            )
        except ValueError:  # "February 30th": not a date
            continue
        days = (end - start).days  # counted either end in or out, in a leap year or not
        out.append(
            _decided(
                m,
                f"days from {m['month']} {m['d1']} to {m['month2']} {m['d2']}",
                int(m["n"]),
                range(days, days + 3),
            )
        )
    return out
