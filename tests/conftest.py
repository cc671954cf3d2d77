"""Shared fixtures: the offline data folder (skips cleanly when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepscore.data_path import DATA_ENV, shared_data_dir


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder (or ``$STEPSCORE_DATA``); skips the test without it."""
    path = shared_data_dir()
    if path is None:
        pytest.skip(f"shared benchmark data not found; set {DATA_ENV} to its folder")
    return path
