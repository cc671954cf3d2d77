"""Are two bare math answers equal? A fast in-process check and a symbolic one.

Two entry points, both taking the prediction first and the gold (reference) second:

- `cheap_compare` runs in the caller's process and is bounded: normalization, the exact
  string, plain numbers, text, choice letters, the shapes of sets, tuples, intervals and
  matrices, relations, and the arithmetic evaluator. It decides almost every pair (all of
  GSM8K's); it returns None when only sympy can decide.
- `full_compare` does the same and, where that leaves a leaf or a relation undecided,
  asks sympy (`stepscore.verifiers.math.symbolic`). It can be slow, so the caller runs
  it under a deadline in a worker process; it is a plain module-level function so that
  it pickles.

Neither raises on bad input: an empty, too long or malformed gold gives
``status="bad_reference"``; anything unexpected inside gives ``status="error"`` (logged
at debug). A non-str argument is a caller's bug and raises TypeError.

Comparison is conservative: a wrong answer must not become right. ``x`` is not
``x^2``, ``(1, 2)`` is not ``(2, 1)``, ``[1, 2]`` is not ``(1, 2)``, ``y = 2x + 1`` is
not ``y = 3x``, ``\\{1, 2\\}`` is not ``\\{1, 2, 3\\}``.

>>> cheap_compare("\\\\dfrac{1}{2}", "0.5").reason
'numeric: \\\\frac{1}{2} == 0.5'
>>> cheap_compare("(2, 1)", "(1, 2)").equal
False
>>> full_compare("\\\\sin^2 x + \\\\cos^2 x", "1").equal
True
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

from stepscore.verifiers.math import arithmetic
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.expression import compile_expression
from stepscore.verifiers.math.matching import compare
from stepscore.verifiers.math.normalize import normalize_answer, number_bases
from stepscore.verifiers.math.numbers import Number, numbers_equal, parse_number
from stepscore.verifiers.math.structures import ComparisonMethod, Verdict, leaves, parse_answer
from stepscore.verifiers.math.wellformed import malformed_reason

__all__ = [
    "COMPARISON_METHODS",
    "COMPARISON_STATUSES",
    "MAX_ANSWER_CHARS",
    "Comparison",
    "ComparisonMethod",
    "ComparisonStatus",
    "cheap_compare",
    "full_compare",
]

log = logging.getLogger(__name__)

ComparisonStatus = Literal["ok", "bad_reference", "error"]
COMPARISON_METHODS: tuple[str, ...] = get_args(ComparisonMethod)
COMPARISON_STATUSES: tuple[str, ...] = get_args(ComparisonStatus)
MAX_ANSWER_CHARS = 5000  # a longer "answer" is not one; nothing past this is parsed

_DEFAULT = MathConfig()
_CHOICE = re.compile(r"[A-E]")
_CHOICE_MARKED = re.compile(r"\(?[A-E][).]?")  # "C)", "(C", "C." as a model writes them
_TEXT = re.compile(
    r"(?<![\\A-Za-z])(?:[A-Za-z]{4,}|[A-Za-z]{2,} [A-Za-z])|[A-Za-z]\.[A-Za-z]|[:?\"&@#]"
)
_TEXT_NOISE = re.compile(r"[\s.{}\\]")
_SHORT_WORDS = frozenset({"yes", "no", "odd", "even", "none", "true", "false", "all", "am", "pm"})


@dataclass(frozen=True, slots=True)
class Comparison:
    """The verdict on a (prediction, gold) pair of bare answers.

    ``pred`` and ``gold`` are the normalized forms compared; ``reason`` says in a few
    words what decided; ``method`` names the path ("exact", "numeric", "structure",
    "symbolic", "text", "choice"). ``status`` is "ok", "bad_reference" (the gold is empty,
    malformed, too long, or does not parse) or "error" (an unexpected failure inside);
    ``equal`` is False whenever ``status`` is not "ok".
    """

    equal: bool
    pred: str
    gold: str
    reason: str
    method: ComparisonMethod
    status: ComparisonStatus = "ok"

    @property
    def bad_reference(self) -> bool:
        """Whether the gold is unusable (``status == "bad_reference"``)."""
        return self.status == "bad_reference"


def cheap_compare(pred: str, gold: str, config: MathConfig = _DEFAULT) -> Comparison | None:
    """Decide the pair without sympy, or return None when only sympy can.

    Bounded in time: no parse is recursive beyond a fixed depth, no number grows past a
    fixed size, inputs are cut at `MAX_ANSWER_CHARS`.

    >>> cheap_compare("3\\\\frac{1}{2}", "3.5").equal, cheap_compare("20\\\\%", "0.2").equal
    (True, True)
    >>> cheap_compare("\\\\sin x", "\\\\cos x") is None
    True
    """
    return _run(pred, gold, config, _CheapJudge(config))


def full_compare(pred: str, gold: str, config: MathConfig = _DEFAULT) -> Comparison:
    """Decide the pair, with sympy where the cheap path cannot; may be slow.

    Run it under a deadline (in a worker process) when the pair is untrusted.

    >>> full_compare("\\\\log_2 8", "3").equal
    True
    """
    cheap = _run(pred, gold, config, _CheapJudge(config))
    if cheap is not None:
        return cheap  # the same verdict the caller's cheap path would give
    result = _run(pred, gold, config, _SymbolicJudge(config))
    assert result is not None  # the symbolic judge always decides
    return result


# --- the pipeline -----------------------------------------------------------------------


def _run(pred: str, gold: str, config: MathConfig, judge: _CheapJudge) -> Comparison | None:
    for name, value in (("pred", pred), ("gold", gold)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    if not isinstance(config, MathConfig):
        raise TypeError(f"config must be a MathConfig, not {type(config).__name__}")
    try:
        return _compare(pred, gold, config, judge)
    except Exception as exc:  # an untrusted boundary: report the failure, never raise it
        log.debug("comparison failed on %r vs %r", pred[:200], gold[:200], exc_info=True)
        reason = f"error: {type(exc).__name__}"
        return Comparison(False, pred[:200], gold[:200], reason, "exact", "error")


def _compare(pred: str, gold: str, config: MathConfig, judge: _CheapJudge) -> Comparison | None:
    if len(gold) > MAX_ANSWER_CHARS:
        return _bad_reference("", f"reference longer than {MAX_ANSWER_CHARS} characters")
    g = normalize_answer(gold, config)
    if not g:
        return _bad_reference(g, "empty reference")
    why = malformed_reason(g)
    if why is not None:
        return _bad_reference(g, f"malformed reference: {why}")
    if len(pred) > MAX_ANSWER_CHARS:
        return Comparison(
            False, "", g, f"answer longer than {MAX_ANSWER_CHARS} characters", "exact"
        )
    p = normalize_answer(pred, config)
    if not p:
        return Comparison(False, p, g, "empty answer", "exact")
    pred_bases, gold_bases = number_bases(pred), number_bases(gold)
    if pred_bases and gold_bases and pred_bases != gold_bases:
        return Comparison(False, p, g, "numbers stated in different bases", "exact")
    if p.replace(" ", "") == g.replace(" ", ""):
        return Comparison(True, p, g, "same after normalization", "exact")
    why = malformed_reason(p)
    if why is not None:
        return Comparison(False, p, g, f"malformed answer: {why}", "exact")
    gold_tree = parse_answer(g)
    verdict = compare(parse_answer(p), gold_tree, judge)
    if verdict.equal is None:
        return None
    unparsable = judge.unparsable.intersection(leaves(gold_tree)) if judge.unparsable else ()
    if unparsable and not verdict.equal:
        bad = _clip(min(unparsable))
        return _bad_reference(g, f"reference does not parse: {bad}", p)
    return Comparison(verdict.equal, p, g, verdict.reason, verdict.method)


def _bad_reference(gold: str, reason: str, pred: str = "") -> Comparison:
    return Comparison(False, pred, gold, reason, "exact", "bad_reference")


# --- judges of leaves and relations -----------------------------------------------------


class _CheapJudge:
    """Leaves by numbers, choice letters, text and arithmetic; relations by evaluation."""

    def __init__(self, config: MathConfig) -> None:
        self.config = config
        self.unparsable: set[str] = set()  # leaves sympy could not read as a reference
        self._cache: dict[tuple[str, str], Verdict] = {}

    def leaf(self, pred: str, gold: str) -> Verdict:
        key = (pred, gold)
        if key not in self._cache:
            self._cache[key] = self._leaf(pred, gold)
        return self._cache[key]

    def _leaf(self, pred: str, gold: str) -> Verdict:
        if pred.replace(" ", "") == gold.replace(" ", ""):
            return Verdict(True, "same after normalization", "exact")
        if _CHOICE.fullmatch(gold) and (len(pred) == 1 or _CHOICE_MARKED.fullmatch(pred)):
            letter = pred.strip("().")
            return Verdict(letter == gold, f"choice {_clip(letter)} vs {gold}", "choice")
        p_num, g_num = parse_number(pred), parse_number(gold)
        if p_num is not None and g_num is not None:
            equal = numbers_equal(p_num, g_num, self.config)
            sign = "==" if equal else "!="
            return Verdict(equal, f"numeric: {_clip(pred)} {sign} {_clip(gold)}", "numeric")
        if _TEXT.search(pred) or _TEXT.search(gold):
            equal = _text_key(pred) == _text_key(gold)
            return Verdict(equal, "same text" if equal else "different text", "text")
        if _same_word(pred, gold):
            return Verdict(True, "same word", "text")
        verdict = None
        if p_num is not None:
            verdict = self._number_vs_expression(p_num, gold)
        elif g_num is not None:
            verdict = self._number_vs_expression(g_num, pred)
        if verdict is not None:
            return verdict
        equal, reason = arithmetic.same_value(pred, gold, self.config)
        return Verdict(equal, reason, "numeric")

    def _number_vs_expression(self, number: Number, expression: str) -> Verdict | None:
        """A plain number against a constant expression (a percentage read by policy)."""
        compiled = compile_expression(expression)
        if compiled is None or compiled.variables or isinstance(number.value, float):
            return None
        try:
            value = arithmetic.evaluate(compiled, {})
        except arithmetic.TooLarge:
            return Verdict(False, "numeric: too large to compare", "numeric")
        except (ArithmeticError, RecursionError):
            return None
        candidates: tuple[Fraction, ...] = (number.value,)
        if number.percent:
            reads = {"either": (number.value, number.value / 100), "strip": (number.value,)}
            candidates = reads.get(self.config.percent, (number.value / 100,))
        exact = number.exact and not compiled.inexact
        equal = any(arithmetic.values_close(c, value, self.config, exact=exact) for c in candidates)
        return Verdict(
            equal, "numeric: " + ("equal in value" if equal else "different in value"), "numeric"
        )

    def relation(self, pred: tuple[str, str], gold: tuple[str, str], kind: str) -> Verdict:
        equal, reason = arithmetic.proportional(pred, gold, kind, self.config)
        return Verdict(equal, reason, "numeric")


class _SymbolicJudge(_CheapJudge):
    """The cheap judge, then sympy for what it leaves undecided."""

    def _leaf(self, pred: str, gold: str) -> Verdict:
        verdict = super()._leaf(pred, gold)
        if verdict.equal is not None:
            return verdict
        from stepscore.verifiers.math.symbolic import UnparsableReference, sympy_leaf

        try:
            equal, reason = sympy_leaf(pred, gold, self.config)
        except UnparsableReference:
            self.unparsable.add(gold)
            return Verdict(False, "the reference does not parse", "symbolic")
        return Verdict(equal, reason, "symbolic")

    def relation(self, pred: tuple[str, str], gold: tuple[str, str], kind: str) -> Verdict:
        verdict = super().relation(pred, gold, kind)
        if verdict.equal is not None:
            return verdict
        from stepscore.verifiers.math.symbolic import UnparsableReference, sympy_relation

        try:
            equal, reason = sympy_relation(pred, gold, kind, self.config)
        except UnparsableReference as exc:
            self.unparsable.add(str(exc))
            return Verdict(False, "the reference does not parse", "symbolic")
        return Verdict(equal, reason, "symbolic")


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


def _same_word(pred: str, gold: str) -> bool:
    """``No`` and ``no``: one word, equal but for case (a short one only if a known word,
    since ``AB`` and ``ab`` may be a segment and a product)."""
    if not (pred.isalpha() and gold.isalpha() and pred.lower() == gold.lower()):
        return False
    return len(pred) >= 4 or pred.lower() in _SHORT_WORDS


def _text_key(s: str) -> str:
    return _TEXT_NOISE.sub("", s.lower())
