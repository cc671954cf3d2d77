"""Parsing the arithmetic of answers into small trees, for `stepscore.verifiers.math.arithmetic`.

The grammar covers what most answers are made of: numbers, ``+ - * / ^``, ``\\cdot``,
``\\times``, ``\\div``, implicit multiplication, parentheses and braces, ``\\frac``,
``\\sqrt`` (with an index), ``\\binom``, ``!``, ``\\pi``, ``e``, ``i``, and variables
(single letters and Greek letters, with subscripts). Anything else (``\\sin``, ``|x|``,
``=``, commas) is outside it: `compile_expression` returns None and the caller asks sympy.

Precedence follows latex2sympy, so both paths read an answer the same way: implicit
multiplication binds tighter than ``/`` (``1/2x`` is ``1/(2x)``), unary minus looser
than ``^`` (``-2^2`` is ``-4``), a multi-digit exponent is one number (``2^10``), and
``2^3^2`` (ambiguous) is refused. Parsing is bounded: at most `MAX_TOKENS` tokens and
`MAX_NESTING` levels of nesting.

>>> expr = compile_expression("\\\\frac{x}{2} + 0.5")
>>> sorted(expr.variables), expr.inexact
(['x'], True)
>>> compile_expression("\\\\sin x") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["GREEK_LETTERS", "MAX_NESTING", "MAX_TOKENS", "Expression", "Node", "compile_expression"]

MAX_TOKENS = 400
MAX_NESTING = 48

Node = tuple  # ("num", Fraction) | ("var", name) | ("const", name) | (op, *children)

_TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<cmd>\\[A-Za-z]+)|(?P<letter>[A-Za-z])"
    r"|(?P<sym>[-+*/^(){}\[\]!_])|(?P<space>\s+)"
)
GREEK_LETTERS = frozenset(
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
        "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "varrho", "sigma",
        "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
        "Lambda", "Xi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"
    }
)  # fmt: skip
_MUL_CMDS = frozenset({"\\cdot", "\\times"})
_ATOM_START = frozenset({"(", "{", "["})


class _Unsupported(Exception):
    """Syntax outside the grammar; the caller falls back to sympy."""


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression: its tree, its variables, and whether a decimal was written."""

    tree: Node
    variables: frozenset[str]
    inexact: bool


@functools.lru_cache(maxsize=8192)
def compile_expression(s: str) -> Expression | None:
    """Parse a normalized leaf; None when it is outside the grammar (or too long)."""
    tokens = _tokenize(s)
    if tokens is None or not tokens:
        return None
    parser = _Parser(tokens)
    try:
        tree = parser.expression()
        if parser.pos != len(tokens):
            return None
    except (_Unsupported, IndexError, RecursionError):
        return None
    return Expression(tree, frozenset(parser.variables), parser.inexact)


# --- parsing ----------------------------------------------------------------------------


def _tokenize(s: str) -> list[str] | None:
    tokens: list[str] = []
    pos = 0
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if m is None:
            return None
        pos = m.end()
        if m.lastgroup != "space":
            tokens.append(m[0])
            if len(tokens) > MAX_TOKENS:
                return None
    return tokens


class _Parser:
    """Recursive descent over tokens; depth is bounded by `MAX_NESTING`."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.variables: set[str] = set()
        self.inexact = False

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.tokens[self.pos]
        if expected is not None and tok != expected:
            raise _Unsupported(f"expected {expected}")
        self.pos += 1
        return tok

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _Unsupported("too deep")
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            right = self.term()
            node = ("add", node, right) if op == "+" else ("add", node, ("neg", right))
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.product()
        while True:
            tok = self.peek()
            if tok in ("*", "\\cdot", "\\times"):
                self.take()
                node = ("mul", node, self.product())
            elif tok in ("/", "\\div"):
                self.take()
                node = ("div", node, self.product())
            else:
                return node

    def product(self) -> Node:
        """Implicit multiplication: ``2x``, ``2\\sqrt{3}``, ``(a)(b)``."""
        node = self.signed()
        while self._starts_atom(self.peek()):
            node = ("mul", node, self.power())
        return node

    def signed(self) -> Node:
        sign = 1
        while self.peek() in ("-", "+"):
            sign = -sign if self.take() == "-" else sign
        node = self.power()
        return ("neg", node) if sign < 0 else node

    def power(self) -> Node:
        node = self.atom()
        while self.peek() == "!":
            self.take()
            node = ("fact", node)
        if self.peek() == "^":
            self.take()
            node = ("pow", node, self.exponent())
            if self.peek() == "^":
                raise _Unsupported("ambiguous tower")
        return node

    def exponent(self) -> Node:
        if self.peek() in ("-", "+"):
            sign = self.take()
            inner = self.atom()
            return ("neg", inner) if sign == "-" else inner
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok[0].isdigit() or tok[0] == ".":
            if "." in tok:
                self.inexact = True
            return ("num", Fraction(tok.rstrip(".") or "0"))
        if tok in ("(", "{", "["):
            closer = {"(": ")", "{": "}", "[": "]"}[tok]
            node = self.expression()
            self.take(closer)
            return node
        if tok.isalpha() and len(tok) == 1:
            return self.variable(tok)
        return self.command(tok)

    def command(self, tok: str) -> Node:
        name = tok[1:]
        if tok == "\\frac":
            return ("div", self.group(), self.group())
        if tok == "\\binom":
            return ("binom", self.group(), self.group())
        if tok == "\\sqrt":
            index: Node = ("num", Fraction(2))
            if self.peek() == "[":
                self.take()
                index = self.expression()
                self.take("]")
            return ("root", self.group(), index)
        if tok == "\\pi":
            return ("const", "pi")
        if name in GREEK_LETTERS:
            return self.variable(name)
        raise _Unsupported(tok)

    def group(self) -> Node:
        self.take("{")
        node = self.expression()
        self.take("}")
        return node

    def variable(self, name: str) -> Node:
        if self.peek() == "_":
            self.take()
            sub = self.take()
            if sub == "{":
                parts = []
                while self.peek() not in ("}", None):
                    parts.append(self.take())
                self.take("}")
                sub = "".join(parts)
            if not sub.isalnum():
                raise _Unsupported("subscript")
            name = f"{name}_{sub}"
        elif name in ("e", "i"):
            return ("const", name)
        self.variables.add(name)
        return ("var", name)

    def _starts_atom(self, tok: str | None) -> bool:
        if tok is None:
            return False
        if tok in _ATOM_START or tok[0].isalnum() or tok[0] == ".":
            return True
        return tok.startswith("\\") and tok not in _MUL_CMDS and tok != "\\div"
