"""verify_math: extraction + comparison + deadlines, as a caller sees it."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscore.benchmarks.labelled import gsm8k_solution_pairs, math_bon_pairs
from stepscore.verifiers.deadline import DeadlinePool
from stepscore.verifiers.math import MathConfig, MathVerifier, verify_math

CASES = [
    ("The answer is \\boxed{\\frac{1}{2}}.", "0.5", True),
    ("So she makes $18 every day.\n#### 18", "Janet sells 9 eggs.\n#### 18", True),
    ("The answer is 17.", "#### 18", False),
    ("\\boxed{(1, 2)}", "(1,2)", True),
    ("\\boxed{(2, 1)}", "(1,2)", False),
    ("x = 3", "3", True),
    ("Final answer: \\boxed{2\\sqrt{3}}", "\\sqrt{12}", True),
    ("We get \\boxed{y = 2x + 1}.", "y = 3x", False),
    # a short line is taken whole as the answer, unless it is prose around a formula
    ("$x = 3$", "3", True),
    ("\\text{Monday}", "\\text{Monday}", True),
    ("We have \\[(-125)^{4/3} = (-5)^4 = 625.\\]", "625", True),
    # against an equation, the formula the last number ends is read whole
    ("The circle is:\n\\[ x^2 + y^2 = 13 \\]", "x^{2}+y^{2}=13", True),
    ("The circle is:\n\\[ x^2 + y^2 = 14 \\]", "x^{2}+y^{2}=13", False),
    ("the line is $4x - 5y = -50$.", "4x-5y=-50", True),
    ("Therefore, \\(x^3 = 12\\).", "12", True),  # against a number, its value
]


@pytest.mark.parametrize(("prediction", "reference", "correct"), CASES)
def test_verdicts(prediction: str, reference: str, correct: bool) -> None:
    result = verify_math(prediction, reference)
    assert result.status == "ok", result
    assert result.correct is correct, result
    assert result.score == float(correct)


def test_statuses() -> None:
    assert verify_math("", "3").status == "no_answer"
    assert (
        verify_math("I do not know.\n\nReally, no idea at all here." * 20, "3").status
        == "no_answer"
    )
    assert verify_math("\\boxed{3}", "").status == "bad_reference"
    assert verify_math("\\boxed{3}", "   ").status == "bad_reference"
    with pytest.raises(TypeError):
        verify_math(3, "3")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        MathVerifier(config="tight")  # type: ignore[arg-type]


HOSTILE = [
    "\\boxed{10^{10^{10}}}",
    "\\boxed{\\frac{1}{}",
    "\\boxed{" + "{" * 10_000 + "1" + "}" * 10_000 + "}",
    "9" * 1_000_000,
    "\x00\ufeff\u202e\\boxed{\x00}",
    "\\boxed{" + "x^" * 2_000 + "2}",
]


@pytest.mark.slow
@pytest.mark.parametrize("prediction", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_returns_within_the_deadline(prediction: str) -> None:
    config = MathConfig(deadline_s=2.0)
    started = time.perf_counter()
    result = verify_math(prediction, "10^{10^{10}} + 1", config=config)
    assert time.perf_counter() - started < config.deadline_s + 3.0
    assert result.status in ("ok", "no_answer", "timeout", "error", "bad_reference")
    assert not result.correct


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.text(max_size=30))
def test_random_strings_never_raise(prediction: str, reference: str) -> None:
    verify_math(prediction, reference, config=MathConfig(deadline_s=2.0))


def test_same_verdicts_from_threads_and_asyncio() -> None:
    pairs = [(p, r) for p, r, _ in CASES] * 3
    expected = [verify_math(p, r).correct for p, r in pairs]
    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(lambda pr: verify_math(*pr).correct, pairs)) == expected

    async def main() -> list[bool]:
        return [r.correct for r in await MathVerifier().averify_batch(pairs)]

    assert asyncio.run(main()) == expected


def test_batch_keeps_order_and_survives_bad_items() -> None:
    pairs = [(p, r) for p, r, _ in CASES] + [
        ("", "1"),
        ("\\boxed{1}", ""),
        ("\\boxed{\\frac{1}{}", "1"),
    ]
    with DeadlinePool(2) as pool:
        results = MathVerifier(pool=pool).verify_batch(pairs)
    assert [r.correct for r in results[: len(CASES)]] == [c for _, _, c in CASES]
    assert [r.status for r in results[len(CASES) : len(CASES) + 2]] == [
        "no_answer",
        "bad_reference",
    ]
    with MathVerifier() as verifier:
        assert [r.correct for r in verifier.verify_batch(pairs, workers=2)] == [
            r.correct for r in results
        ]


def test_gsm8k_agreement_with_labels(shared_data: Path) -> None:
    """Acceptance: at least Math-Verify's 99.87% (7 disagreements of 5276)."""
    pairs = gsm8k_solution_pairs(shared_data / "gsm8k" / "example_model_solutions.jsonl")
    assert len(pairs) == 5276
    with MathVerifier(workers=2) as verifier:
        results = verifier.verify_batch([(p.prediction, p.reference) for p in pairs])
    wrong = [p.id for p, r in zip(pairs, results, strict=True) if r.correct != p.label]
    assert len(wrong) <= 7, wrong


def test_math_bon_agreement_with_labels(shared_data: Path) -> None:
    """Acceptance: at least Math-Verify's 99.88% (1 disagreement of 800)."""
    pairs = math_bon_pairs(shared_data / "bon" / "math_cot_100.jsonl")
    assert len(pairs) == 800
    with MathVerifier(workers=2) as verifier:
        results = verifier.verify_batch([(p.prediction, p.reference) for p in pairs])
    wrong = [
        (p.id, r.pred, r.gold) for p, r in zip(pairs, results, strict=True) if r.correct != p.label
    ]
    assert len(wrong) <= 1, wrong


@pytest.mark.parametrize(
    ("prediction", "reference", "correct"),
    [("1011_2", "1011_3", False), ("1011_2", "1011", True), ("1011_{2}", "1011_2", True)],
)
def test_base_subscripts(prediction: str, reference: str, correct: bool) -> None:
    assert verify_math(prediction, reference).correct is correct


_WELL_FORMED = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.integers(-(10**6), 10**6).map(lambda n: f"{n:,}"),
    st.tuples(st.integers(-999, 999), st.integers(1, 999)).map(
        lambda t: f"\\frac{{{t[0]}}}{{{t[1]}}}"
    ),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.4f}"),
    st.tuples(st.integers(1, 99), st.integers(2, 99)).map(lambda t: f"{t[0]}\\sqrt{{{t[1]}}}"),
    st.lists(st.integers(-50, 50), min_size=1, max_size=4).map(
        lambda v: "(" + ", ".join(map(str, v)) + ")"
    ),
)


@settings(max_examples=150, deadline=None)
@given(_WELL_FORMED)
def test_an_answer_verifies_against_itself(answer: str) -> None:
    assert verify_math(answer, answer).correct
    assert verify_math(f"The answer is $\\boxed{{{answer}}}$.", answer).correct
