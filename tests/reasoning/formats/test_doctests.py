"""The ``>>>`` examples in the format modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "stepscore.reasoning.formats",
    "stepscore.reasoning.formats.base",
    "stepscore.reasoning.formats.catalog",
    "stepscore.reasoning.formats.files",
    "stepscore.reasoning.formats.jsonl",
    "stepscore.reasoning.formats.math_shepherd",
    "stepscore.reasoning.formats.prm800k",
    "stepscore.reasoning.formats.processbench",
    "stepscore.reasoning.formats.trl",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
