"""Math-Verify (huggingface/Math-Verify) as a second backend, behind the same `MathResult`.

Useful to audit stepscore's verdicts against the field's reference grader (see
``stepscore audit-math``). Math-Verify's own timeouts use SIGALRM timers, which work
only in a main thread; here they are switched off and each call runs in a
worker of the deadline pool instead, so this backend is as safe to call from any
thread as `verify_math`. Needs ``pip install 'stepscore[mathverify]'``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from stepscore.errors import MissingExtraError
from stepscore.verifiers.deadline import DeadlinePool, DeadlineResult
from stepscore.verifiers.math.verify import MathResult, math_pool

__all__ = ["MathVerifyBackend"]


class MathVerifyBackend:
    """``verify(prediction, reference) -> MathResult`` computed by Math-Verify.

    The reference is parsed as LaTeX math (wrapped in ``$...$`` unless it already
    holds a box or dollar signs), the prediction as a whole response, as Math-Verify's
    README does; ``float_rounding`` and ``numeric_precision`` are Math-Verify's.
    """

    def __init__(self, *, deadline_s: float = 10.0, pool: DeadlinePool | None = None) -> None:
        try:
            import math_verify  # noqa: F401
        except ImportError as exc:
            raise MissingExtraError("math_verify", "mathverify") from exc
        self.deadline_s = deadline_s
        self._pool = pool

    def verify(self, prediction: str, reference: str) -> MathResult:
        pool = self._pool if self._pool is not None else math_pool()
        outcome = pool.run(_compare, prediction, reference, deadline_s=self.deadline_s)
        return _result(outcome)

    def verify_batch(self, pairs: Iterable[tuple[str, str]]) -> list[MathResult]:
        pool = self._pool if self._pool is not None else math_pool()
        outcomes = pool.map(_compare, [tuple(p) for p in pairs], deadline_s=self.deadline_s)
        return [_result(o) for o in outcomes]


def compare_in_process(prediction: str, reference: str) -> tuple[bool, str | None, str | None]:
    """Math-Verify's verdict in this process (for benchmarks; no deadline)."""
    return _compare(prediction, reference)


def _compare(prediction: str, reference: str) -> tuple[bool, str | None, str | None]:
    from math_verify import parse, verify

    # Its timeouts are off on purpose (the deadline pool enforces ours): no warning about it.
    logging.getLogger("math_verify").setLevel(logging.ERROR)

    wrapped = reference if ("\\boxed" in reference or "$" in reference) else f"${reference}$"
    gold = parse(wrapped, parsing_timeout=None)  # type: ignore[arg-type]
    pred = parse(prediction, parsing_timeout=None)  # type: ignore[arg-type]
    correct = bool(gold and pred and verify(gold, pred, timeout_seconds=None))
    return correct, (str(pred[-1]) if pred else None), (str(gold[-1]) if gold else None)


def _result(outcome: DeadlineResult) -> MathResult:
    if outcome.status == "timeout":
        return MathResult(False, "timeout", None, None, "math_verify ran past its deadline")
    if outcome.status != "ok":
        return MathResult(False, "error", None, None, (outcome.error or "math_verify failed")[:200])
    correct, pred, gold = outcome.value
    if gold is None:
        return MathResult(False, "bad_reference", pred, None, "math_verify parsed no reference")
    if pred is None:
        return MathResult(False, "no_answer", None, gold, "math_verify parsed no answer")
    return MathResult(correct, "ok", pred, gold, "math_verify", "math_verify")
