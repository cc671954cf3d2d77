"""Division with a remainder: ``194 ÷ 11 = 17 with a remainder of 7``, ``355 \\div 6 = 59
\\;\\mathrm{R}\\; 1``.

Such a link is not an equality of values: it claims ``a = b q + r`` with ``0 <= r < b``
(when it fails, the values compared are ``b q + r`` and ``a``, or the remainder written
and the true one).
`remainder_outcome` decides it exactly when the left side is one integer divided by
another and the text right after the quotient names the remainder; otherwise it returns
None and the link is recomputed as usual.

>>> from stepscore.verifiers.steps.claims import find_claims
>>> text = "194 ÷ 11 = 17 with a remainder of 7"
>>> remainder_outcome(text, find_claims(text)[0])[0]
'verified'
>>> text = "1529 ÷ 6 = 255 with a remainder of 4"
>>> remainder_outcome(text, find_claims(text)[0])[::3]
('refuted', '1529 ÷ 6 is 254 remainder 5')
"""

from __future__ import annotations

import re

from stepscore.verifiers.steps.claims import Link
from stepscore.verifiers.steps.recompute import Outcome
from stepscore.verifiers.steps.tokens import DIVISION_OPS, digits

__all__ = ["remainder_outcome"]

_NAMED = re.compile(
    r"\s*+(?:\\\)|\$+)?\s*+,?\s*+(?:(?i:with)\s++)?(?:(?i:an?)\s++)?"
    r"(?:(?i:remainder)(?:\s++(?i:of|is))?|\\[;,]?\s*+\\(?:mathrm|text)\s*+\{\s*+R\s*+\}\s*+\\?[;,]?|R"
    r"|\\(?:mathrm|text)\s*+\{\s*+(?i:remainder)(?:\s++(?i:of|is))?\s*+\})"
    r"\s*+(?:\$|\\\(|\\text\s*+\{\s*+)?\s*+(\d{1,12})(?![\d.,/]\d|\s*+[%/×*^])"
)


def remainder_outcome(text: str, link: Link) -> Outcome | None:
    """The outcome of ``a ÷ b = q`` followed by its remainder, or None if it is not one."""
    if link.flipped or link.relation != "=":
        return None
    core = [t for t in link.left if t.kind != "skip"]
    quotient = [t for t in link.right if t.kind != "skip"]
    if len(core) != 3 or core[1].kind != "op" or core[1].text not in DIVISION_OPS:
        return None
    if not (core[0].kind == core[2].kind == "num" and len(quotient) == 1):
        return None
    named = _NAMED.match(text, link.end)
    texts = (core[0].text, core[2].text, quotient[0].text)
    if named is None or quotient[0].kind != "num" or any("." in t for t in texts):
        return None
    a, b, q = (int(digits(t)) for t in texts)
    r = int(named[1])
    if b == 0:
        return None
    why = f"{a} ÷ {b} is {a // b} remainder {a % b}"
    if a != b * q + r:  # the values compared: the total the step implies, and the dividend
        return "refuted", float(b * q + r), float(a), why
    if not 0 <= r < b:
        return "refuted", float(r), float(a % b), why
    return "verified", float(a), float(a), "quotient and remainder recomputed"
