"""The public surface: light to import, exports that match what is defined."""

from __future__ import annotations

import subprocess
import sys

import pytest

import stepscore

HEAVY = ("torch", "transformers", "trl", "datasets", "ray", "docker", "accelerate")


def test_import_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, stepscore, stepscore.cli, stepscore.reasoning, stepscore.prm\n"
        f"print(sorted(set(sys.modules) & set({HEAVY!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    "module",
    [
        "stepscore",
        "stepscore.errors",
        "stepscore.reasoning",
        "stepscore.reasoning.formats",
        "stepscore.verifiers.deadline",
        "stepscore.verifiers.math",
        "stepscore.benchmarks",
        "stepscore.benchmarks.metrics",
        "stepscore.verifiers.steps",
        "stepscore.verifiers.sandbox",
        "stepscore.prm",
    ],
)
def test_all_is_sorted_and_real(module: str) -> None:
    mod = __import__(module, fromlist=["__all__"])
    rank = {True: 0, False: 1}  # ruff's order: CONSTANTS, then Classes, then functions
    key = lambda n: (rank[n.isupper()] if n[:1].isupper() else 2, n)  # noqa: E731
    assert list(mod.__all__) == sorted(mod.__all__, key=key)
    assert all(hasattr(mod, name) for name in mod.__all__)


def test_top_level_exports_are_what_the_package_defines() -> None:
    public = {
        n
        for n in vars(stepscore)
        if not n.startswith("_") and not isinstance(getattr(stepscore, n), type(stepscore))
    }
    assert public | {"__version__"} == set(stepscore.__all__)


def test_error_tree() -> None:
    for name in (
        "UnknownNameError",
        "TraceError",
        "FormatError",
        "MissingExtraError",
        "DataUnavailableError",
        "IsolationUnavailableError",
    ):
        assert issubclass(getattr(stepscore, name), stepscore.StepscoreError)
    assert issubclass(stepscore.StepscoreError, Exception)
    assert issubclass(stepscore.MissingExtraError, ImportError)
    assert "pip install 'stepscore[train]'" in str(stepscore.MissingExtraError("torch", "train"))
    assert str(stepscore.FormatError("bad", line=3)) == "line 3: bad"


@pytest.mark.slow
def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """No import cycle that only bites when a module is the first one imported."""
    import pkgutil

    walk = pkgutil.walk_packages(stepscore.__path__, "stepscore.")
    names = [m.name for m in walk if not m.name.endswith("__main__")]  # __main__ runs the CLI
    code = (
        "import subprocess, sys\n"
        "bad = [n for n in sys.argv[1:] if subprocess.run([sys.executable, '-c', "
        "f'import {n}'], capture_output=True).returncode]\n"
        "print(' '.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *names], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "", f"these fail when imported first: {out.strip()}"
