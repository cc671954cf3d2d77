"""Durations between clock times: "from 8:00 AM until 11:00 PM is 15 hours", "sleeps from
10 p.m. to 6 a.m., which is 8 hours", "from 2:15 a.m. to 2:38 a.m., 23 minutes".

`find_durations` reads "from T1 to (until, till, through) T2" where both times carry
a.m./p.m. (or are noon or midnight), then, in the same sentence and within a few words,
the duration the step gives it: "is", "which is", "=", "a total of", "that's", a colon
or a comma, then a number of hours and/or minutes (a computation written there, as in
``is \\(11 + 8 = 19\\) hours``, is read at its last number). A range that ends at or
before its start runs past midnight (10 p.m. to 6 a.m. is 8 hours). The duration stands
when it is the one between the times, and is refuted otherwise; times without a.m. or
p.m. ("from 9 to 5") and durations with a unit the step does not spell out are not read.

>>> [c.status for c in find_durations("from 8:00 AM until 11:00 PM is \\\\(11 + 8 = 19\\\\) hours")]
['refuted']
>>> [c.status for c in find_durations("Kim sleeps from 10 p.m. to 6 a.m., which is 8 hours.")]
['verified']
>>> find_durations("He works from 9 to 5, which is 8 hours.")
[]
"""

from __future__ import annotations

import re
from fractions import Fraction

from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["find_durations"]

_TIME = (
    r"(?:(?P<{0}h>\d{{1,2}})(?::(?P<{0}m>\d{{2}}))?\s*(?P<{0}p>[ap])\.?\s?m\b\.?"
    r"|(?P<{0}w>noon|midnight))"
)
_RANGE = re.compile(
    rf"\bfrom\s+{_TIME.format('a')}\s*(?:to|until|till|through|and|-|–)\s+{_TIME.format('b')}",
    re.IGNORECASE,
)
# the duration given to the range: a linking word, then (maybe a computation and) a value
_LINK = re.compile(
    r"[,:]?\s*(?:which\s+is|that\s+is|that's|is|was|are|=|equals|makes|gives|for|"
    r"a\s+total\s+of|in\s+total|,|:)\s*",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"(?P<body>[^.;!?a-zA-Z]{0,40}?)(?P<n>\d+(?:\.\d+)?)\s*\\?\)?\s*(?P<unit>hours?|hrs?|minutes?|mins?)\b"
    r"(?:\s*(?:and\s*)?(?P<m>\d{1,2})\s*(?:minutes?|mins?)\b)?",
    re.IGNORECASE,
)


def find_durations(text: str) -> list[DecidedLink]:
    """The durations ``text`` gives between two clock times, decided."""
    if "from" not in text and "From" not in text:
        return []
    out = []
    for m in _RANGE.finditer(text):
        start, end = _minutes(m, "a"), _minutes(m, "b")
        if start is None or end is None:
            continue
        span = (end - start) % (24 * 60) or 24 * 60
        link = _LINK.match(text, m.end())
        if link is None:
            continue
        value = _VALUE.match(text, link.end())
        if value is None:
            continue
        claimed = _claimed(value)
        if claimed is None:
            continue
        if claimed == span:
            status, reason = "verified", "the clock times are that far apart"
        else:
            status, reason = "refuted", f"{m[0]} is {_spoken(span)}, not {_spoken(claimed)}"
        written = text[value.start("n") : value.end()]
        out.append(DecidedLink(m.start(), value.end(), m[0], written, status, reason))
    return out


def _minutes(m: re.Match[str], side: str) -> int | None:
    """Minutes after midnight of one time of the range."""
    word = m[f"{side}w"]
    if word:
        return 12 * 60 if word.lower() == "noon" else 0
    hour, minute = int(m[f"{side}h"]), int(m[f"{side}m"] or 0)
    if not 1 <= hour <= 12 or minute >= 60:
        return None
    pm = m[f"{side}p"].lower() == "p"
    return ((hour % 12) + (12 if pm else 0)) * 60 + minute


def _claimed(value: re.Match[str]) -> Fraction | None:
    """The duration written, in minutes."""
    number = Fraction(value["n"])
    if value["unit"].lower().startswith("h"):
        number *= 60
        if value["m"]:
            number += int(value["m"])
    elif value["m"]:
        return None  # "30 minutes and 15 minutes": not one duration
    return number


def _spoken(minutes: Fraction | int) -> str:
    hours, rest = divmod(Fraction(minutes), 60)
    if rest == 0:
        return f"{hours} hours"
    if hours == 0:
        return f"{rest} minutes"
    return f"{hours} hours {rest} minutes"
