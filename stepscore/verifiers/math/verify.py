"""`verify_math`: is this final answer right? The one question every reward rests on.

The prediction may be a whole response (its final answer is extracted first) or a bare
answer; the reference a bare answer or a solution with ``\\boxed{}`` / ``####``. Cheap
comparisons (normalized strings, numbers, structures) run in the caller's process; only
what needs sympy goes to a warm worker process under a deadline, so a hostile answer
costs at most ``config.deadline_s`` plus a little, never a hang, never an exception.

>>> verify_math("So the total is \\\\boxed{\\\\frac{1}{2}}.", "0.5").correct
True
>>> verify_math("The answer is 7.", "#### 8").status, verify_math("", "3").status
('ok', 'no_answer')
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from stepscore.verifiers.deadline import DeadlinePool, DeadlineResult
from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.equivalence import Comparison, cheap_compare, full_compare
from stepscore.verifiers.math.extract import extract_answer, whole_formula

__all__ = [
    "MathResult",
    "MathStatus",
    "MathVerifier",
    "clear_caches",
    "math_pool",
    "needs_symbolic",
    "verify_math",
    "warm_worker",
]

log = logging.getLogger(__name__)

MathStatus = Literal["ok", "no_answer", "bad_reference", "timeout", "error"]
_DEFAULT = MathConfig()
_MARKED_RULES = frozenset({"boxed", "fbox", "answer_tag", "gsm8k", "answer_is", "choice"})
_MAX_BARE = 200  # a one-line prediction up to this long without answer markers is the answer
_MAX_CACHED_CHARS = 4096  # longer (prediction, reference) pairs are not memoized
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}")  # a word, not a \command
_EQUATION = re.compile(r"(?![A-Za-z]\s*=)[^=]+=[^=]")  # an equation, not "x = 3"
_DELIMITED_MATH = re.compile(r"\$\$.*?\$\$|\$.*?\$|\\\(.*?\\\)|\\\[.*?\\\]")


@dataclass(frozen=True, slots=True)
class MathResult:
    """The verdict on one (prediction, reference) pair.

    ``correct`` is True only for ``status == "ok"`` and equal answers; ``pred`` and
    ``gold`` are the normalized answers compared (None when there was none);
    ``method`` says which comparison decided ("exact", "numeric", "structure",
    "symbolic", "text", "choice"); ``reason`` is a short human-readable account.
    """

    correct: bool
    status: MathStatus
    pred: str | None
    gold: str | None
    reason: str
    method: str | None = None
    extraction_rule: str | None = None

    @property
    def score(self) -> float:
        """1.0 for a correct answer, else 0.0 (the usual outcome reward)."""
        return 1.0 if self.correct else 0.0


def verify_math(prediction: str, reference: str, *, config: MathConfig = _DEFAULT) -> MathResult:
    """Verify one prediction against one reference (safe from any thread or process)."""
    return MathVerifier(config).verify(prediction, reference)


def warm_worker() -> None:
    """Worker initializer: import sympy and the LaTeX parser once, outside any deadline."""
    import latex2sympy2_extended  # noqa: F401
    import sympy  # noqa: F401

    from stepscore.verifiers.math import symbolic  # noqa: F401


def math_pool() -> DeadlinePool:
    """This process's pool for the symbolic path: one warm worker, made on first use."""
    global _shared_pool
    with _shared_pool_lock:
        if _shared_pool is None or _shared_pool.closed:
            _shared_pool = DeadlinePool(1, initializer=warm_worker)
        return _shared_pool


_shared_pool: DeadlinePool | None = None
_shared_pool_lock = threading.Lock()


def _reset_after_fork() -> None:
    global _shared_pool_lock
    _shared_pool_lock = threading.Lock()  # a lock held by another thread at fork stays held


os.register_at_fork(after_in_child=_reset_after_fork)


def needs_symbolic(prediction: str, reference: str, config: MathConfig = _DEFAULT) -> bool:
    """Whether the cheap stage leaves this pair to the symbolic path (for benchmarks)."""
    return isinstance(_stage(prediction, reference, config), _Pending)


def clear_caches() -> None:
    """Forget cached verdicts and parses (benchmarks that time the real work call this)."""
    from stepscore.verifiers.math import expression, normalize, numbers

    for cached in (
        _stage_memo,
        _symbolic_cached,
        normalize._normalize_cached,
        expression.compile_expression,
        numbers.parse_number,
    ):
        cached.cache_clear()


class MathVerifier:
    """A math verifier with a fixed config and a warm worker pool for the slow path.

    ``pool`` defaults to `math_pool` (one warm worker per process); pass your own
    `DeadlinePool` to size it, or ``workers`` for the batches' own pool (closed by
    `close` or on leaving a ``with`` block). Verdicts are cached per (prediction,
    reference, config); timeouts and worker errors are not.
    """

    def __init__(
        self,
        config: MathConfig = _DEFAULT,
        *,
        pool: DeadlinePool | None = None,
        workers: int | None = None,
    ) -> None:
        if not isinstance(config, MathConfig):
            raise TypeError(f"config must be a MathConfig, not {type(config).__name__}")
        self.config = config
        self.workers = workers
        self._pool = pool
        self._batch_pool: DeadlinePool | None = None

    @property
    def pool(self) -> DeadlinePool:
        return self._pool if self._pool is not None else math_pool()

    def verify(self, prediction: str, reference: str) -> MathResult:
        _check_types(prediction, reference)
        return _verify_cached(prediction, reference, self.config, self._pool)

    def verify_batch(
        self, pairs: Iterable[tuple[str, str]], *, workers: int | None = None
    ) -> list[MathResult]:
        """Verdicts in input order; one bad pair never fails the batch.

        The cheap stage (extraction, bounded comparisons) runs here: at tens of
        microseconds a pair it is cheaper than shipping the pair to another process.
        The pairs it leaves undecided go to the pool, ``workers`` at a time, one pair
        per call under the deadline.
        """
        pairs = list(pairs)
        for prediction, reference in pairs:
            _check_types(prediction, reference)
        workers = workers if workers is not None else self.workers
        pool = self._pool_for(workers)
        staged = [_stage_cached(p, r, self.config) for p, r in pairs]
        pending = {(s.pred, s.gold): s for s in staged if isinstance(s, _Pending)}  # deduplicated
        if pending:
            calls = [(pred, gold, self.config) for pred, gold in pending]
            outcomes = pool.map(full_compare, calls, deadline_s=self.config.deadline_s)
            done = dict(zip(pending, outcomes, strict=True))
            staged = [
                _finish(s, done[(s.pred, s.gold)]) if isinstance(s, _Pending) else s for s in staged
            ]
        return staged  # type: ignore[return-value]

    async def averify(self, prediction: str, reference: str) -> MathResult:
        """`verify` for asyncio callers: the event loop is never blocked."""
        _check_types(prediction, reference)
        staged = _stage_cached(prediction, reference, self.config)
        if not isinstance(staged, _Pending):
            return staged
        outcome = await self.pool.arun(
            full_compare, staged.pred, staged.gold, self.config, deadline_s=self.config.deadline_s
        )
        return _finish(staged, outcome)

    async def averify_batch(self, pairs: Iterable[tuple[str, str]]) -> list[MathResult]:
        return list(await asyncio.gather(*(self.averify(p, r) for p, r in pairs)))

    def _pool_for(self, workers: int | None) -> DeadlinePool:
        """The pool a batch runs on: the given one, or one of ``workers`` processes."""
        if workers is None or self._pool is not None:
            return self.pool
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if self._batch_pool is None or self._batch_pool.workers != workers:
            self.close()
            self._batch_pool = DeadlinePool(workers, initializer=warm_worker)
        return self._batch_pool

    def close(self) -> None:
        """Stop the worker processes a batch with ``workers=N`` started."""
        if self._batch_pool is not None:
            self._batch_pool.close()
            self._batch_pool = None

    def __enter__(self) -> MathVerifier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class _Pending:
    """A pair the cheap paths could not decide: it needs the symbolic path."""

    pred: str
    gold: str
    rule: str | None


def _verify_cached(
    prediction: str, reference: str, config: MathConfig, pool: DeadlinePool | None
) -> MathResult:
    staged = _stage_cached(prediction, reference, config)
    if not isinstance(staged, _Pending):
        return staged
    try:
        outcome = _symbolic_cached(staged.pred, staged.gold, config, pool)
    except _Transient as transient:
        outcome = transient.outcome
    return _finish(staged, outcome)


class _Transient(Exception):
    """Carries a timeout or worker error out of the cache: those are not remembered."""

    def __init__(self, outcome: DeadlineResult) -> None:
        super().__init__(outcome.status)
        self.outcome = outcome


@lru_cache(maxsize=1 << 12)
def _symbolic_cached(
    pred: str, gold: str, config: MathConfig, pool: DeadlinePool | None
) -> DeadlineResult:
    runner = pool if pool is not None else math_pool()
    outcome = runner.run(full_compare, pred, gold, config, deadline_s=config.deadline_s)
    if outcome.status != "ok":
        raise _Transient(outcome)  # lru_cache keeps no exception: the next call retries
    return outcome


def _stage_cached(prediction: str, reference: str, config: MathConfig) -> MathResult | _Pending:
    """`_stage`, remembered for short inputs only: a cache keyed by whole responses of
    RL rollouts would hold hundreds of megabytes and rarely hit."""
    if len(prediction) + len(reference) > _MAX_CACHED_CHARS:
        return _stage(prediction, reference, config)
    return _stage_memo(prediction, reference, config)


@lru_cache(maxsize=1 << 14)
def _stage_memo(prediction: str, reference: str, config: MathConfig) -> MathResult | _Pending:
    return _stage(prediction, reference, config)


def _stage(prediction: str, reference: str, config: MathConfig) -> MathResult | _Pending:
    """Extract both answers and try the cheap comparisons."""
    gold = _gold_answer(reference)
    if gold is None:
        return MathResult(False, "bad_reference", None, None, "the reference holds no answer")
    pred, rule = _predicted_answer(prediction, gold)
    if pred is None:
        return MathResult(False, "no_answer", None, gold, "no final answer in the prediction")
    try:
        comparison = cheap_compare(pred, gold, config)
    except Exception as exc:  # an untrusted boundary: a verdict, never a crash
        log.debug("cheap_compare failed on %r vs %r", pred, gold, exc_info=True)
        return MathResult(
            False, "error", pred, gold, f"{type(exc).__name__}: {exc}"[:200], None, rule
        )
    if comparison is None:
        return _Pending(pred, gold, rule)
    return _from_comparison(comparison, rule)


def _finish(pending: _Pending, outcome: DeadlineResult) -> MathResult:
    if outcome.status == "timeout":
        reason = f"symbolic comparison ran past its deadline ({outcome.elapsed_s:.1f} s)"
        return MathResult(
            False, "timeout", pending.pred, pending.gold, reason, "symbolic", pending.rule
        )
    if outcome.status != "ok" or not isinstance(outcome.value, Comparison):
        reason = outcome.error or "the symbolic comparison returned no verdict"
        return MathResult(
            False, "error", pending.pred, pending.gold, reason[:200], "symbolic", pending.rule
        )
    return _from_comparison(outcome.value, pending.rule)


def _from_comparison(comparison: Comparison, rule: str | None) -> MathResult:
    c = comparison
    correct = c.equal and c.status == "ok"
    return MathResult(correct, c.status, c.pred, c.gold, c.reason, c.method, rule)


def _gold_answer(reference: str) -> str | None:
    """A reference is a bare answer, or a solution whose answer is boxed or after ####."""
    if "\\boxed" in reference or "\\fbox" in reference or "####" in reference:
        extraction = extract_answer(reference)
        if extraction.status == "ok" and extraction.rule in ("boxed", "fbox", "gsm8k"):
            return extraction.answer
    stripped = reference.strip()
    return stripped or None


def _predicted_answer(prediction: str, gold: str) -> tuple[str | None, str | None]:
    """The answer a response settles on; a short one-line prediction is taken whole.
    Against an equation that is not an assignment (``x^2 + y^2 = 13``), an unmarked
    answer is the whole formula its last number ends, not that number."""
    extraction = extract_answer(prediction)
    if extraction.status == "ok" and extraction.rule in _MARKED_RULES:
        return extraction.answer, extraction.rule
    if extraction.start is not None and extraction.end is not None and _EQUATION.match(gold):
        formula = whole_formula(prediction, extraction.start, extraction.end)
        if formula is not None and "=" in formula:
            return formula, "last_math"
    stripped = prediction.strip()
    one_line = stripped and len(stripped) <= _MAX_BARE and "\n" not in stripped
    if one_line and len(_PROSE_WORD.findall(stripped)) < 3:  # "(1, 2)", "x = 3", "\text{Mon}"
        prose = _DELIMITED_MATH.sub("", stripped)
        if prose == stripped or _PROSE_WORD.search(prose) is None:  # not "We have \[...\]"
            return stripped, "bare"
    return extraction.answer, extraction.rule


def _check_types(prediction: object, reference: object) -> None:
    if not isinstance(prediction, str) or not isinstance(reference, str):
        raise TypeError(
            "verify_math takes strings, got "
            f"{type(prediction).__name__} and {type(reference).__name__}"
        )
