"""Words the claim finder reads around an equals sign: operator words that bind to the
number on their left or right, scale words, and LaTeX relations that end a claim."""

from __future__ import annotations

__all__ = ["LEFT_OPWORDS", "RELATION_CMDS", "RIGHT_OPWORDS", "SCALE_WORDS"]

LEFT_OPWORDS = frozenset(
    [
        "of",
        "half",
        "twice",
        "double",
        "triple",
        "thrice",
        "times",
        "by",
        "plus",
        "minus",
        "from",
        "than",
        "and",
        "over",
        "quarter",
        "third",
        "thirds",
        "fourth",
        "fifth",
        "squared",
        "cubed",
        "root",
        "product",
        "sum",
        "difference",
        "quotient",
        "mod",
        "modulo",
        "power",
        "multiply",
        "divide",
        "add",
        "subtract",
        "multiplying",
        "dividing",
        "adding",
        "subtracting",
        "multiplied",
        "divided",
        "added",
        "subtracted",
        "to",
        "percent",
        "per",
    ]
)
SCALE_WORDS = frozenset(
    [
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "trillion",
        "hundred",
        "hundreds",
        "dozen",
        "dozens",
        "k",
        "m",
        "bn",
    ]
)
RIGHT_OPWORDS = frozenset(
    [
        "times",
        "of",
        "plus",
        "minus",
        "divided",
        "multiplied",
        "squared",
        "cubed",
        "mod",
        "modulo",
        "less",
        "fewer",
        "over",
        "per",
    ]
) | (SCALE_WORDS - {"m", "bn"})  # a scale word binds to the number before it


RELATION_CMDS = frozenset(
    [
        r"\le",
        r"\leq",
        r"\ge",
        r"\geq",
        r"\lt",
        r"\gt",
        r"\neq",
        r"\ne",
        r"\implies",
        r"\Rightarrow",
        r"\rightarrow",
        r"\to",
        r"\therefore",
        r"\because",
        r"\iff",
        r"\Longrightarrow",
        r"\quad",
        r"\qquad",
        r"\text",
        r"\newline",
    ]
)
