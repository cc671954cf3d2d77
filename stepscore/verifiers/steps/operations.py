"""Operations a problem defines for itself: ``If $a * b = 2a + 3b$, what is $4 * 3$?``.

A step that applies such an operation writes ``4 * 3 = 2(4) + 3(3)``: read as arithmetic,
``*`` would be a product and the step a false alarm. `defined_operations` finds the
symbols a problem defines between two letters (``a \\ast b = ...``, ``$P \\ast Q$ means
...``, ``$*$ represents an operation``; ``\\boxed{N}`` "means" a function of ``N``), and
`applies` tells whether a claim's text uses one, so the checker leaves that claim
unread. Symbols that are products elsewhere (``\\times``, ``\\cdot``, ``\\div``, ``x``)
count as defined only when the problem says it defines something ("operation",
"define", "means", "for all", "given"), since ``If $a \\times b = ab + 1$`` may state
an equation instead.

>>> sorted(defined_operations("If $a * b = 2a + 3b$ for all $a$ and $b$, find $4 * 3$."))
['*']
>>> sorted(defined_operations("If $x \\\\times y = x + y + 1$, what is $x$?"))
[]
>>> applies(frozenset({"*"}), "4 * 3", "2(4)+3(3)")
True
"""

from __future__ import annotations

import re

__all__ = ["applies", "defined_operations"]

_PLAIN = r"\*|\\ast\b|\\star\b|\\#|\\circ\b|\\diamond\b|\\Diamond\b|\\bullet\b|\\odot\b"
_PLAIN += r"|\\oplus\b|\\otimes\b|\\triangle\b|\\nabla\b|\\dagger\b|\\clubsuit\b|\\spadesuit\b"
_PLAIN += r"|\\heartsuit\b|\\diamondsuit\b|\\boxtimes\b|\\square\b|\\Box\b|@|\\&|\\S\b"
_X = r"(?<![A-Za-z\\])x(?![A-Za-z])"  # "(a) x (b)": the letter x as an operation
_PRODUCTS = rf"\\times\b|\\cdot\b|\\div\b|{_X}"
_LETTER = r"\(?\s*(?P<{}>[A-Za-z])\s*\)?\s*\$?\s*"
_DEFINED = re.compile(
    rf"(?<![A-Za-z\\]){_LETTER.format('a')}(?P<op>{_PLAIN}|{_PRODUCTS})\s*\$?\s*"
    rf"{_LETTER.format('b')}(?:=(?P<body>[^$]{{1,200}})|(?:means|represents|denotes|is defined"
    r"|stands)\b)"
)
_NAMED = re.compile(
    rf"\$\s*(?P<op>{_PLAIN}|{_PRODUCTS})\s*\$\s*(?:represents|denotes|is|be|means)\b"
    r"[^.]{0,40}\boperation"
)
_BOXED = re.compile(
    r"\\boxed\s*\{\s*[A-Za-z]\s*\}\s*\$?\s*(?:mean|denote|represent|be|stand|is defined)",
    re.IGNORECASE,
)
_CUE = re.compile(r"operation|defin|\bmeans?\b|for all|\bgiven\b|represent|denote", re.I)
_SPACES = re.compile(r"\s+")
_ANY_SYMBOL = re.compile(rf"{_PLAIN}|{_PRODUCTS}|\\boxed")  # a quick look first


def defined_operations(problem: str) -> frozenset[str]:
    """The operation symbols ``problem`` defines, as written (``*``, ``\\\\ast``, ``x``),
    and ``\\\\boxed`` where it defines a boxed function."""
    if not problem or not _ANY_SYMBOL.search(problem):
        return frozenset()
    found = set()
    cue = _CUE.search(problem) is not None
    for m in _DEFINED.finditer(problem):
        op = m["op"]
        if m["body"] is not None and not _defines(m["body"], m["a"], m["b"]):
            continue  # "If $a * b = 6$": an equation in a and b
        if re.fullmatch(_PRODUCTS, op) and not cue:
            continue
        found.add(op)
    found.update(m["op"] for m in _NAMED.finditer(problem))
    if _BOXED.search(problem):
        found.add("\\boxed")
    return frozenset(found)


def applies(operations: frozenset[str], *texts: str) -> bool:
    """Whether any of ``texts`` (a claim's sides, as written) uses one of ``operations``."""
    for op in operations:
        pattern = _X if op == "x" else re.escape(op)
        if op.startswith("\\") and op[1:].isalpha():
            pattern += r"(?![A-Za-z])"
        if any(re.search(pattern, text) for text in texts):
            return True
    return False


def _defines(body: str, a: str, b: str) -> bool:
    """The right side of ``a OP b = body`` is written in ``a`` and ``b``: a definition."""
    letters = set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", _SPACES.sub(" ", body)))
    return a in letters and (b in letters or a == b)
