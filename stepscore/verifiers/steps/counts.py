"""A count stated with the list it counts: "7 choices for the exponent (0, 2, 4, 6)",
"There are 5 odd integers in this range (1, 3, 5, 7, 9)".

`find_counts` reads a number (digits or a number word up to twelve), at most three
describing words, a noun that counts (choices, ways, values, digits, ...), an optional
phrase that starts with "for", "in", "of", "from", "among" or "between", then a list of
at least two distinct integers in parentheses or after a colon, closed there. The count
stands when it is the length of the list and is refuted otherwise. A list that is
elided (``1, 2, \\ldots, 10``, "etc."), that gives examples ("such as", "e.g.",
"like", "including"), that holds anything but integers, or a phrase with a verb ("to
arrange the digits (1, 2, 3)") is not read.

>>> [c.status for c in find_counts("There are 4 choices for the digit (1, 3, 5, 7).")]
['verified']
>>> [c.status for c in find_counts("There are 7 choices for the exponent of 3 (0, 2, 4, 6).")]
['refuted']
>>> find_counts("There are 2 ways to arrange the digits (1, 2, 3).")
[]
"""

from __future__ import annotations

import re

from stepscore.verifiers.steps.recompute import DecidedLink

__all__ = ["NUMBER_WORDS", "find_counts"]

NUMBER_WORDS = {  # the counts written in words, two to twelve
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_NOUNS = (
    r"choices|ways|options|values|numbers|integers|digits|possibilities|outcomes|solutions"
    r"|divisors|factors|multiples|primes|elements|terms|cases|roots|candidates"
)
_ADJECTIVE = (  # "12 has six divisors": a verb or a second number is not a description
    r"(?!(?:for|in|of|from|among|between|to|such|like|including|has|have|had|is|are|was|were"
    r"|and|or"
    rf"|{'|'.join(NUMBER_WORDS)})\b)[a-z][a-z\-]*"
)
_PHRASE_WORD = r"(?!(?:to|such|like|including|e\.?g|namely|except|besides|than)\b)[a-z]+"
_ITEM = r"(?:\\\(\s*|\$)?-?\d{1,6}(?:\s*\\\)|\$)?"
_COUNT = re.compile(
    rf"(?<![\w.,/^{{])(?P<n>\d{{1,3}}|{'|'.join(NUMBER_WORDS)})\s+(?:{_ADJECTIVE}\s+){{0,3}}?"
    rf"(?:{_NOUNS})\b"
    rf"(?:\s+(?:for|in|of|from|among|between)(?:\s+(?:{_PHRASE_WORD}|\d{{1,4}}(?![\d,.]))){{1,7}})?"
    rf"\s*(?:\((?P<a>{_ITEM}(?:\s*,\s*(?:(?:and|or)\s+)?{_ITEM})+)\s*\)"
    rf"|:\s*(?P<b>{_ITEM}(?:\s*,\s*(?:(?:and|or)\s+)?{_ITEM})+)(?=\s*(?:\.(?!\d)|;|$)))",
    re.IGNORECASE,
)
# what every list `_COUNT` reads holds: two items with a comma between (a cheap test first)
_LISTED = re.compile(
    r"\d(?:\s*\\\)|\$)?\s*,\s*(?:(?:and|or)\s+)?(?:\\\(\s*|\$)?-?\d", re.IGNORECASE
)
_OBJECT = re.compile(r"\b(?:of|by|than|to|from|and|or)\s*\$?\s*\Z", re.IGNORECASE)
_ELIDED = re.compile(r"\\[lc]?dots|\.\.\.|…|\betc\b", re.IGNORECASE)


def find_counts(text: str) -> list[DecidedLink]:
    """The counts of ``text`` stated with their lists (see the module docstring)."""
    if _LISTED.search(text) is None:
        return []  # (no two numbers with a comma between: no list to count)
    out = []
    for m in _COUNT.finditer(text):
        if _OBJECT.search(text, max(0, m.start() - 12), m.start()):
            continue  # "the factors of 34 or multiples of 7 are: ...": 34 counts nothing
        listed = m["a"] if m["a"] is not None else m["b"]
        if _ELIDED.search(text, m.end(), m.end() + 12):
            continue
        items = re.findall(r"-?\d+", listed)
        if len(set(items)) != len(items):
            continue  # "(1, 1, 2)": a multiset, maybe counted otherwise
        n = int(m["n"]) if m["n"].isdigit() else NUMBER_WORDS[m["n"].lower()]
        if n == len(items):
            status, reason = "verified", "the list has that many items"
        else:
            status, reason = "refuted", f"the list has {len(items)} items, not {n}"
        out.append(DecidedLink(m.start(), m.end(), listed, m["n"], status, reason))
    return out
