"""Every ``>>>`` example in the package's docstrings runs and holds.

Modules are found by walking the package, so a new module's examples run without being
listed; the modules below must keep at least one example (their docs lean on them).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import stepscore

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(stepscore.__path__, "stepscore.")
    if not m.name.endswith("__main__")  # importing it runs the command line
)
MUST_HAVE_EXAMPLES = {
    "stepscore.benchmarks.benchmark",
    "stepscore.benchmarks.builtin",
    "stepscore.benchmarks.catalog",
    "stepscore.benchmarks.metrics",
    "stepscore.benchmarks.metrics.outcome",
    "stepscore.benchmarks.metrics.prmbench",
    "stepscore.benchmarks.metrics.processbench",
    "stepscore.benchmarks.metrics.selection",
    "stepscore.benchmarks.samples",
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
    "stepscore.reasoning.formats",
    "stepscore.reasoning.formats.base",
    "stepscore.reasoning.formats.catalog",
    "stepscore.reasoning.formats.files",
    "stepscore.reasoning.formats.jsonl",
    "stepscore.reasoning.formats.math_shepherd",
    "stepscore.reasoning.formats.prm800k",
    "stepscore.reasoning.formats.processbench",
    "stepscore.reasoning.formats.trl",
    "stepscore.reasoning.trace",
}


def test_the_required_modules_exist() -> None:
    assert set(MODULES) >= MUST_HAVE_EXAMPLES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if name in MUST_HAVE_EXAMPLES:
        assert result.attempted > 0
