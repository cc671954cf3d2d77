import pytest

from stepscore.prm.generate import Generations
from stepscore.prm.montecarlo import MCLabels, label_monte_carlo, labelled_trace, step_prefix
from stepscore.reasoning.trace import Segmentation, Step, Trace
from stepscore.verifiers.math import verify_math

RIGHT, WRONG = "The answer is 42.", "The answer is 7."
STEPS = ["a = 20", "b = a + 22 = 42", "c = b - 1 = 41", "So the answer is 42."]


def make_trace(steps=STEPS, reference="42", **kwargs):
    return Trace.from_steps(steps, prompt="Q?", reference=reference, **kwargs)


def completer(correct_at, n_default=4):
    """Completions of the prefix that ends at step k: ``correct_at[k]`` reach 42, the
    rest end at 7 (the prompt is the prefix itself, steps joined by blank lines)."""

    def reply(prompt, n):
        k = prompt.rstrip("\n").count("\n\n")
        hits = correct_at[k]
        return [RIGHT if i < hits else WRONG for i in range(n)]

    return reply


def run(gen_scripted, correct_at, **kwargs):
    gen = gen_scripted(completer(correct_at))
    kwargs = {"n": 4, "template": "{prefix}", **kwargs}
    traces = kwargs.pop("traces", [make_trace()])
    return gen, label_monte_carlo(traces, gen, **kwargs)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("hard", (1.0, 1.0, 0.0, 1.0)), ("soft", (0.75, 0.25, 0.0, 1.0))],
)
def test_labels_follow_the_completion_frequencies(gen_scripted, mode, expected):
    gen, [result] = run(gen_scripted, {0: 3, 1: 1, 2: 0}, mode=mode, stop_after_zero=False)
    assert result.labels == expected
    assert (result.correct, result.checked) == ((3, 1, 0, 1), (4, 4, 4, 1))
    assert (result.status, result.mode, result.stopped_at) == ("ok", mode, None)
    assert len(gen.calls) == 1 and len(gen.prompts) == 3  # the last step is its own answer


def test_generator_settings_are_passed_on(gen_scripted):
    gen, _ = run(gen_scripted, {0: 1, 1: 1, 2: 1}, n=3, max_new_tokens=64, temperature=0.9,
                 stop=["\n\n"])  # fmt: skip
    call = gen.calls[0]
    assert (call["n"], call["max_new_tokens"], call["temperature"]) == (3, 64, 0.9)
    assert call["stop"] == ("\n\n",)


def test_stop_after_zero_labels_the_rest_without_sampling(gen_scripted):
    gen, [result] = run(gen_scripted, {0: 0, 1: 4, 2: 4})
    assert result.labels == (0.0, 0.0, 0.0, 0.0)
    assert result.checked == (4, 0, 0, 0) and result.stopped_at == 0
    assert len(gen.prompts) == 1
    full, [same] = run(gen_scripted, {0: 0, 1: 4, 2: 4}, stop_after_zero=False)
    assert len(full.prompts) == 3 and same.labels == (0.0, 1.0, 1.0, 1.0)


def test_rounds_are_batched_across_traces(gen_scripted):
    early = make_trace(["x = 1", "y = 2", "z = 3", "So the answer is 42."])
    gen, results = run(gen_scripted, {0: 2, 1: 2, 2: 2}, traces=[make_trace(), early, early])
    assert [len(call["prompts"]) for call in gen.calls] == [3, 3, 3]  # step 0, 1, 2 of each
    assert [r.labels for r in results] == [(1.0,) * 4] * 3
    gen, _ = run(gen_scripted, {0: 2, 1: 2, 2: 2}, traces=[make_trace()] * 3, batch_size=2)
    assert [len(call["prompts"]) for call in gen.calls] == [2, 1] * 3


def test_a_trace_without_reference_is_not_sampled(gen_scripted):
    traces = [make_trace(reference=None), make_trace(reference="  "), Trace(text="", reference="1")]
    gen, results = run(gen_scripted, {}, traces=traces)
    assert [r.status for r in results] == ["no_reference", "no_reference", "empty"]
    assert results[0].labels == (None,) * 4 and results[2].labels == ()
    assert gen.calls == []


def test_verifier_errors_are_left_out_of_the_estimate(gen_scripted):
    seen = []

    def picky(solution, reference):
        seen.append((solution, reference))
        if solution.endswith(WRONG):
            raise RuntimeError("cannot parse")
        return solution.endswith(RIGHT) or solution.endswith("42.")

    _, [result] = run(gen_scripted, {0: 3, 1: 1, 2: 0}, verifier=picky, mode="soft")
    assert result.labels == (1.0, 1.0, None, 1.0)  # step 2 had only undecided completions
    assert result.checked == (3, 1, 0, 1)
    assert result.status == "partial" and "step 2" in result.detail
    assert seen[0] == (step_prefix(make_trace(), 0) + RIGHT, "42")
    assert seen[-1] == (make_trace().text, "42")


def test_a_verifier_that_always_fails_gives_error(gen_scripted):
    def broken(solution, reference):
        raise ValueError("broken")

    _, [result] = run(gen_scripted, {0: 1, 1: 1, 2: 1}, verifier=broken)
    assert result.status == "error" and result.labels == (None,) * 4


def test_a_failed_generation_leaves_the_step_unlabelled(gen_scripted):
    def reply(prompt, n):
        k = prompt.rstrip("\n").count("\n\n")
        return Generations.failed("HTTP 503") if k == 1 else [RIGHT] * n

    gen = gen_scripted(reply)
    [result] = label_monte_carlo([make_trace()], gen, n=2, template="{prefix}")
    assert result.labels == (1.0, None, 1.0, 1.0)
    assert result.status == "partial" and "generation failed: HTTP 503" in result.detail


def test_verify_last_false_samples_the_last_step(gen_scripted):
    gen, [result] = run(gen_scripted, {0: 1, 1: 1, 2: 1, 3: 0}, verify_last=False)
    assert result.labels == (1.0, 1.0, 1.0, 0.0)
    assert gen.prompts[-1] == make_trace().text + "\n"


def test_verify_math_and_gsm8k_references(gen_scripted):
    trace = make_trace(reference="a + 22 = 42\n#### 42")
    _, [result] = run(gen_scripted, {0: 2, 1: 0, 2: 0}, traces=[trace], verifier=verify_math)
    assert result.labels == (1.0, 0.0, 0.0, 0.0) and result.stopped_at == 1


def test_callable_template(gen_scripted):
    gen = gen_scripted(lambda prompt, n: [RIGHT] * n)
    label_monte_carlo([make_trace()], gen, n=1, template=lambda t, p: f"<u>{t.prompt}</u>{p}")
    assert gen.prompts[0] == f"<u>Q?</u>{STEPS[0]}\n\n"


def test_step_prefix_keeps_white_space_separators_only():
    trace = make_trace()
    assert step_prefix(trace, 1) == "a = 20\n\nb = a + 22 = 42\n\n"
    assert step_prefix(trace, 3) == trace.text + "\n"
    tagged = Trace(
        text="a = 1 ки b = 2 ки",
        steps=(Step("a = 1", 0, 5, 0), Step("b = 2", 9, 14, 1)),
        segmentation=Segmentation("tag", separator="ки"),
    )
    assert step_prefix(tagged, 0) == "a = 1\n"  # the step tag is not shown to the completer


def test_labelled_trace(gen_scripted):
    _, [result] = run(gen_scripted, {0: 3, 1: 1, 2: 0}, mode="soft", stop_after_zero=False)
    trace = labelled_trace(make_trace(meta={"source": "x"}), result)
    assert trace.labels == [0.75, 0.25, 0.0, 1.0] and trace.first_error() == 1
    assert trace.meta["source"] == "x"
    assert trace.meta["monte_carlo"]["correct"] == [3, 1, 0, 1]
    assert Trace.from_dict(trace.to_dict()) == trace
    human = make_trace(labels=[1.0, 1.0, 0.0, 0.0], reference=None)
    kept = labelled_trace(human, MCLabels((None,) * 4, (0,) * 4, (0,) * 4, status="no_reference"))
    assert kept.labels == human.labels and kept.meta["monte_carlo"]["status"] == "no_reference"


def test_bad_settings_raise(gen_scripted):
    gen = gen_scripted(lambda prompt, n: [RIGHT] * n)
    for kwargs in ({"n": 0}, {"batch_size": 0}, {"mode": "hardest"}):
        with pytest.raises(ValueError):
            label_monte_carlo([make_trace()], gen, **kwargs)
