"""Model-free step checking: recompute the claims each reasoning step makes, run
program-of-thought steps in the sandbox, follow self-refinement rounds, and, given the
gold answer (and solution), locate the first error of a wrong trace.

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
from stepscore.verifiers.steps.program import (
    ProgramRun,
    check_program,
    execute_program,
    execute_programs,
)
from stepscore.verifiers.steps.reference import LocatedError, locate_error
from stepscore.verifiers.steps.rounds import RoundReport, check_rounds

__all__ = [
    "CheckConfig",
    "CheckerJudge",
    "Claim",
    "LocatedError",
    "ProgramRun",
    "RoundReport",
    "StepStatus",
    "StepVerdict",
    "VerifierPRM",
    "check_program",
    "check_rounds",
    "check_steps",
    "check_text",
    "execute_program",
    "execute_programs",
    "first_error",
    "locate_error",
]
