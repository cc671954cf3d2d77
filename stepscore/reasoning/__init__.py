"""Reasoning traces and their steps: the data model, segmenters and formats."""

from stepscore.reasoning.trace import Segmentation, Step, Trace

__all__ = ["Segmentation", "Step", "Trace"]
