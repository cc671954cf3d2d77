"""Model-free step checking: recompute the claims each reasoning step makes.

>>> check_text("12 × 3 = 36").status
'verified'
"""

from stepscore.verifiers.steps.check import (
    CheckConfig,
    Claim,
    StepStatus,
    StepVerdict,
    check_steps,
    check_text,
    first_error,
)
from stepscore.verifiers.steps.judge import CheckerJudge, VerifierPRM

__all__ = [
    "CheckConfig",
    "CheckerJudge",
    "Claim",
    "StepStatus",
    "StepVerdict",
    "VerifierPRM",
    "check_steps",
    "check_text",
    "first_error",
]
