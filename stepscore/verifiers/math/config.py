"""How strictly two math answers must agree: one frozen, hashable config.

The defaults grade the way a careful person grades MATH and GSM8K:

- ``rel_tol=1e-6``, ``abs_tol=1e-9``: the tolerance applies only where a side was
  written as a decimal (it may have been rounded). Integers and fractions compare
  exactly, so GSM8K's ``10001`` is never ``10000``, and so do two decimals written to the
  same number of places (``1234567.89`` is not ``1234567.88``). ``1e-6`` accepts a
  repeating decimal written to six places (``0.333333`` for ``\\frac{1}{3}``, as
  Math-Verify's six-place rounding does) and rejects one rounded to four (``0.3333``) or
  to two (``3.14`` for ``\\pi``). Values computed in floating point from exact forms
  (``2\\sqrt{3}`` vs ``\\sqrt{12}``) must agree to ``1e-9``.
- ``percent="either"``: ``20\\%`` equals both ``20`` and ``0.2`` (models drop the sign,
  or convert it, and both are right); Math-Verify accepts both too. ``"value"`` reads
  ``p\\%`` as the number ``p/100`` only, ``"strip"`` as ``p`` only.
- ``units="strip"``: a unit after a number (``5\\text{ cm}``, ``18 dollars``,
  ``\\$5``, ``30^\\circ``) is dropped. Degrees are never converted to radians:
  ``30^\\circ`` is ``30``, not ``\\frac{\\pi}{6}``. ``"keep"`` keeps unit words as part
  of the answer, so ``5\\text{ cm}`` and ``5`` differ.
- ``deadline_s=5.0``: the budget for the symbolic path, enforced by the caller in a
  worker process (`full_compare` itself never times out).

>>> MathConfig(rel_tol=1e-4).rel_tol
0.0001
>>> MathConfig(percent="sometimes")
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown percent policy 'sometimes' (known: either, value, strip)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, get_args

from stepscore.errors import UnknownNameError

__all__ = ["PERCENT_POLICIES", "UNIT_POLICIES", "MathConfig", "PercentPolicy", "UnitPolicy"]

PercentPolicy = Literal["either", "value", "strip"]
UnitPolicy = Literal["strip", "keep"]
PERCENT_POLICIES: tuple[str, ...] = get_args(PercentPolicy)
UNIT_POLICIES: tuple[str, ...] = get_args(UnitPolicy)


@dataclass(frozen=True, kw_only=True, slots=True)
class MathConfig:
    """Tolerances and policies for comparing two math answers (see the module docstring).

    Frozen and hashable, so a config can key a cache; validated on construction.
    """

    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    percent: PercentPolicy = "either"
    units: UnitPolicy = "strip"
    deadline_s: float = 5.0

    def __post_init__(self) -> None:
        for name in ("rel_tol", "abs_tol", "deadline_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"MathConfig.{name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"MathConfig.{name} must be finite and >= 0, not {value!r}")
        if self.rel_tol >= 1:
            raise ValueError(f"MathConfig.rel_tol must be below 1, not {self.rel_tol!r}")
        if self.deadline_s == 0:
            raise ValueError("MathConfig.deadline_s must be above 0")
        if self.percent not in PERCENT_POLICIES:
            raise UnknownNameError("percent policy", self.percent, PERCENT_POLICIES)
        if self.units not in UNIT_POLICIES:
            raise UnknownNameError("unit policy", self.units, UNIT_POLICIES)
