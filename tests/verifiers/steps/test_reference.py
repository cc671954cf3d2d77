"""Locating the first error with the gold answer and solution: each kind of evidence by
hand, what must never be blamed, caller errors, bad input, and ProcessBench figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscore.benchmarks.catalog import load_benchmark
from stepscore.benchmarks.metrics import processbench_score
from stepscore.reasoning import Trace, segment
from stepscore.verifiers.steps import LocatedError, VerifierPRM, check_steps, locate_error
from stepscore.verifiers.steps.reference import locate_with_trace_reference

PROBLEM = (
    "A class has 40 students. Half of them walk to school, and a quarter of the rest come "
    "by bus. The others are driven. How many students are driven?"
)
SOLUTION = (
    "Half of the students walk: 40/2 = <<40/2=20>>20.\n"
    "The rest are 40 - 20 = <<40-20=20>>20, and 20/4 = <<20/4=5>>5 come by bus.\n"
    "So 20 - 5 = <<20-5=15>>15 are driven.\n#### 15"
)


def trace_of(*steps: str) -> Trace:
    return segment("\n".join(steps), kind="cot", strategy="single_newline", prompt=PROBLEM)


def test_a_right_answer_blames_nothing_the_checker_does_not_refute() -> None:
    # 3/4 of 20 is a value the solution never writes: another path, no error
    trace = trace_of("0.5 * 40 = 20 walk.", "3/4 of 20 is 15, so 15 are driven.")
    located = locate_error(trace, solution=SOLUTION)
    assert (located.outcome, located.step, located.found_by) == ("correct", None, None)
    assert located.labels(2) == [1.0, 1.0]


def test_a_right_answer_reached_through_a_refuted_step_blames_that_step() -> None:
    trace = trace_of("40 / 2 = 21 walk.", "20 - 5 = 15, so 15 are driven.")
    located = locate_error(trace, answer="15")
    assert (located.outcome, located.step, located.found_by) == ("correct", 0, "checker")


def test_a_wrong_answer_blames_the_first_value_the_solution_never_reaches() -> None:
    trace = trace_of(
        "Half of the students walk: 40 / 2 = 20.",
        "A quarter of all students come by bus: 40 / 4 = 10.",  # the wrong set-up
        "So 20 - 10 = 10 are driven.",
    )
    located = locate_error(trace, solution=SOLUTION)
    assert (located.outcome, located.step, located.found_by) == ("wrong", 1, "foreign_value")
    assert located.values == ("10",) and "never reach" in located.reason
    assert located.labels(3) == [1.0, 0.0, 0.0]


def test_the_solution_is_known_in_all_its_forms() -> None:
    # 0.5 and 50 (half, as a percent), 0.25 and 25 (a quarter) are the solution's own
    trace = trace_of(
        "50% walk: 0.5 * 40 = 20.",
        "25% of the other 20 is 20 * 0.25 = 5.",
        "So 20 - 5 = 15 are driven, plus the 3 teachers: 18.",
    )
    located = locate_error(trace, solution=SOLUTION)
    assert (located.outcome, located.step, located.found_by) == ("wrong", 2, "foreign_value")


def test_a_count_computed_by_a_claim_must_be_the_solution_s() -> None:
    # 1 is a count, but as the result of a claim it is a value the solution never has
    trace = trace_of("Half walk: 40 / 2 = 20.", "The bus takes 20 - 19 = 1.", "So 19 are driven.")
    located = locate_error(trace, solution=SOLUTION)
    assert (located.step, located.found_by, located.values) == (1, "foreign_value", ("19", "1"))


def test_the_checker_wins_when_it_refutes_an_earlier_step() -> None:
    trace = trace_of("40 / 2 = 21 walk.", "A quarter of 40 is 40 / 4 = 10.", "21 - 10 = 11.")
    located = locate_error(trace, solution=SOLUTION)
    assert (located.step, located.found_by) == (0, "checker")


def test_without_a_solution_an_operand_nothing_gave_is_blamed() -> None:
    trace = trace_of("Half walk: 40 / 2 = 20.", "The bus takes 20 / 5 = 4.", "So 16 are driven.")
    located = locate_error(trace, answer="15")
    assert (located.step, located.found_by, located.values) == (1, "unsupported_operand", ("5",))


def test_with_no_other_evidence_the_step_stating_the_wrong_answer_is_blamed() -> None:
    # every value is the solution's; only the answer, in the last step, is wrong (20 was
    # worked out in step 0, but as the solution's own value it was right there)
    trace = trace_of("40 / 2 = 20 walk.", "20 / 4 = 5 take the bus.", "The answer is 20.")
    located = locate_error(trace, solution=SOLUTION)
    assert (located.outcome, located.step, located.found_by) == ("wrong", 2, "final_answer")


def test_a_wrong_answer_is_blamed_where_it_is_first_worked_out() -> None:
    trace = trace_of("Half walk: 40 / 2 = 20.", "Then 20 - 4 = 16 remain.", "So 16 are driven.")
    located = locate_error(trace, answer="15")
    assert (located.outcome, located.step, located.found_by) == ("wrong", 1, "final_answer")


def test_an_answer_that_cannot_be_graded_leaves_only_the_checker() -> None:
    trace = trace_of("Half of them walk.", "The rest is unclear to me.")
    located = locate_error(trace, solution=SOLUTION)
    assert (located.outcome, located.step) == ("unknown", None)


def test_the_trace_reference_and_solution_metadata_are_used() -> None:
    text = "40 / 4 = 10 take the bus.\nSo 10 are driven."
    trace = segment(text, kind="cot", prompt=PROBLEM, reference="15", meta={"solution": SOLUTION})
    located = locate_with_trace_reference(trace)
    assert isinstance(located, LocatedError)
    assert (located.step, located.found_by) == (0, "foreign_value")
    assert locate_with_trace_reference(segment(text, kind="cot", prompt=PROBLEM)) is None
    program = segment("x = 3\nprint(x)", kind="pot", reference="3")
    assert locate_with_trace_reference(program) is None


def test_caller_errors_raise() -> None:
    trace = trace_of("40 / 2 = 20.")
    with pytest.raises(TypeError, match="needs a Trace"):
        locate_error("40 / 2 = 20.", answer="15")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a gold answer"):
        locate_error(trace)
    with pytest.raises(ValueError, match="not pot traces"):
        locate_error(segment("x = 3\nprint(x)", kind="pot"), answer="3")
    with pytest.raises(ValueError, match="2 verdicts for 1 steps"):
        locate_error(trace, answer="15", verdicts=check_steps(trace_of("a", "b")))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "9" * 5000 + " = 1",
        "1/0 = 3 and \\frac{7}{0} = 2",
        "1" * 20 + "/" + "9" * 20 + " = 1e999",
        "$$ \\boxed{",
        "\x00\ufffd 12,345,678.9 * 0.000001 = ?",
    ],
)
def test_bad_input_gets_a_result_never_an_error(text: str) -> None:
    trace = segment(text, kind="cot", prompt=text)
    located = locate_error(trace, solution=text + "\n#### 3")
    assert located.outcome in ("correct", "wrong", "unknown")
    assert located.step is None or 0 <= located.step < len(trace.steps)


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.text(alphabet="0123456789 +-*/=.,%$\\{}frac()xab\n", max_size=40), max_size=5
    ),
    answer=st.sampled_from(["15", "\\frac{1}{2}", "(2, 3)", "x + 1"]),
)
def test_any_trace_gets_a_consistent_result(steps: list[str], answer: str) -> None:
    trace = segment("\n".join(steps), kind="cot", prompt=PROBLEM)
    located = locate_error(trace, answer=answer, solution=SOLUTION)
    if located.step is not None:
        assert 0 <= located.step < len(trace.steps)
        assert located.found_by is not None
    if located.outcome != "wrong":
        assert located.found_by in (None, "checker")


def test_processbench_gsm8k_with_gold_answers_and_solutions(shared_data: Path) -> None:
    """Regression floors, a few points under what this code measures (see
    perf/processbench_checker.py): a wrong located step would move them."""
    traces = load_benchmark("processbench", "gsm8k").samples
    gsm8k = {p.question.strip(): p for p in load_benchmark("gsm8k", "test").samples}
    labels = [-1 if (e := t.first_error()) is None else e for t in traces]
    figures = {}
    for given_ in ("answer", "solution"):
        predictions = []
        for trace in traces:
            problem = gsm8k[trace.prompt.strip()]
            if given_ == "answer":
                located = locate_error(trace, answer=problem.answer)
            else:
                located = locate_error(trace, solution=problem.solution)
            predictions.append(-1 if located.step is None else located.step)
        score = processbench_score(predictions, labels)
        figures[given_] = (score.error_acc, score.correct_acc)
    # the checker alone: 11.1% of erroneous samples at 100% on correct ones
    assert figures["answer"][0] >= 0.20 and figures["answer"][1] >= 0.98
    assert figures["solution"][0] >= 0.44 and figures["solution"][1] >= 0.98
    print(json.dumps(figures))


def test_verifier_prm_with_reference_scores_the_blamed_step_zero() -> None:
    wrong = segment(
        "Half walk: 40 / 2 = 20.\nThe bus takes 20 / 5 = 4.\nSo 16 are driven.",
        kind="cot",
        strategy="single_newline",
        prompt=PROBLEM,
        reference="15",
    )
    plain = VerifierPRM(prior=0.5).score([wrong])[0].scores
    assert plain == (1.0, 1.0, 0.5)
    assert VerifierPRM(prior=0.5, with_reference=True).score([wrong])[0].scores == (1.0, 0.0, 0.5)
    right = segment("40 / 2 = 20 walk.\n20 - 5 = 15 are driven.", prompt=PROBLEM, reference="15")
    unlabelled = segment("40 / 2 = 20 walk.\n20 - 9 = 11 are driven.", prompt=PROBLEM)
    for trace in (right, unlabelled):
        scored = VerifierPRM(with_reference=True).score([trace])[0].scores
        assert scored == VerifierPRM().score([trace])[0].scores


def test_reference_judge_filters_monte_carlo_labels_with_the_gold_answer() -> None:
    from stepscore.benchmarks.judges import get_judge
    from stepscore.prm.consensus import consensus_filter

    steps = ["Half walk: 40 / 2 = 20.", "The bus takes 20 / 5 = 4.", "So 16 are driven."]
    # MC labels that agree with the located error (step 1), and noisy ones that do not
    agreeing = Trace.from_steps(steps, labels=[1.0, 0.0, 0.0], prompt=PROBLEM, reference="15")
    noisy = Trace.from_steps(steps, labels=[1.0, 1.0, 0.0], prompt=PROBLEM, reference="15")
    judge = get_judge("checker-gold")
    assert judge.judge([agreeing, noisy]) == [1, 1]
    assert judge.step_verdicts([agreeing]) == [[True, False, True]]
    assert get_judge("checker").judge([agreeing]) == [-1]  # no slip for the checker
    result = consensus_filter([agreeing, noisy], "checker-gold")
    assert [t.labels for t in result.kept] == [[1.0, 0.0, 0.0]]
    stepwise = consensus_filter([noisy], "checker-gold", level="step")
    assert stepwise.kept[0].labels == [1.0, None, 0.0]
