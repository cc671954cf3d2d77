from __future__ import annotations

from stepscore.evaluate import evaluate_trace, summarize
from stepscore.jsonl import read_json_records
from stepscore.reasoning import segment
from stepscore.reasoning.inputs import trace_from_input
from stepscore.samples import sample_traces_path


def _samples():
    return [trace_from_input(r.value, line=r.line) for r in read_json_records(sample_traces_path())]


def test_samples_cover_every_kind_with_right_and_wrong_traces() -> None:
    traces = _samples()
    assert len(traces) >= 40
    assert {t.kind for t in traces} == {"cot", "pot", "refine"}
    wrong = [t for t in traces if t.meta.get("wrong_step")]
    assert 0 < len(wrong) < len(traces)
    for trace in traces:
        assert trace.reference and trace.steps and trace.id


def test_sample_verdicts() -> None:
    """Traces marked right verify as correct; most marked wrong reach a wrong answer."""
    records = {t.id: (t, evaluate_trace(t)) for t in _samples()}
    for trace, record in records.values():
        if record.answer_status != "ok":
            continue
        assert record.verify_status == "ok", trace.id
        if not trace.meta.get("wrong_step"):
            assert record.correct, (trace.id, record.answer, trace.reference)
    wrong = [r for t, r in records.values() if t.meta.get("wrong_step") and r.answer_status == "ok"]
    assert sum(r.correct is False for r in wrong) >= len(wrong) // 2
    assert records["cot-marbles-lucky"][1].correct  # a wrong step, a right answer


def test_expected_error_step_points_into_the_wrong_step() -> None:
    for trace in _samples():
        record = evaluate_trace(trace)
        wrong = trace.meta.get("wrong_step")
        if wrong:
            assert record.expected_error_step is not None, trace.id
            assert wrong in trace.steps[record.expected_error_step].text, trace.id
        else:
            assert record.expected_error_step is None


def test_programs_are_executed_and_refine_takes_the_last_round() -> None:
    record = evaluate_trace(segment("x = 2\nans = x * 3", "pot", reference="6"))
    assert (record.answer, record.answer_rule, record.correct) == ("6", "program:ans", True)
    record = evaluate_trace(segment("x = 2\nans = x / 0", "pot", reference="6"))
    assert (record.answer_status, record.program_status) == ("no_answer", "error")
    assert record.step_statuses == ("unverifiable", "refuted") and record.refuted_step == 1
    text = (
        "Draft: 2 + 2 = 5. The answer is 5.\nFeedback: no.\n"
        "Revision: 2 + 2 = 4. The answer is 4.\nFeedback: good."
    )
    assert evaluate_trace(segment(text)).answer == "4"


def test_summary_counts() -> None:
    records = [evaluate_trace(t, position=i) for i, t in enumerate(_samples())]
    summary = summarize(records, input_errors=2)
    assert summary.n_traces == len(records)
    assert sum(summary.by_kind.values()) == len(records)
    assert summary.answers_extracted + summary.needs_execution <= len(records)
    assert summary.segmentation_fallbacks >= 1  # the sample with a syntax error
    assert summary.input_errors == 2
    assert summary.verified == sum(r.verify_status == "ok" for r in records)
    assert summary.accuracy == round(summary.correct / summary.verified, 4)


def test_step_checker_in_eval_never_refutes_a_right_trace() -> None:
    records = [(t, evaluate_trace(t)) for t in _samples()]
    for trace, record in records:
        assert len(record.step_statuses) == len(trace.steps)
        if not trace.meta.get("wrong_step"):
            assert record.refuted_step is None, trace.id
    caught = [r for t, r in records if r.refuted_step is not None]
    assert caught and all(r.refuted_step == r.expected_error_step for r in caught)


def test_labelled_traces_score_the_checker_as_processbench_does(shared_data) -> None:  # type: ignore[no-untyped-def]
    from stepscore.benchmarks.catalog import load_benchmark
    from stepscore.benchmarks.metrics import processbench_score

    traces = load_benchmark("processbench", "math").samples[::20]  # both classes
    records = [evaluate_trace(t, position=n) for n, t in enumerate(traces)]
    assert all(r.labelled for r in records)
    assert [r.expected_error_step for r in records] == [t.first_error() for t in traces]
    summary = summarize(records)
    score = processbench_score(
        [-1 if r.refuted_step is None else r.refuted_step for r in records],
        [-1 if t.first_error() is None else t.first_error() for t in traces],
    )
    assert summary.labelled_traces == 50 and 0 < score.n_error < 50
    assert summary.checker_acc_erroneous == round(score.error_acc, 4)
    assert summary.checker_acc_correct == round(score.correct_acc, 4)
    assert summary.checker_f1 == round(score.f1, 4)


def test_the_sample_is_labelled_and_unlabelled_input_scores_nothing() -> None:
    summary = summarize(evaluate_trace(t) for t in _samples())
    assert summary.labelled_traces == summary.n_traces  # wrong_step: a substring, or null
    assert summary.checker_acc_correct == 1.0 and 0 < (summary.checker_acc_erroneous or 0) < 1
    plain = summarize([evaluate_trace(segment("2 + 2 = 5.\nThe answer is 5."))])
    assert plain.labelled_traces == 0 and plain.checker_f1 is None
    one_class = summarize([evaluate_trace(segment("2 + 2 = 5.").with_labels([0.0]))])
    assert one_class.checker_acc_erroneous == 1.0 and one_class.checker_acc_correct is None


def test_refine_samples_carry_their_round_labels() -> None:
    records = {t.id: evaluate_trace(t) for t in _samples() if t.kind == "refine"}
    assert records["refine-fuel-alt-fix"].rounds == ("draft", "fixed")
    assert records["refine-stickers-regression"].rounds == ("draft", "regressed")
    assert records["refine-wages-false-alarm"].false_alarms == (1,)
    assert records["refine-equation-two-rounds-ok"].rounds == ("draft", "kept", "kept")
    summary = summarize(records.values())
    assert (summary.refine_traces, summary.rounds_regressed) == (len(records), 1)
    cot = evaluate_trace(segment("2 + 2 = 4.\nThe answer is 4.", reference="4"))
    assert cot.rounds == () and summarize([cot]).refine_traces == 0
