"""Fixtures for the format tests: the shared sample files, loaded as raw records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


def _records(path: Path) -> list[Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def prm800k_path(shared_data: Path) -> Path:
    return shared_data / "prm_samples_openr" / "samples_prm800k.jsonl"


@pytest.fixture(scope="session")
def prm800k_rows(prm800k_path: Path) -> list[dict[str, Any]]:
    return _records(prm800k_path)


@pytest.fixture(scope="session")
def math_shepherd_path(shared_data: Path) -> Path:
    return shared_data / "prm_samples_openr" / "samples_math-shepherd.jsonl"


@pytest.fixture(scope="session")
def math_shepherd_rows(math_shepherd_path: Path) -> list[dict[str, Any]]:
    return _records(math_shepherd_path)


@pytest.fixture(scope="session", params=["gsm8k", "math"])
def processbench_path(request: pytest.FixtureRequest, shared_data: Path) -> Path:
    return shared_data / "processbench" / f"{request.param}.json"


@pytest.fixture(scope="session")
def processbench_rows(processbench_path: Path) -> list[dict[str, Any]]:
    return _records(processbench_path)
