"""Facts of the calendar, coins and measures that a step states: read only where stated
as facts, decided, and never read in a count of something done."""

from __future__ import annotations

import pytest

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import check_steps, check_text, first_error
from stepscore.verifiers.steps.facts import find_facts


@pytest.mark.parametrize(
    ("text", "what", "status"),
    [
        ("There are 30 days in March, and each member posts 3.", "days in March", "refuted"),
        ("There are 31 days in May.", "days in May", "verified"),
        ("May has 31 days.", "days in May", "verified"),
        ("February has 29 days this year.", "days in February", "verified"),
        ("February has 30 days.", "days in February", "refuted"),
        ("there are 7 days in a week", "days in a week", "verified"),
        ("Since there are 5 days in a week, ...", "days in a week", "refuted"),
        ("an hour has 60 minutes", "minutes in an hour", "verified"),
        ("1 hour = 50 minutes", "minutes in an hour", "refuted"),
        ("1 foot = 12 inches", "inches in a foot", "verified"),
        ("There are 3600 seconds in an hour.", "seconds in an hour", "verified"),
        ("There are 5,280 feet in a mile.", "feet in a mile", "verified"),
        ("there are 52 weeks in a year", "weeks in a year", "verified"),
        ("there are 4 quarts in a gallon", "quarts in a gallon", "verified"),
        ("quarterly, which means three times in a year", "quarterly (times a year)", "refuted"),
        ("monthly, which is 12 times a year", "monthly (times a year)", "verified"),
        ("A nickel is worth 5 cents.", "a nickel (cents)", "verified"),
        ("two nickels are worth $0.10 (10 cents) each, so", "a nickel (cents)", "refuted"),
        ("pennies are worth $0.05 each", "a penny (cents)", "refuted"),
        ("A dime is worth $0.10.", "a dime (cents)", "verified"),
        ("half a dozen plates means 6/2 = 3 plates", "half a dozen", "refuted"),
        ("a dozen is 12", "a dozen", "verified"),
        (
            "From January 1st to July 18th, there are 203 days.",
            "days from January 1 to July 18",
            "refuted",
        ),
        (
            "From March 1 to March 31, there are 30 days.",
            "days from March 1 to March 31",
            "verified",
        ),
        (
            "From March 1 to March 31, there are 31 days.",
            "days from March 1 to March 31",
            "verified",
        ),
        (
            "From December 25 to January 5, there are 11 days.",
            "days from December 25 to January 5",
            "verified",
        ),
    ],
)
def test_facts_decided(text: str, what: str, status: str) -> None:
    (fact,) = find_facts(text)
    assert fact.left == what
    assert fact.status == status
    assert check_text(text).status == status
    if status == "refuted":
        assert "not" in fact.reason


@pytest.mark.parametrize(
    "text",
    [
        "She works 20 days in March.",  # a count of days worked, not a fact
        "He runs 3 days a week.",
        "Each week has 3 days of practice.",
        "Each day is 1 hour of lunch and breaks.",
        "the total time each day is 1 hour",
        "A week has 5 school days.",
        "There are 4 weeks in a month.",  # an approximation no table holds
        "There are 12 eggs in a carton.",
        "a quarter of an hour is 15 minutes",
        "two nickels are worth $0.10",  # together, not each
        "half a dozen eggs cost $3",
        "From February 30 to March 3, there are 2 days.",  # not a date
        "",
    ],
)
def test_not_facts(text: str) -> None:
    assert [f for f in find_facts(text) if f.status == "refuted"] == []
    assert check_text(text).status != "refuted"


def test_the_problems_own_convention_is_not_read() -> None:
    problem = "Assume each month has 30 days. Tom saves $2 a day. How much in March?"
    trace = Trace.from_steps(
        ["There are 30 days in March, so 30 * 2 = 60 dollars."], prompt=problem
    )
    assert first_error(check_steps(trace)) is None
    week = "Ann works 5 days a week, 8 hours a day. How many hours a week?"
    trace = Trace.from_steps(["A week has 5 days, so 5 * 8 = 40 hours."], prompt=week)
    assert first_error(check_steps(trace)) is None
    assert first_error(check_steps(Trace.from_steps(["A week has 5 days."], prompt="x"))) == 0


@pytest.mark.parametrize(
    ("problem", "step"),
    [
        ("Each month is a 30-day month. How much in March?", "There are 30 days in March."),
        ("A plank is 13 feet long.", "There are 13 feet in a yard."),
        ("Her ruler marks a 10-inch foot.", "There are 10 inches in a foot."),
    ],
)
def test_a_convention_the_problem_writes_in_another_form(problem: str, step: str) -> None:
    assert first_error(check_steps(Trace.from_steps([step], prompt=problem))) is None
    assert first_error(check_steps(Trace.from_steps([step], prompt="x"))) == 0
