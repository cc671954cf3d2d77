"""Sample traces shipped with stepscore: the default input of `stepscore eval`.

Forty short hand-written traces (chain-of-thought, program-of-thought and
self-refinement), some right and some with a wrong step, each with its gold answer
and, where a step is wrong, the text of the first wrong step (``wrong_step``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["sample_traces_path"]


def sample_traces_path() -> Path:
    """Path of the shipped sample traces (JSONL)."""
    return Path(str(files(__name__).joinpath("traces.jsonl")))
