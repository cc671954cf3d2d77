"""Shared fixtures: the offline data folder (skips cleanly when absent), and the rule that
CI may not skip Docker tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stepscore.data_path import DATA_ENV, shared_data_dir

REQUIRE_DOCKER = "STEPSCORE_REQUIRE_DOCKER"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder (or ``$STEPSCORE_DATA``); skips the test without it."""
    path = shared_data_dir()
    if path is None:
        pytest.skip(f"shared benchmark data not found; set {DATA_ENV} to its folder")
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Under ``STEPSCORE_REQUIRE_DOCKER=1`` (set by CI, which starts an engine), a
    ``docker`` test that skips fails instead: CI must not go green without them."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("docker") and os.environ.get(REQUIRE_DOCKER):
        report.outcome = "failed"
        report.longrepr = (
            f"{REQUIRE_DOCKER} is set, but this docker test skipped: {report.longrepr}"
        )
