"""stepscore: process supervision and verification of LLM reasoning.

Split reasoning traces into steps, check and score them, and turn the judgements
into rewards, labels and benchmark figures. Importing stepscore loads no torch.
"""

from stepscore.errors import (
    DataUnavailableError,
    FormatError,
    IsolationUnavailableError,
    MissingExtraError,
    StepscoreError,
    TraceError,
    UnknownNameError,
)
from stepscore.reasoning import Segmentation, Step, Trace

__version__ = "0.1.0"

__all__ = [
    "DataUnavailableError",
    "FormatError",
    "IsolationUnavailableError",
    "MissingExtraError",
    "Segmentation",
    "Step",
    "StepscoreError",
    "Trace",
    "TraceError",
    "UnknownNameError",
    "__version__",
]
