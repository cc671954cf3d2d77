"""Reduce a trace's step scores to one number.

Which reduction ranks solutions best depends on the PRM and the task, so all the ones
in use are here: ``min`` (the weakest step; Lightman et al. 2023, "Let's Verify Step by
Step", sec. 3 use the product, later work such as search-and-learn and Wang et al.
2024 "Math-Shepherd" sec. 3.4 the minimum), ``prod`` (probability that every step is
right, if step errors were independent), ``last`` (the final step's score, as
outcome-style PRM use), ``mean`` and ``geomean`` (length-neutral variants of sum and
product). Steps without a score (None: not scored, e.g. cut by truncation) are left
out; a trace with no scored step aggregates to None.

>>> aggregate([0.9, 0.5, 0.8], "min"), aggregate([0.5, 0.5], "prod")
(0.5, 0.25)
>>> round(aggregate([0.25, 1.0], "geomean"), 6), aggregate([0.9, None], "last")
(0.5, 0.9)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, get_args

from stepscore.errors import UnknownNameError

__all__ = ["AGGREGATIONS", "Aggregation", "aggregate"]

Aggregation = Literal["min", "prod", "last", "mean", "geomean"]
AGGREGATIONS: tuple[str, ...] = get_args(Aggregation)


def aggregate(scores: Sequence[float | None], how: Aggregation | str = "min") -> float | None:
    """One number for a trace from its step scores (None when no step has a score)."""
    if how not in AGGREGATIONS:
        raise UnknownNameError("aggregation", str(how), AGGREGATIONS)
    values = [float(s) for s in scores if s is not None]
    if not values:
        return None
    if how == "min":
        return min(values)
    if how == "last":
        return values[-1]
    if how == "mean":
        return math.fsum(values) / len(values)
    if how == "prod":
        return math.prod(values)
    if any(v <= 0.0 for v in values):  # geomean: a zero step makes the trace zero
        return 0.0
    return math.exp(math.fsum(math.log(v) for v in values) / len(values))
