"""MathConfig: frozen, keyword-only, validated, hashable."""

from __future__ import annotations

import dataclasses
import math
import pickle

import pytest

from stepscore.errors import UnknownNameError
from stepscore.verifiers.math.config import PERCENT_POLICIES, UNIT_POLICIES, MathConfig


def test_defaults() -> None:
    config = MathConfig()
    assert (config.rel_tol, config.abs_tol, config.percent, config.units) == (
        1e-6,
        1e-9,
        "either",
        "strip",
    )
    assert config.deadline_s == 5.0
    assert PERCENT_POLICIES == ("either", "value", "strip")
    assert UNIT_POLICIES == ("strip", "keep")


def test_frozen_keyword_only_and_hashable() -> None:
    config = MathConfig(rel_tol=1e-4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.rel_tol = 0.1  # type: ignore[misc]
    with pytest.raises(TypeError):
        MathConfig(1e-4)  # type: ignore[misc]
    assert {config: 1}[MathConfig(rel_tol=1e-4)] == 1
    assert MathConfig() != config
    assert pickle.loads(pickle.dumps(config)) == config


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rel_tol": -1e-6},
        {"rel_tol": 1.0},
        {"rel_tol": math.nan},
        {"abs_tol": math.inf},
        {"abs_tol": -1.0},
        {"deadline_s": 0},
        {"deadline_s": -1},
    ],
)
def test_bad_numbers_raise_value_error(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        MathConfig(**kwargs)


@pytest.mark.parametrize("kwargs", [{"rel_tol": "1e-6"}, {"abs_tol": None}, {"deadline_s": True}])
def test_non_numbers_raise_type_error(kwargs: dict) -> None:
    with pytest.raises(TypeError):
        MathConfig(**kwargs)


def test_unknown_policies_suggest_the_known_ones() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'either'"):
        MathConfig(percent="eiter")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="unit policy"):
        MathConfig(units="drop")  # type: ignore[arg-type]
