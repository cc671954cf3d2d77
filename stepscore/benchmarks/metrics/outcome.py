"""Outcome metrics: the fraction of answers that are right, and the unbiased pass@k.

>>> accuracy([True, False, True, True])
0.75
>>> round(pass_at_k(n=10, c=3, k=1), 12), round(pass_at_k(n=10, c=3, k=5), 4)
(0.3, 0.9167)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["accuracy", "mean_pass_at_k", "pass_at_k"]


def accuracy(correct: Sequence[bool]) -> float:
    """The fraction of True verdicts, in [0, 1].

    Empty input raises ValueError rather than returning NaN: the mean of no verdicts is
    a figure nobody should report, and the caller that got there has lost its samples.
    ``None`` ("not applicable" elsewhere in stepscore) is not a verdict and raises too;
    drop those samples, or count them as wrong, before calling.

    >>> accuracy([True, True, False])
    0.6666666666666666
    >>> accuracy([])
    Traceback (most recent call last):
    ...
    ValueError: accuracy of no verdicts: the sequence is empty
    """
    verdicts = list(correct)
    if not verdicts:
        raise ValueError("accuracy of no verdicts: the sequence is empty")
    for position, verdict in enumerate(verdicts):
        if verdict not in (True, False):  # True, False, 1, 0 (numpy bools too); not None
            raise ValueError(f"verdict {position} is {verdict!r}, not a bool")
    return sum(bool(v) for v in verdicts) / len(verdicts)


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimate of pass@k from ``n`` samples of which ``c`` are correct.

    Chen et al. 2021, "Evaluating Large Language Models Trained on Code" (HumanEval),
    Sec. 2.1: pass@k = 1 - C(n - c, k) / C(n, k), the chance that k samples drawn
    without replacement from the n include a correct one. Computed, as there, as the
    product 1 - prod_{i = n-c+1}^{n} (1 - k / i), which never forms the huge binomials.

    ``k > n`` raises ValueError: n samples cannot estimate pass@k for a larger k.

    >>> pass_at_k(5, 0, 3), pass_at_k(5, 3, 3), pass_at_k(5, 5, 1)
    (0.0, 1.0, 1.0)
    >>> round(pass_at_k(4, 1, 2), 12)  # 1 - C(3, 2) / C(4, 2) = 1 - 3/6
    0.5
    """
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {value!r}")
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got c={c}, n={n}")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples; got n={n}")
    if n - c < k:
        return 1.0  # every draw of k samples includes a correct one
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def mean_pass_at_k(counts: Sequence[tuple[int, int]], k: int) -> float:
    """pass@k averaged over problems, each given as ``(n, c)`` (Chen et al. 2021, Sec. 2.1).

    >>> mean_pass_at_k([(2, 1), (2, 0), (2, 2)], k=1)
    0.5
    """
    counts = list(counts)
    if not counts:
        raise ValueError("mean pass@k of no problems: the sequence is empty")
    return math.fsum(pass_at_k(n, c, k) for n, c in counts) / len(counts)
