"""Reasoning traces and their steps: the data model, segmenters and formats.

>>> from stepscore.reasoning import segment
>>> [s.text for s in segment("First, 2 + 3 = 5.\\n\\nSo the answer is 5.").steps]
['First, 2 + 3 = 5.', 'So the answer is 5.']
"""

from stepscore.reasoning.cot import COT_STRATEGIES, DEFAULT_TAG
from stepscore.reasoning.refine import RefineMarkers
from stepscore.reasoning.segment import POT_STRATEGIES, detect_kind, segment
from stepscore.reasoning.trace import Segmentation, Step, Trace

__all__ = [
    "COT_STRATEGIES",
    "DEFAULT_TAG",
    "POT_STRATEGIES",
    "RefineMarkers",
    "Segmentation",
    "Step",
    "Trace",
    "detect_kind",
    "segment",
]
