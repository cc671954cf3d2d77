"""The largest power, multiple or prime below a number, the smallest above it.

Converting to a base, or counting multiples, a step writes "the largest power of 7 less
than 629 is $7^3 = 343$" or "the largest multiple of 13 less than 53 is $4 \\cdot 13 =
52$". Both are decided from whole numbers: the value is a power (or a multiple) of the
base, it lies on the right side of the bound, and the next one up (or down) does not.
A multiple may be given by its count ("the greatest multiple of 125 less than 555 is
4": 4 times 125). "The largest prime less than 97 is 89" is decided the same way, by
trial division, up to `MAX_PRIME`. "Less than" is strict; "less than or equal to", "at
most", "not exceeding" are not (and so for "greater than" and "at least"). A claim the
sentence supposes ("if", "whether", "we need") is not read, nor one whose value is not
written in digits.

>>> [c.status for c in find_extremes("The largest power of 7 less than 629 is $7^3 = 343$.")]
['verified']
>>> [c.status for c in find_extremes("The largest power of 7 less than 629 is $7^2=49$.")]
['refuted']
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

from stepscore.verifiers.steps.divisibility import HYPOTHETICAL, sentence_begins
from stepscore.verifiers.steps.functions import side_value
from stepscore.verifiers.steps.recompute import DecidedLink
from stepscore.verifiers.steps.tokens import digits

__all__ = ["find_extremes"]

MAX_CLAIMS = 16  # read in one step
MAX_PRIME = 10**9  # a prime claimed beyond this is not decided (trial division)
_MATH = r"(?:\$\s*|\\\(\s*)?"
_CLOSE = r"(?:\s*\$|\s*\\\))?"


def _quantity(name: str) -> str:
    """A number as written: in ``$...$``, in ``\\(...\\)``, or bare (``7^3``, ``1,024``)."""
    return (
        rf"(?:\$(?P<{name}1>[^$]{{1,60}})\$|\\\((?P<{name}2>.{{1,60}}?)\\\)"
        rf"|(?P<{name}3>(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\s*\^\s*\{{?\d+\}}?)?))"
    )


_CLAIM = re.compile(
    r"\b(?P<extreme>largest|greatest|highest|biggest|smallest|least|lowest)\s+"
    r"(?:(?P<kind>power|multiple)\s+of\s+"
    + _MATH
    + r"(?P<base>\d{1,6})"
    + _CLOSE
    + r"|(?P<prime>prime)(?:\s+number)?)\s+"
    r"(?:(?:that|which)\s+is\s+|that\s+|which\s+)?"
    r"(?P<bound>less\s+than\s+or\s+equal\s+to|less\s+than|smaller\s+than|lower\s+than"
    r"|at\s+most|not\s+exceeding|no\s+(?:greater|more|larger)\s+than|below|under"
    r"|greater\s+than\s+or\s+equal\s+to|greater\s+than|larger\s+than|more\s+than"
    r"|bigger\s+than|at\s+least|exceeding|above)\s+"
    + _quantity("limit")
    + r"\s*,?\s+(?:is|would\s+be|will\s+be|=)\s+"
    + _quantity("value")
    + r"(?P<aside>\s*\((?:which|that)\s+is\s+[^()]*\))?"
    + r"(?=[\s,.;:]|$)",
    re.IGNORECASE,
)
_INCLUSIVE = re.compile(r"equal|at\s+most|at\s+least|not\s+exceeding|no\s+", re.IGNORECASE)
_ABOVE = re.compile(r"greater|larger|more|bigger|least|exceed|above", re.IGNORECASE)
_SMALLEST = frozenset({"smallest", "least", "lowest"})


def find_extremes(text: str) -> list[DecidedLink]:
    """Each extreme power or multiple ``text`` claims, decided (see the module docstring)."""
    if "power" not in text and "multiple" not in text and "prime" not in text:
        return []
    begins = sentence_begins(text)
    out = []
    for m in itertools.islice(_CLAIM.finditer(text), MAX_CLAIMS):
        if HYPOTHETICAL.search(text, begins(m.start()), m.start()):
            continue
        base = int(m["base"]) if m["base"] else 0  # (no base: the kind is "prime")
        limit, value = _whole(_written(m, "limit")), _whole(_written(m, "value"))
        if (base < 2 and not m["prime"]) or limit is None or value is None or value <= 0:
            continue
        smallest = m["extreme"].lower() in _SMALLEST
        above = _ABOVE.search(m["bound"]) is not None
        if smallest != above:
            continue  # "the smallest power of 2 less than ...": no such claim to decide
        inclusive = _INCLUSIVE.search(m["bound"]) is not None
        if m["prime"]:
            if max(value, limit) > MAX_PRIME:
                continue  # (trial division: not decided)
            why = _prime_fault(limit, value, above, inclusive)
            kind = "prime"
        else:
            why = _fault(m["kind"].lower(), base, limit, value, above, inclusive)
            kind = f"{m['kind'].lower()} of {base}"
        written = f"the {m['extreme'].lower()} {kind} {m['bound']} {limit}"
        status = "refuted" if why else "verified"
        out.append(DecidedLink(m.start(), m.end(), written, str(value), status, why or "decided"))
    return out


def _written(m: re.Match[str], name: str) -> str:
    return next(m[name + k] for k in "123" if m[name + k] is not None)


def _whole(written: str) -> int | None:
    """The whole number ``written`` ends on (``7^3 = 343``, ``4 \\cdot 13``, ``87-64=23``)."""
    piece = digits(written.strip().rstrip(".").split("=")[-1])  # ("1,000")
    found = side_value(piece) if len(piece) <= 40 else None
    if found is None or found.approximate or not isinstance(found.value, Fraction):
        return None
    if found.value.denominator != 1 or abs(found.value) > 10**15:
        return None
    return int(found.value)


def _fault(kind: str, base: int, limit: int, value: int, above: bool, inclusive: bool) -> str:
    """Why ``value`` is not the extreme power or multiple claimed ('' when it is)."""
    if kind == "power":
        power = 1
        while power < value:
            power *= base
        if power != value:
            return f"{value} is not a power of {base}"
        nearer = value // base if above else value * base  # the next one toward the bound
        if above and value == 1:
            nearer = None  # (no power of the base below 1)
    else:
        if value % base:  # "the greatest multiple of 125 less than 555 is 4": 4 times 125
            coefficient = _fault(kind, base, limit, value * base, above, inclusive)
            return (
                coefficient and f"{value} is no multiple of {base}, nor its count ({coefficient})"
            )
        nearer = value - base if above else value + base
    if not _within(value, limit, above, inclusive):
        return f"{value} is not {'above' if above else 'below'} {limit}"
    if nearer is not None and _within(nearer, limit, above, inclusive):
        side = "smaller and also above" if above else "larger and also below"
        return f"{nearer} is {side} {limit}"
    return ""


def _prime_fault(limit: int, value: int, above: bool, inclusive: bool) -> str:
    """Why ``value`` is not the prime nearest ``limit`` on its side ('' when it is)."""
    if not _is_prime(value):
        return f"{value} is not a prime"
    if not _within(value, limit, above, inclusive):
        return f"{value} is not {'above' if above else 'below'} {limit}"
    step = -1 if above else 1
    nearer = value + step
    while nearer >= 2 and not _is_prime(nearer):
        nearer += step
    if nearer >= 2 and _within(nearer, limit, above, inclusive):
        side = "smaller and also above" if above else "larger and also below"
        return f"{nearer} is a prime {side} {limit}"
    return ""


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    k = 3
    while k * k <= n:
        if n % k == 0:
            return False
        k += 2
    return True


def _within(x: int, limit: int, above: bool, inclusive: bool) -> bool:
    if above:
        return x >= limit if inclusive else x > limit
    return x <= limit if inclusive else x < limit
