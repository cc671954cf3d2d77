"""Steps that blame the problem or reach a count that cannot be: found, refuted, and not
confused with self-corrections, proofs by contradiction or feedback on a draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps import CheckConfig, check_steps, check_text, first_error
from stepscore.verifiers.steps.concessions import find_concession

SHARED = Path(__file__).resolve().parents[3].parent / "shared/data"


@pytest.mark.parametrize(
    ("text", "kind", "quoted"),
    [
        (
            "It seems there might be some confusion in the question setup.",
            "problem",
            "confusion in the question",
        ),
        (
            "However, let's assume there was a mistake in the problem statement.",
            "problem",
            "mistake in the problem",
        ),
        (
            "There seems to be a misunderstanding in the question regarding the sum.",
            "problem",
            "misunderstanding in the question",
        ),
        ("The problem statement is clearly flawed here.", "problem", "problem statement is"),
        ("The question may be wrong.", "problem", "question may be wrong"),
        (
            "It seems like the question might be asking for the total cost instead, since...",
            "problem",
            "question might be asking for the total cost instead",
        ),
        (
            "So 50 - 100 = -50. However, it's not possible to have a negative number of candies.",
            "impossible count",
            "not possible to have a negative number",
        ),
        (
            "So 3 - 5 = $-2$ cups. You can't have a negative amount of flour.",
            "impossible count",
            "can't",
        ),
        ("Left: \\(= -2\\) cups; you can't have a negative amount.", "impossible count", "can't"),
    ],
)
def test_concessions_found(text: str, kind: str, quoted: str) -> None:
    found = find_concession(text)
    assert found is not None
    assert found.kind == kind
    assert quoted in found.text
    assert text[found.span[0] : found.span[1]] == found.text
    assert check_text(text).status == "refuted"
    assert found.text in check_text(text).reason


@pytest.mark.parametrize(
    "text",
    [
        "We must have made a mistake in our calculation; let us redo it.",  # self-correction
        "There seems to be an error in my arithmetic above.",
        "Suppose x < 0; then x^2 < 0, which is a contradiction.",  # a proof
        "A polynomial can't have a negative degree, so n = 2.",
        "The question asks for the total, so we add 12 + 8 = 20.",
        "The problem gives the error bound as 0.5 units.",
        "The temperature is a negative number of degrees.",
        "There is no mistake in the problem; we misread it.",  # denied
        "Is there a mistake in the problem? Let us check 3 + 4 = 7.",  # asked
        "This is a contradiction with the given conditions, so x = 2.",  # a proof
        "The problem is not wrong; we misread it.",
        "We can't have a negative number of cats that do not catch mice.",  # a bound
        "So 3 - 5 = -2 degrees, and we can't have a negative degree polynomial here.",
        "",
    ],
)
def test_no_concession(text: str) -> None:
    assert find_concession(text) is None


def test_the_earliest_concession_is_quoted() -> None:
    text = "So 2 - 3 = -1; we can't have a negative number of apples. The question may be wrong."
    found = find_concession(text)
    assert found is not None and found.kind == "impossible count"


def test_a_concession_refutes_its_step_and_can_be_turned_off() -> None:
    trace = Trace.from_steps(
        [
            "Dale had 100 candies and sold 150, so 100 - 150 = -50 candies are left.",
            "So 50 - 100 = -50. It's not possible to have a negative number of candies, "
            "so there must be a mistake in the problem.",
        ],
        prompt="Dale ordered 100 candies and sold 150. How many does he still need to sell?",
    )
    verdicts = check_steps(trace)
    assert [v.status for v in verdicts] == ["verified", "refuted"]
    assert first_error(verdicts) == 1
    assert verdicts[1].claims and all(c.status == "verified" for c in verdicts[1].claims)
    assert "cannot be" in verdicts[1].reason
    off = check_steps(trace, config=CheckConfig(concessions=False))
    assert [v.status for v in off] == ["verified", "verified"]


def test_a_refuted_claim_keeps_its_own_reason() -> None:
    verdict = check_text("So 3 * 4 = 13 apples; there is some confusion in the question.")
    assert verdict.status == "refuted"
    assert "13" in verdict.reason and "problem" not in verdict.reason


def test_feedback_that_blames_the_draft_is_not_a_concession() -> None:
    text = (
        "Draft: There are 12 + 24 = 36 cups.\n\n"
        "Feedback: There seems to be a misunderstanding in the question as the draft read "
        "it; the dishes were 24.\n\n"
        "Revision: There are 12 + 24 = 36 cups and dishes."
    )
    from stepscore.reasoning.segment import segment

    trace = segment(text, kind="refine")
    kinds = [s.kind for s in trace.steps]
    assert "feedback" in kinds
    verdicts = check_steps(trace)
    for step, verdict in zip(trace.steps, verdicts, strict=True):
        if step.kind == "feedback":
            assert verdict.status != "refuted"


def test_config_rejects_a_non_bool() -> None:
    with pytest.raises(TypeError, match="concessions"):
        CheckConfig(concessions="yes")  # type: ignore[arg-type]


def test_no_concession_in_right_answers_of_the_shared_data() -> None:
    """None of the GSM8K model solutions and MATH best-of-8 responses judged right blames
    the problem (the module's claim; 2,729 solutions)."""
    from stepscore.benchmarks.labelled import gsm8k_solution_pairs, math_bon_pairs

    sources = (
        (SHARED / "gsm8k/example_model_solutions.jsonl", gsm8k_solution_pairs),
        (SHARED / "bon/math_cot_100.jsonl", math_bon_pairs),
    )
    if not all(path.is_file() for path, _ in sources):
        pytest.skip("shared data not available")
    right = [pair for path, read in sources for pair in read(path) if pair.label]
    assert len(right) == 2729
    assert [p.id for p in right if find_concession(p.prediction)] == []


def test_concessions_on_processbench_fall_at_or_after_the_labelled_error() -> None:
    from stepscore.benchmarks.catalog import load_benchmark

    if not (SHARED / "processbench/gsm8k.json").is_file():
        pytest.skip("ProcessBench data not available")
    at = 0
    for split in ("gsm8k", "math"):
        path = SHARED / "processbench" / f"{split}.json"
        for trace in load_benchmark("processbench", split, path=path).samples:
            label = trace.first_error()
            for step in trace.steps:
                if find_concession(step.text):
                    assert label is not None and step.index >= label, trace.id
                    at += step.index == label
                    break
    assert at >= 5  # where the text gives the error away (5 on these two splits)
