"""The ``>>>`` examples in the PRM modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "stepscore.prm",
    "stepscore.prm.aggregate",
    "stepscore.prm.catalog",
    "stepscore.prm.consensus",
    "stepscore.prm.families",
    "stepscore.prm.forward",
    "stepscore.prm.generate",
    "stepscore.prm.judge",
    "stepscore.prm.metrics",
    "stepscore.prm.montecarlo",
    "stepscore.prm.scores",
    "stepscore.prm.synthetic",
    "stepscore.reasoning.trace",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
