"""Math answers: extraction now; normalization and equivalence build on it."""

from stepscore.verifiers.math.extract import (
    EXTRACTION_STYLES,
    Extraction,
    ExtractionStyle,
    extract_answer,
)

__all__ = ["EXTRACTION_STYLES", "Extraction", "ExtractionStyle", "extract_answer"]
