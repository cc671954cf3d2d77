"""Finding the arithmetic claims a chain-of-thought step makes.

A claim is one link ``left = right`` of an arithmetic chain (``a = b = c`` makes two),
where ``left`` is a computation (``3 + 4``, ``\\frac{3}{4} \\cdot 8``, ``20% of 50``) and
both sides are free of unknowns. The finder reads tokens (`stepscore.verifiers.steps.
tokens`) into maximal arithmetic runs, splits each at its equals signs, and keeps a link
only when it is sure where each side begins and ends. The bias is against false alarms:

- a side that touches a variable, a function or an operator word (``x + 3``, ``f(2)``,
  ``half of 10 + 2``, ``= 5 thousand``) is not a claim;
- a left side that is a bare number (``3 apples = 3 * $2``, ``2 hours = 120 minutes``)
  labels what follows, it does not compute it, so it is not a claim either;
- hyphens that read as ranges, dates or phone numbers (``3-5``, ``2023-01-15``,
  ``555-1234``), times and ratios (``3:45``, ``2:3``), mixed numbers (``3 1/2``),
  scale words (``2 million``) and sums of unlike units (``1 hour + 30 minutes``) make a
  side unreadable, so the link is skipped.

>>> [(c.expression, c.asserted) for c in find_claims("So \\\\(1/3 \\\\times 18 = 6\\\\) left.")]
[('1/3 \\\\times 18', '6')]
>>> find_claims("x + 3 = 7, and 3-5 apples = 4")
[]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stepscore.verifiers.steps.tokens import (
    ARITHMETIC_KINDS,
    DIVISION_OPS,
    STOPWORDS,
    Token,
    digits,
    tokenize,
)
from stepscore.verifiers.steps.vocabulary import (
    LEFT_OPWORDS,
    RELATION_CMDS,
    RIGHT_OPWORDS,
    SCALE_WORDS,
)

__all__ = ["Carry", "Link", "find_claims", "find_claims_after"]

MAX_STEP_CHARS = 20_000

_UNSAFE_CHARS = frozenset("|_'^!#@\\`")
_VALUES = frozenset({"num", "pi"})
_VALUE_ENDS = frozenset({"num", "pct", "pi", "fact", "unit"})
_CONTINUATION = frozenset({"delim", "skip"})
_SINGLE_WORDS = frozenset({"a", "A"})
_SOFT_EQ_WORDS = (" is ", " equals ", " are ", " was ", " were ", " gives ", " makes ", " yields ")
_SOFT_EQ_WORDS += ("≈", "\\approx")
_LINE_BREAKS = frozenset({"\n", "\\\\"})
_REPEATING = frozenset({"\\overline", "\\dot", "\\bar"})
_EQUAL_TO = re.compile(
    r"\b(?:equals?|equivalent|identical|simplif\w*|reduc\w*|evaluat\w*|amounts?|comes?)\s+\Z",
    re.IGNORECASE,
)
# words that bind a number after them ("3 and 4", "add 5 to 7") but not a whole formula
# in dollars ("and $3 + 4 = 7$"): one "$", its "=", a closing "$" after a value, and no
# amount inside ("and $5 + $3 = $8" is money)
_BEFORE_FORMULA = frozenset({"and", "to", "multiply", "add", "subtract", "divide"})
# "5 more than": a number before the comparison binds it ("is bigger than $A = B$" does not)
_NUMBER_THAN = re.compile(r"\d[\s$%]*(?:[A-Za-z]+\s+){0,2}than\Z")
_FORMULA = re.compile(r"\$(?=\S)[^$=]*=[^$]*(?<=[^\s$])\$(?![\d$])")
_OPERATOR_END = re.compile(r"(?:[-+*/×÷·⋅−]|\\(?:cdot|times|div))[\s&]*\Z")
_PREPOSITIONS = frozenset({"for", "with", "in", "at", "on", "from", "than", "to", "into", "per"})
_CENTS = re.compile(r"[\s}$]{0,4}(?:\\text\s*\{\s*)?cents?\b", re.IGNORECASE)
_REMAINDER = re.compile(r"(?i:remainder)|R|\\(?:mathrm|text)\s*\{\s*(?:R|(?i:remainder))\s*\}")
_Ends = dict[str, tuple[list[Token], str]]  # label -> (an unevaluated right side, its text)


@dataclass(frozen=True, slots=True)
class Link:
    """One ``left = right`` link found in a step, before it is evaluated.

    ``start``/``end`` span the link in the step text; ``expression`` and ``asserted``
    are the two sides as written; ``left``/``right`` their tokens (skips and units
    included); ``relation`` is ``=``, ``≈`` or a word (``is``); ``chain`` identifies
    the run the link belongs to (links of one ``a = b = c`` share it).
    """

    start: int
    end: int
    expression: str
    asserted: str
    left: tuple[Token, ...]
    right: tuple[Token, ...]
    relation: str
    chain: int = 0
    flipped: bool = False

    @property
    def approx(self) -> bool:
        return self.relation in ("≈", "\\approx", "\\simeq")


def find_claims(text: str) -> list[Link]:
    """The checkable links of ``text``, in order (see the module docstring)."""
    return find_claims_after(text, Carry())[0]


@dataclass(frozen=True, slots=True)
class Carry:
    """Named right sides a step left open (``Total Score = 50 + 80 + 60``), by label,
    with the text they were written in: the next step may close them (``Total Score =
    190``)."""

    ends: tuple[tuple[str, tuple[Token, ...], str], ...] = ()


def find_claims_after(text: str, carry: Carry) -> tuple[list[Link], Carry]:
    """The links of ``text``, closing the named sums the previous step left open, and
    the named sums this step leaves open in turn."""
    if len(text) > MAX_STEP_CHARS or ("=" not in text and not _has_soft_eq(text)):
        return [], Carry()
    tokens = tokenize(text)
    links: list[Link] = []
    open_ends: _Ends = {label: (list(toks), source) for label, toks, source in carry.ends}
    i, n, previous_end, chain = 0, len(tokens), -1, 0
    while i < n:
        if tokens[i].kind not in ARITHMETIC_KINDS:
            i += 1
            continue
        j = i
        while j < n and tokens[j].kind in ARITHMETIC_KINDS:
            j += 1
        if any(t.kind == "eq" for t in tokens[i:j]):
            label = _label(text, tokens, i, previous_end)
            chain = chain if label == "" else i  # a continued chain keeps its identity
            links.extend(_links(text, tokens, i, j, label, open_ends, chain))
            previous_end = j
        i = j
    ends = tuple(
        (label, tuple(toks), source)
        for label, (toks, source) in open_ends.items()
        if label and source is text
    )
    return links, Carry(ends)


def _label(text: str, tokens: list[Token], i: int, previous_end: int) -> str | None:
    """What a run starting with ``=`` names: ``Total cost = ...`` -> "totalcost".

    A run that continues the previous one across line breaks or display math
    (``\\[ = 50 - 15 \\] \\[ = 35 \\]``) gets the empty label, shared with it.
    """
    while i < len(tokens) and tokens[i].kind == "skip":
        i += 1
    if i >= len(tokens) or tokens[i].kind != "eq" or tokens[i].text != "=":
        return None
    if previous_end >= 0 and all(t.kind in _CONTINUATION for t in tokens[previous_end:i]):
        return ""
    k = i - 1
    while k >= 0 and tokens[k].kind in ("word", "unit", "skip") and i - k <= 8:
        k -= 1
    if k >= 0 and tokens[k].kind not in ("delim", "other"):
        return None
    if k >= 0 and tokens[k].kind == "other" and tokens[k].text not in ".:;,":
        return None
    words = [t.text for t in tokens[k + 1 : i] if t.kind != "skip" or "{" in t.text]
    if words and len(words[-1]) <= 2 and words[-1].isalpha():
        return None  # "The solution is $x = ...": a variable, whose value may change
    kept = "".join(w for w in words if w.lower() not in STOPWORDS)
    label = "".join(ch for ch in kept.lower() if ch.isalpha())
    return label if len(label) >= 4 else None


def _has_soft_eq(text: str) -> bool:
    return any(w in text for w in _SOFT_EQ_WORDS)


def _links(
    text: str,
    tokens: list[Token],
    i: int,
    j: int,
    label: str | None,
    open_ends: _Ends,
    chain: int,
) -> list[Link]:
    parts: list[list[Token]] = [[]]
    relations: list[str] = []
    for tok in tokens[i:j]:
        if tok.kind == "eq":
            parts.append([])
            relations.append(tok.text)
        else:
            parts[-1].append(tok)
    before = tokens[i - 1] if i > 0 else None
    parts[0] = _first_part(parts[0], before, text)
    if relations[0].isalpha() and _modifies(tokens, i):
        parts[0] = []  # "the digit in the place for $5^3$ is 2": 5^3 is not the subject
    parts[-1] = _last_part(parts[-1], tokens, j)
    earlier = [t for part in parts[:-1] for t in part]
    if _ends_in_share(parts[-1], text) or _converted(earlier, text, parts[-1]):
        parts[-1] = []
    # (a part with "=" on both sides is a value in a chain: "= 65-2006 =" is no range)
    last = len(parts) - 1
    pairs = [
        (parts[k], parts[k + 1], relation, text, (k > 0, k + 1 < last))
        for k, relation in enumerate(relations)
    ]
    if label is not None and label in open_ends:
        carried, source = open_ends.pop(label)
        if label == "" or _bare(_strip(parts[1])):  # not "T = a*b*c ... T = a*b = ..."
            pairs.insert(0, (carried, parts[1], "=", source, (False, last > 1)))
    links = [
        link
        for left, right, rel, source, between in pairs
        if (link := _link(text, left, right, rel, chain=chain, left_text=source, between=between))
    ]
    open_ends.pop("", None)
    if parts[-1] and not _bare(_strip(parts[-1])):
        open_ends[""] = (parts[-1], text)  # "x &= 3 + 4 \\\\ &= 7": continued on the next line
        if label:
            open_ends[label] = (parts[-1], text)  # "Total = 52 + 24 + 44 ... Total = 168"
    return links


def _link(
    text: str,
    left: list[Token],
    right: list[Token],
    relation: str,
    *,
    chain: int,
    left_text: str,
    between: tuple[bool, bool] = (False, False),
) -> Link | None:
    if not (_readable(left, between[0]) and _readable(right, between[1])):
        return None
    if _shared_aside(left, right):
        return None  # ".1(Number of Minutes) + 1 = .15(Number of Minutes)": an unknown in words
    if _unlike_units(left, right):
        return None  # "1/2 inch = 20 miles": a scale, not a computation
    here = left_text is text  # else the left side was written in an earlier step
    flipped = _flippable(left, right, relation) and here
    left, right = _strip(left), _strip(right)
    if flipped:
        left, right = right, left  # "194 = 11 \\times 17 + 9": the number, then its make-up
    if not left or not right or _bare(left):
        return None
    if relation.isalpha() and not _bare(right):
        return None  # "the next multiple after 9 \\cdot 9^3 is 10 \\cdot 9^3"
    return Link(
        start=min(left[0].start, right[0].start) if here else right[0].start,
        end=max(left[-1].end, right[-1].end),
        expression=left_text[left[0].start : left[-1].end],
        asserted=text[right[0].start : right[-1].end],
        left=tuple(left),
        right=tuple(right),
        relation=relation,
        chain=chain,
        flipped=flipped,
    )


def _shared_aside(left: list[Token], right: list[Token]) -> bool:
    """Whether both sides hold the same words in brackets: a quantity named in words on
    both sides of an equation is its unknown, not an aside to skip."""
    asides = [
        {t.text.lower() for t in side if t.kind == "skip" and t.text[:1] == "("}
        for side in (left, right)
    ]
    return bool(asides[0] & asides[1])


def _modifies(tokens: list[Token], i: int) -> bool:
    """The run at ``i`` follows a preposition, maybe with a noun between (``for $5^3$
    is 2``, ``a circle with area $4\\pi$ is 2``)."""
    words = [t for t in tokens[max(0, i - 4) : i] if t.kind != "skip"][-2:]
    if not words or words[-1].kind != "word":
        return False
    return any(t.kind == "word" and t.text.lower() in _PREPOSITIONS for t in words)


def _ends_in_share(part: list[Token], text: str) -> bool:
    """``3/24 = \\frac{1}{8}`` of 2 feet: the run's last side names a share of something
    (``of`` read as times), which says what the value is, not what it equals."""
    return any(t.kind == "op" and text[t.start : t.end].lower() == "of" for t in part)


def _converted(first: list[Token], text: str, last: list[Token]) -> bool:
    """``\\$\\frac{9}{10} = 90`` cents: dollars on the left, cents after the last side."""
    if not last or not any(t.kind == "skip" and "$" in t.text for t in first):
        return False
    return _CENTS.match(text, last[-1].end) is not None


def _flippable(left: list[Token], right: list[Token], relation: str) -> bool:
    """``194 = 11 \\times 17 + 9``: a bare number, then a computation of it, both without
    units (``2 hours = 120 minutes``, ``3 apples = 3 * $2`` label, they do not compute)."""
    if relation != "=" or any(t.kind == "unit" for t in (*left, *right)):
        return False
    if any(t.kind == "pct" for t in right) and not any(t.kind == "pct" for t in left):
        return False  # "48 = 100% + 20% = 120% of the number": shares of an unknown
    return _bare(_strip(left)) and not _bare(_strip(right))


def _unlike_units(left: list[Token], right: list[Token]) -> bool:
    """``1/2 inch = 20 miles`` (a scale), ``\\frac{1\\text{ hour}}{60\\text{ minutes}} = 1``
    (a conversion factor: two units on the left, a bare 1 on the right)."""
    ours, theirs = _unit_stems(left), _unit_stems(right)
    if len(ours) >= 2 and not theirs and [t.text for t in right if t.kind == "num"] == ["1"]:
        return True
    return bool(ours and theirs and not theirs & ours)


def _unit_stems(side: list[Token]) -> set[str]:
    words = re.findall(r"[a-z]+", " ".join(t.text.lower() for t in side if t.kind == "unit"))
    return {w.rstrip("s") for w in words if w not in ("text", "mbox", "mathrm")}


def _strip(part: list[Token]) -> list[Token]:
    a, b = 0, len(part)
    while a < b and part[a].kind in ("skip", "unit"):
        a += 1
    while b > a and part[b - 1].kind in ("skip", "unit"):
        b -= 1
    return part[a:b]


def _first_part(part: list[Token], before: Token | None, text: str) -> list[Token]:
    """The left end of a run: after an unmatched bracket, else after a safe boundary."""
    cut = _last_unmatched(part)
    if cut >= 0 and (
        part[cut].text not in ")]" or cut + 1 >= len(part) or not part[cut + 1].spaced
    ):
        return []  # "\\frac{x}{2} + 7": the run starts inside an expression
    if cut >= 0:
        part = part[cut + 1 :]  # "1) 3 + 4 = 7", "2 × (3 + 4 = 7)": the claim starts here
    elif not part or not _safe_left(before, part[0], text):
        return []
    core = _strip(part)
    if not core:
        return []
    if core[0].kind == "op":  # only a unary minus written against its number: "-3 + 5"
        if core[0].text not in "-−–" or len(core) < 2 or core[1].spaced:
            return []
        if cut < 0 and before is not None and not part[0].spaced:
            return []
    return part


def _last_unmatched(part: list[Token]) -> int:
    """Index of the last bracket in ``part`` that is not matched inside it, or -1."""
    stack: list[int] = []
    last = -1
    for k, tok in enumerate(part):
        if tok.kind == "open":
            stack.append(k)
        elif tok.kind == "close":
            if stack:
                stack.pop()
            else:
                last = k
    return max(last, stack[-1]) if stack else last


def _last_part(part: list[Token], tokens: list[Token], j: int) -> list[Token]:
    """The right end of a run: before an unmatched bracket, else before a safe boundary."""
    stack: list[int] = []
    for k, tok in enumerate(part):
        if tok.kind == "open":
            aside = not stack and k > 0 and tok.spaced and part[k - 1].kind in _VALUE_ENDS
            if aside and not _factor_follows(part, k):
                return part[:k]  # "= $0.20 (20 cents)": an aside after the value
            stack.append(k)
        elif tok.kind == "close":
            if not stack:
                return part[:k]  # "(so 3 + 4 = 7)"
            stack.pop()
    if stack:
        k = stack[0]
        return part[:k] if part[k].spaced else []  # "= 7 (since ...)", not "= 5(x+1)"
    return part if _safe_right(tokens, j) else []


def _factor_follows(part: list[Token], k: int) -> bool:
    """``\\pi (30)^2``: the bracket opened at ``k`` is a factor, an operator after it."""
    depth = 0
    for m in range(k, len(part)):
        depth += {"open": 1, "close": -1}.get(part[m].kind, 0)
        if depth == 0:
            return m + 1 < len(part) and part[m + 1].kind == "op"
    return False


def _safe_left(before: Token | None, first: Token, text: str) -> bool:
    if before is not None and before.kind == "delim" and before.text in _LINE_BREAKS:
        tail = max(0, before.start - 40)  # "1^2 +\n 2^2 + 3^2": an operator at the break
        return _OPERATOR_END.search(text, tail, before.start) is None
    if before is None or before.kind == "delim":
        return True
    if before.kind == "var":
        return False  # "AD \\sqrt{2} = 4\\sqrt{2}": the product goes on to the left
    if before.kind == "cmd":
        return before.text in RELATION_CMDS
    if before.kind == "word" and before.text.startswith("\\"):  # "\\text{ of } 50 = ..."
        words = re.findall(r"[a-z]+", before.text[before.text.find("{") :].lower())
        return not words or words[-1] not in LEFT_OPWORDS
    if before.kind == "word":
        word = before.text.lower()
        if before.text[:1].isupper() and first.kind == "num" and _named(text, before.start):
            return False  # "Week 1 + Week 2 = 35 + 35": the number names a week
        contraction = before.start > 0 and text[before.start - 1] in "'’"  # "That's $6561-..."
        if not first.spaced or (
            len(word) == 1 and before.text not in _SINGLE_WORDS and not contraction
        ):
            return False
        if word == "to" and _EQUAL_TO.search(text, max(0, before.start - 16), before.start):
            return True  # "is equal to $11-3+5 = 13$": what follows is the value, whole
        compared = word == "than" and not _NUMBER_THAN.search(
            text, max(0, before.start - 40), before.end
        )
        formula = first.text == "$" and _FORMULA.match(text, first.start) is not None
        if formula and (word in _BEFORE_FORMULA or compared):
            return True  # "And $125000+132651 = 257651$": a formula of its own
        return word not in LEFT_OPWORDS
    if before.text in _UNSAFE_CHARS:
        return False
    if not first.spaced and before.text in ".,;":
        return False  # ".$500", "\\ldots,990 = 22 \\cdot 45": a decimal point, a list
    if not first.spaced and before.text in ":/" and before.start > 0:
        return not text[before.start - 1].isdigit()
    return True


def _dots_percent(tokens: list[Token], j: int) -> bool:
    """Whether dots at ``j`` lead, unspaced, to a percent sign (``8.333...%``)."""
    k = j
    while k < len(tokens) and k - j < 3 and tokens[k].text in ".…" and not tokens[k].spaced:
        k += 1
    return k > j and k < len(tokens) and tokens[k].kind == "pct" and not tokens[k].spaced


def _named(text: str, at: int) -> bool:
    """Whether the capitalized word at ``at`` stands inside a sentence (a name such as
    "Week", "Box"), not at its start ("Then 3 + 4 = 7")."""
    head = text[:at].rstrip(" \t*")
    return bool(head) and head[-1] not in ".!?:;\n([{$"


def _safe_right(tokens: list[Token], j: int) -> bool:
    after = tokens[j] if j < len(tokens) else None
    if after is not None and after.text in ".…" and not after.spaced and _dots_percent(tokens, j):
        return False  # "= 8.333...%": a repeating percentage, not the number before it
    if after is not None and after.kind == "delim" and after.text in _LINE_BREAKS:
        k = j + 1  # "... \\\\ &\\qquad + \\dfrac{...}": the side goes on past the break
        while k < len(tokens) and tokens[k].kind in ("skip", "delim"):
            k += 1
        return k >= len(tokens) or tokens[k].kind != "op"
    if after is None or after.kind == "delim":
        return True
    if after.kind == "var":
        return False  # "\\pi (30)^2 h": the product goes on to the right
    if after.kind == "cmd":
        return after.text in RELATION_CMDS
    if after.kind == "word" and _REMAINDER.fullmatch(after.text):
        return True  # "13 ÷ 4 = 3 remainder 1": read with its remainder (`steps.remainder`)
    if after.kind == "word":
        word = after.text.lower()
        if not after.spaced or (len(word) == 1 and after.text not in _SINGLE_WORDS):
            return False
        if word in RIGHT_OPWORDS:
            return False
        return not (_compound_quantity(tokens, j) or _per_unknown(tokens, j))
    if after.text in _UNSAFE_CHARS:
        return False
    if after.text in ":.,;" and not after.spaced and j + 1 < len(tokens):
        nxt = tokens[j + 1]  # "= 1\\cdot45,2\\cdot45": a list goes on
        if nxt.text in _REPEATING:
            return False  # "= 2+0.\\overline{5}": a repeating decimal goes on
        return nxt.spaced or nxt.kind not in ("num", "fn", "open", "pi")
    return True


def _compound_quantity(tokens: list[Token], j: int) -> bool:
    """``= 2 hours 30 minutes``, ``= 3 and 1/2``: the value goes on past the word."""
    k = j + 1
    while k < len(tokens) and k - j <= 2 and tokens[k].kind == "word":
        if tokens[k].text.lower() not in ("and", "hours", "hour", "feet", "foot", "minutes"):
            return False
        k += 1
    return k < len(tokens) and tokens[k].kind == "num" and tokens[k].spaced


def _per_unknown(tokens: list[Token], j: int) -> bool:
    """``= 15 inches / x miles``: the side goes on, divided by an unknown or a number (a
    proportion set up), past the unit word at ``j``; ``= 60 miles / hour`` does not."""
    k = j + 1
    if k + 1 >= len(tokens) or tokens[k].kind != "op" or tokens[k].text not in DIVISION_OPS:
        return False
    after = tokens[k + 1]
    return after.kind in ("num", "var") or (after.kind == "word" and len(after.text) == 1)


def _bare(side: list[Token]) -> bool:
    """A side that is one number (``7``, ``-3``, ``20%``, ``$5``): no computation."""
    core = [t for t in side if t.kind not in ("skip", "unit", "open", "close")]
    if core and core[0].kind == "op" and core[0].text in "-−–+":
        core = core[1:]
    return (len(core) == 1 and core[0].kind in _VALUES) or (
        len(core) == 2 and core[0].kind == "num" and core[1].kind == "pct"
    )


def _readable(side: list[Token], between: bool = False) -> bool:
    """No scale words, no unlike units in a sum, no ranges, dates or mixed numbers."""
    units = set()
    sums = False
    prev: Token | None = None
    for k, tok in enumerate(side):
        if tok.kind == "unit":
            word = tok.text.lower().rstrip("s")
            if word in SCALE_WORDS or tok.text.lower() in SCALE_WORDS:
                return False
            if tok.text[:1] != "\\" and word not in STOPWORDS:
                units.add(word)
            continue
        if tok.kind == "skip":
            continue
        if tok.kind == "op" and tok.text in "+-−–":
            sums = sums or k > 0
            if tok.text != "+" and _hyphen(side, k, between):
                return False
        if prev is not None and prev.kind in ("num", "pct") and tok.kind == "num":
            return False  # "3 1/2", "5 10", "30/100%1000"
        if prev is not None and prev.kind == "num" and _simple_fraction(side, k):
            return False  # "4\\dfrac{5}{8}", "5 \\frac{1}{7}": mixed numbers
        prev = tok
    return not (sums and len(units) > 1)


def _simple_fraction(side: list[Token], k: int) -> bool:
    """``\\frac{5}{8}`` starts at ``side[k]``: a fraction of two whole numbers."""
    shape = [(t.kind, t.text) for t in side[k : k + 7] if t.kind != "skip"]
    if len(shape) < 7 or shape[0][0] != "fn" or not shape[0][1].endswith("frac"):
        return False
    kinds = [kind for kind, _ in shape[1:7]]
    return kinds == ["open", "num", "close", "open", "num", "close"]


def _hyphen(side: list[Token], k: int, between: bool = False) -> bool:
    """``3-5``, ``2023-01-15``, ``555-1234``: a hyphen, not a minus sign; but a number
    joined to an operator (``5\\cdot 5-12-1``, ``(\\frac{1}{2})^2-1``) is arithmetic."""
    tok = side[k]
    if k == 0 or k + 1 >= len(side) or tok.spaced or side[k + 1].spaced:
        return False
    a, b = side[k - 1], side[k + 1]
    if a.kind != "num" or b.kind != "num" or "." in a.text + b.text:
        return False
    low, high = k - 1, k + 1  # the numbers joined by hyphens, no space between (up to 4)
    while high - low < 6 and low >= 2 and _joined(side, low - 1) and side[low - 2].kind == "num":
        low -= 2
    while high - low < 6 and high + 2 < len(side) and _joined(side, high + 1):
        if side[high + 2].kind != "num":
            break
        high += 2
    if high - low > 4:
        return False  # four numbers or more ("4035-3-3-3"): no date, range or phone number
    if _bracketed_operand(side, low, high):
        return False  # "(25-49)/4"
    if (low > 0 and (side[low - 1].kind in ("op", "close") or side[low - 1].text == "{")) or (
        high + 1 < len(side)
        and (side[high + 1].kind in ("op", "open", "fn") or side[high + 1].text == "}")
    ):
        return False  # "5 \\cdot 5-12-1", "2^2-1", "\\frac{-5-0}{0-12}": an operand of more
    if high - low == 4:
        return True  # three numbers: a date ("2023-01-15")
    if between:
        return False  # "= 65-2006 =", "= 57600-40816 =": a value in a chain, no range
    x, y = int(digits(a.text)), int(digits(b.text))
    leading_zero = (len(a.text) > 1 and a.text[0] == "0") or (len(b.text) > 1 and b.text[0] == "0")
    return x < y or leading_zero or len(b.text) >= 4


def _bracketed_operand(side: list[Token], low: int, high: int) -> bool:
    """``(25-49)/4``, ``2(3-5)``: the numbers fill a bracket that an operator joins."""
    if low < 1 or high + 1 >= len(side):
        return False
    if side[low - 1].text != "(" or side[high + 1].text != ")":
        return False
    after = side[high + 2] if high + 2 < len(side) else None
    before = side[low - 2] if low >= 2 else None
    return (after is not None and after.kind == "op") or (
        before is not None and before.kind in ("op", "num")
    )


def _joined(side: list[Token], k: int) -> bool:
    """Whether ``side[k]`` is a hyphen written against the numbers on both sides."""
    tok = side[k]
    return tok.kind == "op" and tok.text in "-−–" and not tok.spaced and not side[k + 1].spaced
