"""Math answers: extraction, normalization, equivalence and the verifier built on them.

>>> verify_math("So the answer is $\\\\boxed{\\\\dfrac{3}{4}}$.", "0.75").correct
True
"""

from stepscore.verifiers.math.config import MathConfig
from stepscore.verifiers.math.equivalence import Comparison, cheap_compare, full_compare
from stepscore.verifiers.math.extract import (
    EXTRACTION_STYLES,
    Extraction,
    ExtractionStyle,
    extract_answer,
)
from stepscore.verifiers.math.verify import MathResult, MathStatus, MathVerifier, verify_math

__all__ = [
    "EXTRACTION_STYLES",
    "Comparison",
    "Extraction",
    "ExtractionStyle",
    "MathConfig",
    "MathResult",
    "MathStatus",
    "MathVerifier",
    "cheap_compare",
    "extract_answer",
    "full_compare",
    "verify_math",
]
