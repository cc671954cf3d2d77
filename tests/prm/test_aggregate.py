import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepscore.errors import UnknownNameError
from stepscore.prm.aggregate import AGGREGATIONS, aggregate
from stepscore.prm.scores import StepScores

unit = st.floats(min_value=0.0, max_value=1.0)


@given(st.lists(unit, min_size=1, max_size=30), st.sampled_from(AGGREGATIONS))
def test_aggregates_stay_in_bounds_and_below_the_max(scores, how):
    value = aggregate(scores, how)
    assert 0.0 <= value <= max(scores) + 1e-12
    if how in ("min", "prod"):
        assert value <= min(scores) + 1e-12


@given(st.lists(unit, min_size=1, max_size=30))
def test_order_of_reductions(scores):
    prod, geo, mean = (aggregate(scores, h) for h in ("prod", "geomean", "mean"))
    assert prod <= geo + 1e-9 <= mean + 2e-9  # AM-GM, product below its own mean root


def test_known_values():
    assert aggregate([0.9, 0.5, 0.8], "min") == 0.5
    assert aggregate([0.9, 0.5, 0.8], "last") == 0.8
    assert math.isclose(aggregate([0.9, 0.5, 0.8], "prod"), 0.36)
    assert math.isclose(aggregate([0.9, 0.5, 0.8], "mean"), 2.2 / 3)
    assert math.isclose(aggregate([0.5, 0.125], "geomean"), 0.25)
    assert aggregate([0.0, 1.0], "geomean") == 0.0


def test_unscored_steps_are_left_out():
    assert aggregate([None, 0.4, None], "last") == 0.4
    assert aggregate([None, None], "min") is None
    assert aggregate([], "mean") is None


def test_unknown_reduction_names_the_known_ones():
    with pytest.raises(UnknownNameError, match="did you mean 'mean'"):
        aggregate([0.5], "maen")


def test_step_scores_status_and_bounds():
    assert StepScores.of([]).status == "empty"
    failed = StepScores.failed(3, "prompt alone exceeds 512 tokens")
    assert failed.scores == (None, None, None) and failed.aggregate is None
    assert failed.to_dict()["status"] == "error"
    with pytest.raises(ValueError, match="outside"):
        StepScores.of([1.5])
    with pytest.raises(ValueError, match="outside"):
        StepScores.of([math.nan])
