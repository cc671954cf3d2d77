"""Step scorers by name, for the command line and configs.

A spec is one of:

- a catalog name: ``checker-prm`` (the model-free step checker as a scorer);
- ``hf:PATH`` or the path of a model directory: `HFStepScorer.from_pretrained`, its
  family read from the directory (``stepscore_prm.json``) or given as ``family=``;
- ``judge:BASE_URL`` or ``judge:BASE_URL#MODEL``: `JudgeScorer` on an OpenAI-compatible
  endpoint (e.g. ``judge:http://localhost:8000/v1#Qwen/Qwen2.5-72B-Instruct``).

>>> load_scorer("checker-prm").name
'checker-prm'
>>> load_scorer("chekcer-prm")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown step scorer 'chekcer-prm'; did you mean ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stepscore.errors import UnknownNameError
from stepscore.prm.scores import StepScorer

__all__ = ["SCORER_FORMS", "load_scorer"]

SCORER_FORMS: tuple[str, ...] = ("checker-prm", "hf:PATH", "judge:URL[#MODEL]")


def load_scorer(
    spec: str, *, family: str | None = None, device: str | None = None, **options: Any
) -> StepScorer:
    """The step scorer ``spec`` names (see the module docstring); ``options`` go to its
    constructor (e.g. ``max_length``, ``batch_size``, ``samples``)."""
    if spec == "checker-prm":
        from stepscore.verifiers.steps.judge import VerifierPRM

        return VerifierPRM(**options)
    if spec.startswith("judge:"):
        from stepscore.prm.generate import OpenAIGenerator
        from stepscore.prm.judge import JudgeScorer

        url, _, model = spec[len("judge:") :].partition("#")
        return JudgeScorer(OpenAIGenerator(url, model or "default"), **options)
    path = spec[len("hf:") :] if spec.startswith("hf:") else spec
    if spec.startswith("hf:") or Path(path).is_dir():
        from stepscore.prm.hf import HFStepScorer

        return HFStepScorer.from_pretrained(path, family=family, device=device, **options)
    raise UnknownNameError("step scorer", spec, SCORER_FORMS)
