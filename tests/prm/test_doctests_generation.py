"""The ``>>>`` examples in the generation, judge and labelling modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "stepscore.prm.consensus",
    "stepscore.prm.generate",
    "stepscore.prm.judge",
    "stepscore.prm.montecarlo",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
