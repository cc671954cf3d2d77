"""Step scorers by name, for the command line and configs.

A spec is one of:

- a catalog name: ``checker-prm`` (the model-free step checker as a scorer);
- ``hf:PATH`` or the path of a model directory: `HFStepScorer.from_pretrained`, its
  family read from the directory (``stepscore_prm.json``) or given as ``family=``;
- ``judge:BASE_URL`` or ``judge:BASE_URL#MODEL``: `JudgeScorer` on an OpenAI-compatible
  endpoint (e.g. ``judge:http://localhost:8000/v1#Qwen/Qwen2.5-72B-Instruct``);
- ``min(SPEC,SPEC,...)`` (or ``max``, ``mean``, ``prod``): `CombinedScorer`, the step
  scores of the specs inside joined step by step (e.g. ``min(checker-prm,hf:PATH)``;
  there ``checker-prm`` leaves the steps it cannot decide unscored, so the others'
  scores stand). ``family``, ``device`` and ``options`` go to every scorer inside.

>>> load_scorer("checker-prm").name, load_scorer("mean(checker-prm, min(checker-prm))").name
('checker-prm', 'mean(checker-prm,min(checker-prm))')
>>> load_scorer("chekcer-prm")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown step scorer 'chekcer-prm'; did you mean ...
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from stepscore.errors import UnknownNameError
from stepscore.prm.scores import StepScorer

__all__ = ["SCORER_FORMS", "load_scorer"]

SCORER_FORMS: tuple[str, ...] = ("checker-prm", "hf:PATH", "judge:URL[#MODEL]", "min(SPEC,...)")
_JOINED = re.compile(r"\s*(min|max|mean|prod)\s*\((.*)\)\s*", re.S)


def load_scorer(
    spec: str, *, family: str | None = None, device: str | None = None, **options: Any
) -> StepScorer:
    """The step scorer ``spec`` names (see the module docstring); ``options`` go to its
    constructor (e.g. ``max_length``, ``batch_size``, ``samples``)."""
    joined = _JOINED.fullmatch(spec)
    if joined is not None:
        from stepscore.prm.combine import CombinedScorer

        inner = [_inner(s, family=family, device=device, **options) for s in _split(joined[2])]
        return CombinedScorer(inner, join=joined[1])  # type: ignore[arg-type]
    spec = spec.strip()
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


def _inner(spec: str, **options: Any) -> StepScorer:
    """A scorer inside a join: ``checker-prm`` there leaves the steps it cannot decide
    unscored (``prior=None``), so they take the other scorers' scores."""
    if spec == "checker-prm" and "prior" not in options:
        options = {**options, "prior": None}
    return load_scorer(spec, **options)


def _split(specs: str) -> list[str]:
    """``a, min(b, c)`` -> ``["a", "min(b, c)"]``: commas outside brackets split."""
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(specs):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise ValueError(f"unbalanced brackets in scorer spec {specs!r}")
        if ch == "," and depth == 0:
            parts.append(specs[start:k])
            start = k + 1
    parts.append(specs[start:])
    if depth or not all(p.strip() for p in parts):
        raise ValueError(f"a joined scorer needs specs separated by commas, got {specs!r}")
    return [p.strip() for p in parts]
