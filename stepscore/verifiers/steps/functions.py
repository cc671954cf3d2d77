"""Values of the notation the arithmetic grammar does not read: ``\\sin 30^\\circ``,
``\\log_2 8``, ``\\lfloor 7.5 \\rfloor``, ``\\lceil x \\rceil``, ``|{-3}|``.

`side_value` evaluates one side of a claim that uses such notation. It replaces each
construct, innermost first, by a placeholder variable holding its value, then evaluates
the rest with the bounded evaluator of `stepscore.verifiers.math.arithmetic`. A value is
exact (`Fraction`) where it can be (``\\cos 60^\\circ = 1/2``, ``\\log_4 8 = 3/2``,
``\\lfloor 10/3 \\rfloor = 3``) and a float otherwise (``\\sin 20^\\circ``), with a flag.

Only readings that are not in doubt are made: a trig argument in degrees must carry
``^\\circ`` (or ``°``) and one in radians a ``\\pi`` (``\\sin 30`` is unread, unless the
angle is 0); a logarithm needs its base (``\\log_2``, ``\\log_{10}``, or ``\\ln``; a bare
``\\log`` and ``\\log_10`` are unread); an argument written without brackets must end
where it plainly ends (``\\cos 2\\pi/3``, ``\\log_2 8^3``, ``\\sin 2x`` are unread);
a floor or ceiling of a float within ``1e-9`` of an integer is unread; inverse functions
are unread. Anything unread makes the side None: the caller leaves its claim unverifiable.

>>> side_value("2\\\\cos 60^\\\\circ").value
Fraction(1, 1)
>>> side_value("\\\\log_2 8 + \\\\lceil 9.09 \\\\rceil").value
Fraction(13, 1)
>>> side_value("\\\\sin 30") is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from stepscore.verifiers.math.arithmetic import TooLarge, Undefined, evaluate
from stepscore.verifiers.math.expression import compile_expression

__all__ = ["CONSTRUCT", "SideValue", "side_value"]

MAX_CONSTRUCTS = 12
_SNAP = 1e-12  # float noise around an exact trig or log value
_SLOT = "\\Upsilon"  # placeholder variables; a text that writes it is not read

# A construct the arithmetic grammar does not read (the trigger for this module).
CONSTRUCT = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc|log|ln|lfloor|lceil|lvert)(?![A-Za-z])|\|")
_NOISE = re.compile(r"\\left\b|\\right\b|\\[,;:! ]|\\displaystyle\b|\\boxed\b|\\[bB]ig+[lr]?\b")
_DEGREE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ\b|°")
_TRIG = re.compile(r"\\(sin|cos|tan|cot|sec|csc)(?![A-Za-z])(?:\s*\^\s*(?:(\d)|\{\s*(\d)\s*\}))?")
_LOG = re.compile(r"\\ln(?![A-Za-z])|\\log(?![A-Za-z])(?:\s*_\s*(?:(\d)(?!\d)|\{([^{}]*)\}))?")
_FLOOR = re.compile(r"\\l(floor|ceil)((?:(?!\\l(?:floor|ceil)|\\r(?:floor|ceil)).)*)\\r\1", re.S)
_ABS = re.compile(r"\\lvert((?:(?!\\[lr]vert).)*)\\rvert|\|([^|]+)\|", re.S)
_BARE = re.compile(r"\s*+(?:-\s*+)?(?:\d+(?:\.\d+)?\s*(?:°|\\pi\b)?|\\pi\b)")
_ENDS_PLAINLY = re.compile(r"\s*+(?:$|[-+=)}\]<>,;.&]|\\(?!pi\b)[A-Za-z]+|\*|\\[,;: !])")
_PAIRS = {"(": ")", "{": "}", "[": "]"}
_Env = dict[str, Fraction]  # placeholder name -> the value of the construct it stands for


@dataclass(frozen=True, slots=True)
class SideValue:
    """A side's value; ``approximate`` when a float (not an exact value) went into it."""

    value: Fraction | float
    approximate: bool


# "5 \\frac{1}{7}", "4\\dfrac{5}{8}": a mixed number, or a product; not read
_MIXED = re.compile(r"(?<![\w.^_{])\d+\s*\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}")


def side_value(side: str) -> SideValue | None:
    """The value of ``side`` (see the module docstring), or None when it is not read."""
    if _SLOT in side or "\\|" in side or "\\arc" in side or _MIXED.search(side):
        return None
    text = _DEGREE.sub("°", _NOISE.sub(" ", side)).strip().rstrip(".").strip()
    env: _Env = {}
    approximate = False
    for _ in range(MAX_CONSTRUCTS):
        step = _reduce_once(text, env)
        if step is None:
            return None
        if step == "done":
            break
        text, value = step
        if value is None:
            return None
        approximate = approximate or isinstance(value, float)
        name = f"{'a' if isinstance(value, float) else 'x'}{len(env)}"  # 'a': approximate
        text = text.replace("\0", f" {_SLOT}_{{{name}}} ", 1)
        env[f"Upsilon_{name}"] = Fraction(value)
    else:
        return None
    if "°" in text or "|" in text:
        return None
    result = _evaluate(text, env)
    if result is None:
        return None
    value, floating = result
    if approximate or floating:
        return SideValue(float(value), True)
    return SideValue(value, False)


def _reduce_once(text: str, env: _Env) -> tuple[str, Fraction | float | None] | str | None:
    """Replace the innermost construct by ``\\0``: the new text and the construct's value;
    "done" when none is left; None when one is present but cannot be read."""
    for finder in (_floor_or_ceiling, _absolute, _function):
        found = finder(text, env)
        if found is not None:
            return found
    return None if CONSTRUCT.search(text) else "done"


def _floor_or_ceiling(text: str, env: _Env) -> tuple[str, Fraction | float | None] | None:
    for m in _FLOOR.finditer(text):
        if CONSTRUCT.search(m[2]):
            continue
        inner = _exact_or_float(m[2], env)
        value = None if inner is None else _round(inner, m[1])
        return text[: m.start()] + "\0" + text[m.end() :], value
    return None


def _round(value: Fraction | float, kind: str) -> Fraction | None:
    if isinstance(value, float) and abs(value - round(value)) < 1e-9:
        return None  # a float next to an integer: its floor is in doubt
    return Fraction(math.floor(value) if kind == "floor" else math.ceil(value))


def _absolute(text: str, env: _Env) -> tuple[str, Fraction | float | None] | None:
    for m in _ABS.finditer(text):
        inner_text = m[1] if m[1] is not None else m[2]
        if CONSTRUCT.search(inner_text):
            continue
        inner = _exact_or_float(inner_text, env)
        return text[: m.start()] + "\0" + text[m.end() :], None if inner is None else abs(inner)
    return None


def _function(text: str, env: _Env) -> tuple[str, Fraction | float | None] | None:
    """The last trig function or logarithm (so an argument holds none), read and applied."""
    found = [*_TRIG.finditer(text), *_LOG.finditer(text)]
    if not found:
        return None
    m = max(found, key=lambda f: f.start())
    span = _argument(text, m.end())
    if span is None:
        return text, None
    arg_text = text[m.end() : span]
    try:
        if m[0].startswith("\\l"):
            value = _logarithm(m, arg_text, env)
        else:
            value = _trig(m[1], arg_text, int(m[2] or m[3] or 1), env)
    except (OverflowError, ValueError, ZeroDivisionError):
        value = None  # an angle or argument beyond floats
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    return text[: m.start()] + "\0" + text[span:], value


def _argument(text: str, start: int) -> int | None:
    """Where the argument that starts at ``start`` ends, or None when in doubt."""
    k = start
    while k < len(text) and text[k] == " ":
        k += 1
    if k < len(text) and text[k] in _PAIRS:
        end = _matching(text, k)
        return None if end is None else end + 1
    if text.startswith("\\frac", k):
        numerator = _matching(text, text.find("{", k))
        opens = numerator is not None and text[numerator + 1 : numerator + 2] == "{"
        end = _matching(text, numerator + 1) if opens else None  # type: ignore[operator]
        span = None if end is None else end + 1
    else:
        bare = _BARE.match(text, k)
        span = None if bare is None else bare.end()
    if span is None or _ENDS_PLAINLY.match(text, span) is None:
        return None
    return span


def _matching(text: str, k: int) -> int | None:
    if k < 0 or k >= len(text) or text[k] not in _PAIRS:
        return None
    depth = 0
    for j in range(k, len(text)):
        if text[j] in "({[":
            depth += 1
        elif text[j] in ")}]":
            depth -= 1
            if depth == 0:
                return j
    return None


def _trig(name: str, arg_text: str, power: int, env: _Env) -> Fraction | float | None:
    degrees = "°" in arg_text
    angle = _exact_or_float(arg_text.replace("°", " "), env)
    if angle is None or (not degrees and "\\pi" not in arg_text and angle != 0):
        return None  # "\\sin 30": degrees or radians?
    radians = math.radians(angle) if degrees else float(angle)
    s, c = math.sin(radians), math.cos(radians)
    ratio = {"sin": (s, 1.0), "cos": (c, 1.0), "tan": (s, c), "cot": (c, s)}
    num, den = ratio.get(name, (1.0, c if name == "sec" else s))
    if abs(den) < 1e-9:
        return None  # tan 90°: undefined
    value = _snap(num / den)
    return value**power


def _logarithm(m: re.Match[str], arg_text: str, env: _Env) -> Fraction | float | None:
    if m[0].startswith("\\ln"):
        base: Fraction | float | None = math.e
    elif m[1] is not None:
        base = Fraction(int(m[1]))
    elif m[2] is not None and not CONSTRUCT.search(m[2]):
        base = _exact_or_float(m[2], env)
    else:
        return None  # "\\log 100": base 10 or e?
    x = _exact_or_float(arg_text, env)
    if base is None or x is None or x <= 0 or base <= 0 or base == 1:
        return None
    ratio = math.log(x) / math.log(base)
    if isinstance(x, Fraction) and isinstance(base, Fraction):
        for q in range(1, 7):
            p = round(ratio * q)
            if abs(ratio * q - p) < 1e-9 and abs(p) <= 200 and x**q == base**p:
                return Fraction(p, q)
    return _snap(ratio)


def _snap(value: float) -> Fraction | float:
    """A float within noise of a multiple of 1/2 is that multiple (``\\sin 30^\\circ``)."""
    doubled = round(value * 2)
    if abs(value * 2 - doubled) < _SNAP * max(1.0, abs(value)):
        return Fraction(doubled, 2)
    return value


def _exact_or_float(text: str, env: _Env) -> Fraction | float | None:
    result = _evaluate(text, env)
    return None if result is None else result[0]


def _evaluate(text: str, env: _Env) -> tuple[Fraction | float, bool] | None:
    """The value of ``text`` (placeholders from ``env``) and whether it is a float."""
    expr = compile_expression(text.strip())
    if expr is None or not expr.variables <= env.keys():
        return None
    try:
        value = evaluate(expr, env)
    except (TooLarge, Undefined, ZeroDivisionError, OverflowError, ValueError, RecursionError):
        return None
    if isinstance(value, Fraction):
        if any(name.startswith("Upsilon_a") for name in expr.variables):
            return float(value), True  # a float went in: the value is no more exact
        return value, False
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return None
    return value.real, True
