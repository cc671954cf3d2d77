"""Self-refinement checked round by round (issue 6, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore.reasoning import segment
from stepscore.reasoning.formats.reflexion import reflexion_trace
from stepscore.verifiers.steps.rounds import check_rounds, feedback_claim


def _labels(text: str, reference: str = "12"):  # type: ignore[no-untyped-def]
    report = check_rounds(segment(text), reference=reference)
    return report, [(r.verdict, r.label) for r in report.rounds]


def test_right_draft_kept() -> None:
    report, labels = _labels(
        "Draft: 3 * 4 = 12. The answer is 12.\nFeedback: This looks correct.\n"
        "Revision: 3 * 4 = 12. The answer is 12."
    )
    assert labels == [("correct", "draft"), ("correct", "kept")]
    assert report.regressions == report.false_alarms == report.missed_errors == ()
    assert report.final is not None and report.final.verdict == "correct"


def test_wrong_draft_fixed_over_two_rounds() -> None:
    report, labels = _labels(
        "Draft: 3 * 4 = 7. The answer is 7.\nFeedback: That is wrong, you added.\n"
        "Revision: 3 * 4 = 13. The answer is 13.\nFeedback: Still a mistake: 3 * 4 is 12.\n"
        "Revision: 3 * 4 = 12. The answer is 12."
    )
    assert labels == [("wrong", "draft"), ("wrong", "still_wrong"), ("correct", "fixed")]
    assert report.regressions == () and report.false_alarms == ()


def test_right_draft_broken_by_a_revision_is_a_regression_and_a_false_alarm() -> None:
    report, labels = _labels(
        "Draft: 3 * 4 = 12. The answer is 12.\nFeedback: There is an error: 3 * 4 is 14.\n"
        "Revision: 3 * 4 = 14. The answer is 14."
    )
    assert labels == [("correct", "draft"), ("wrong", "regressed")]
    assert report.regressions == (1,) and report.false_alarms == (1,)


def test_feedback_that_approves_a_wrong_answer_is_a_missed_error() -> None:
    report, labels = _labels(
        "Draft: 3 * 4 = 11. The answer is 11.\nFeedback: No errors, all good.\n"
    )
    assert labels == [("wrong", "draft"), ("wrong", "no_revision")]
    assert report.missed_errors == (1,) and report.false_alarms == ()


def test_code_rounds_from_chat_turns() -> None:
    turns = [
        "def add(a, b):\n    return a - b",
        "The function subtracts instead of adding.",
        "def add(a, b):\n    return a + b",
        "The tests fail on negatives, it should use abs.",  # a false alarm
        "def add(a, b):\n    return abs(a) + abs(b)",  # and the fix it asked for breaks it
    ]
    tests = ["assert add(1, 2) == 3", "assert add(-1, -2) == -3"]
    report = check_rounds(segment(turns), tests=tests, kind="code")
    assert [(r.verdict, r.label) for r in report.rounds] == [
        ("wrong", "draft"),
        ("correct", "fixed"),
        ("wrong", "regressed"),
    ]
    assert report.regressions == (2,) and report.false_alarms == (2,)
    assert "return a + b" in (report.rounds[1].answer or "")


def test_unknown_rounds_and_bad_arguments() -> None:
    report = check_rounds(segment("Draft: I am not sure.\nFeedback: Try again.\nRevision: Hm."))
    assert report.status == "no_rounds"
    assert [r.verdict for r in report.rounds] == ["unknown", "unknown"]
    with pytest.raises(ValueError):
        check_rounds(segment("2 + 2 = 4"), reference="4")  # a cot trace
    with pytest.raises(ValueError):
        check_rounds(segment("Draft: a\nFeedback: b\nRevision: c"), kind="code")


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("The implementation is incorrect because it ignores 0.", "error"),
        ("It should return -1 for an empty list.", "error"),
        ("There are no mistakes here.", "approves"),
        ("The answer looks right.", "approves"),
        ("Let us think about it.", "unclear"),
    ],
)
def test_feedback_claims(text: str, claim: str) -> None:
    assert feedback_claim(text) == claim


def test_reflexion_rows_read_as_refine_traces(shared_data: Path) -> None:
    path = shared_data / "traces" / "reflexion"
    path = path / "reflexion_mbpp_py_mbpp-py._reflexion_5_gpt-4_pass_at_k_1_py.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:12]]
    for row in rows:
        trace = reflexion_trace(row)
        rounds = sorted({s.round for s in trace.steps})
        assert rounds == ([0] if not row["reflections"] else list(range(1, len(rounds) + 1)))
        assert [s.kind for s in trace.steps].count("feedback") == len(row["reflections"])
        report = check_rounds(trace, tests=[row["test"]], kind="code")
        assert report.final is not None
        assert (report.final.verdict == "correct") == row["is_solved"], row["name"]
