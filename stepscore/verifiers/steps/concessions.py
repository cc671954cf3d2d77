"""Steps that say the problem cannot be right as they read it.

A benchmark problem is well posed. A step that blames it ("there seems to be a
misunderstanding in the question", "the question might be asking for the total cost
instead"), or that reaches a negative count and says it cannot be ("50 - 100 = -50
candies; it's not possible to have a negative number of candies"), has lost the problem
at that step: the checker refutes it (`stepscore.verifiers.steps.check`;
``CheckConfig(concessions=False)`` turns this off).

The phrases are narrow on purpose:
- a step that doubts its own work ("we must have made a mistake") is a self-correction,
  which a process reward should not punish;
- "which is a contradiction" in a proof, "a polynomial can't have a negative degree" and
  "we can't have a negative number of cats" used as a bound are sound reasoning (the
  count is read only after a negative value the step wrote);
- feedback on a draft is not read here at all.
On the ProcessBench gsm8k and math splits these phrases fall at or after the labelled
first error and never in a correct solution; they occur in none of the 2,729 model
solutions with a right final answer in the shared data (GSM8K model solutions, MATH
best-of-8).

>>> find_concession("There seems to be a mistake in the problem statement.").kind
'problem'
>>> find_concession("So 50 - 100 = -50. You can't have a negative number of candies.").kind
'impossible count'
>>> find_concession("Assume x < 0; that is a contradiction, so x >= 0.") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["Concession", "find_concession"]

ConcessionKind = Literal["problem", "impossible count"]

# What a step may blame: the problem itself, not its own work or a draft
_PROBLEM = (
    r"(?:the\s++)?(?:problem|question|given\s++(?:information|data|values|numbers)"
    r"|(?:problem\s++)?statement|wording)\b"
)
_BLAMES = re.compile(
    # "a mistake in the problem", "some confusion in the question as posed"
    r"\b(?:mistake|error|typo|misprint|inconsistenc(?:y|ies)|discrepanc(?:y|ies)"
    r"|misunderstanding|confusion)\b[^.]{0,40}?\b(?:in|with|of)\s++"
    + _PROBLEM
    # "the problem statement is flawed", "the question may be wrong"
    + r"|\b(?:problem|question)(?:\s++statement)?\s++(?:is|seems|appears\s++to\s++be"
    r"|(?:might|may|must|could)\s++be)\s++(?:(?!not\b)\w++\s++)?(?:incorrect|wrong|flawed|inconsistent"
    r"|misleading|contradictory|impossible|mistaken)\b"
    # "the question might be asking for the total cost instead"
    r"|\b(?:problem|question)\s++(?:might|may|must|could)\s++(?:actually\s++)?be\s++asking\b"
    r"[^.]{0,80}?\binstead\b",
    re.IGNORECASE,
)
_IMPOSSIBLE_COUNT = re.compile(
    r"\b(?:(?:not|n't|never)\s++(?:be\s++)?possible\s++to|can(?:not|'t)|could(?:\s++not|n't))"
    r"\s++have\s++(?:a\s++)?negative\s++(?:number|amount|count|quantity)\b",
    re.IGNORECASE,
)
# the negative value the step reached: "50 - 100 = -50 candies", "= \\$-24"
_NEGATIVE_RESULT = re.compile(r"=\s*+(?:\\?\$|\\[(\[]|\{)*+\s*+[-−]\s*+\d")


@dataclass(frozen=True, slots=True)
class Concession:
    """Where a step says the problem, or the count it reached, cannot be right."""

    span: tuple[int, int]
    text: str
    kind: ConcessionKind

    @property
    def reason(self) -> str:
        if self.kind == "problem":
            return f'it blames the problem ("{self.text}"): the problem is misread'
        return f'it reaches a count that cannot be ("{self.text}")'


# "there is no mistake in the problem", "is there an error in the question?"
_NEGATION = re.compile(
    r"\b(?:no|not|without|never|nothing|isn't|aren't)\b[^.!?]{0,20}\Z", re.IGNORECASE
)
_ASKED = re.compile(r"[^.!?]{0,200}+\?")  # (bounded: many blames in one long sentence)


def _denied(text: str, m: re.Match[str]) -> bool:
    """Whether the blame is denied or asked, not made."""
    before = text[max(0, m.start() - 40) : m.start()]
    return _NEGATION.search(before) is not None or _ASKED.match(text, m.end()) is not None


# words one of the patterns needs, found first as plain substrings (cheap: most steps hold
# none, and the patterns above are slow to scan for)
_BLAME_WORDS = (
    "mistake", "error", "typo", "misprint", "inconsisten", "discrepanc", "misunderstand",
    "confusion", "incorrect", "wrong", "flawed", "misleading", "contradictory",
    "impossible", "mistaken", "asking",
)  # fmt: skip


def find_concession(text: str) -> Concession | None:
    """The first place ``text`` blames the problem or reaches an impossible count."""
    low = text.lower()
    count = _IMPOSSIBLE_COUNT.search(text) if "negative" in low else None
    if count and not _NEGATIVE_RESULT.search(text, 0, count.start()):
        count = None  # "we can't have a negative number of cats" as a bound is sound
    blames = None
    if any(word in low for word in _BLAME_WORDS):
        blames = next((m for m in _BLAMES.finditer(text) if not _denied(text, m)), None)
    found = [m for m in (blames, count) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    kind: ConcessionKind = "problem" if first.re is _BLAMES else "impossible count"
    return Concession(first.span(), first.group(0), kind)
