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


def test_check_steps_reads_each_round_of_prose_and_leaves_programs_to_the_rounds() -> None:
    from stepscore.verifiers.steps import check_steps, first_error

    text = (
        "Draft: 35 / 5 = 8 packs, and 8 packs cost 8 × 4 = $32.\n"
        "Feedback: The draft has 35 / 5 = 8 packs; 35 / 5 is 7.\n"
        "Revision: 35 / 5 = 7 packs, and 7 packs cost 7 × 4 = $28. The answer is 28."
    )
    trace = segment(text)
    verdicts = check_steps(trace)
    assert [(s.kind, v.status) for s, v in zip(trace.steps, verdicts, strict=True)] == [
        ("draft", "refuted"),
        ("feedback", "verified"),  # it quotes the wrong claim and gives the right one
        ("revision", "verified"),
        ("revision", "unverifiable"),  # "The answer is 28."
    ]
    quoted = verdicts[1].claims[0]
    assert (quoted.status, quoted.reason) == ("unverifiable", "it quotes the step under review")
    assert first_error(verdicts) == 0
    # feedback that makes a wrong claim of its own is refuted (a false alarm, in words)
    wrong = segment("Draft: 7.5 × 4 = 30 hours.\nFeedback: No: 7.5 × 4 is 28, not 30.")
    assert [v.status for v in check_steps(wrong)] == ["verified", "refuted"]
    # a program's comment is not a claim; the prose around the fence is read
    coded = segment(
        "Draft:\n```python\ndef f():\n    # so 12 * 3 = 35\n    return 12 * 3\n```\n"
        "Feedback: The comment is off, as 12 * 3 = 36.\n"
        "Revision:\n```python\ndef f():\n    return 36\n```"
    )
    statuses = {(s.kind, v.status) for s, v in zip(coded.steps, check_steps(coded), strict=True)}
    assert statuses == {
        ("draft", "unverifiable"),
        ("feedback", "verified"),
        ("revision", "unverifiable"),
    }
    assert check_steps(segment("# so 12 * 3 = 35", "cot"))[0].status == "refuted"  # (as prose)
    # prose before and after a fenced program in one section: the fences bound the program
    mixed = segment(
        "Draft: My code:\n```python\ndef f():\n    # so 12 * 3 = 35\n    return 12 * 3\n```\n"
        "Feedback: Good.\nRevision: Code:\n```python\nx = 1  # 2 * 2 = 5\n```\nThen 3 * 3 = 10."
    )
    verdicts = check_steps(mixed)
    assert [(s.kind, v.status) for s, v in zip(mixed.steps, verdicts, strict=True)] == [
        ("draft", "unverifiable"),
        ("draft", "unverifiable"),
        ("feedback", "unverifiable"),
        ("revision", "unverifiable"),
        ("revision", "unverifiable"),
        ("revision", "refuted"),
    ]
    assert [v.reason.startswith("a program") for v in verdicts] == [0, 1, 0, 0, 1, 0]


def test_check_steps_on_reflexion_logs_refutes_no_reflection(shared_data: Path) -> None:
    from stepscore.verifiers.steps import check_steps

    path = shared_data / "traces" / "reflexion"
    path = path / "reflexion_mbpp_py_mbpp-py._reflexion_5_gpt-4_pass_at_k_1_py.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    traces = [reflexion_trace(row) for row in rows]
    statuses = {
        (s.kind, v.status, v.reason)
        for t in traces
        for s, v in zip(t.steps, check_steps(t), strict=True)
        if s.kind != "feedback"
    }
    assert {status for _, status, _ in statuses} == {"unverifiable"}  # programs: not read
    assert all("program" in reason for *_, reason in statuses)


def test_advice_to_check_is_no_error_claim_and_a_closing_check_line_is_no_answer() -> None:
    assert feedback_claim(
        "The steps hold, but the solution should be checked by substitution."
    ) == ("unclear")
    assert feedback_claim("Right, but it should be verified.") == "approves"
    assert feedback_claim("Right, but the product is wrong.") == "error"  # (an error wins)
    assert feedback_claim("The total should be 12.") == "error"
    report, labels = _labels(
        "Draft: 2x = 12, so x = 6.\nFeedback: Fine, but it should be verified.\n"
        "Revision: 2x = 12, so x = 6.\nCheck: 4(6) - 7 = 17 and 2(6) + 5 = 17.",
        reference="6",
    )
    assert labels == [("correct", "draft"), ("correct", "kept")]
    assert report.false_alarms == ()


@pytest.mark.parametrize(
    ("feedback", "status"),
    [
        ("Look at $7 \\times 4 = 24$ in the draft.", "unverifiable"),  # typeset differently
        ("The step 7×4=24 is off.", "unverifiable"),
        ("Correct, 7 × 4 = 24.", "refuted"),  # it approves the slip: the feedback's own error
        ("Also 6 × 4 = 25.", "refuted"),  # a slip of its own
    ],
)
def test_feedback_quoting_a_refuted_claim_is_told_from_feedback_making_it(
    feedback: str, status: str
) -> None:
    from stepscore.verifiers.steps import check_steps

    trace = segment(
        f"Draft: 7 packs cost 7 × 4 = $24.\nFeedback: {feedback}\nRevision: 7 × 4 = 28."
    )
    assert [v.status for v in check_steps(trace)] == ["refuted", status, "verified"]
