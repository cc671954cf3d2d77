import re

import pytest

from stepscore.benchmarks.judges import StepJudge
from stepscore.prm.generate import Generations
from stepscore.prm.judge import (
    CRITIQUE_TEMPLATE,
    JudgeScorer,
    critique_prompt,
    majority,
    parse_vote,
    step_fractions,
)
from stepscore.prm.scores import StepScorer
from stepscore.reasoning.trace import Trace

STEPS = ["Tom has 3 apples.", "He buys 4 more: 3 + 4 = 8.", "So he has \\boxed{8} apples."]
TRACE = Trace.from_steps(STEPS, prompt="Tom has 3 apples and buys 4. How many?")


def votes_reply(*texts):
    """A generator reply giving these critique endings, cycled to ``n``."""
    return lambda prompt, n: [texts[i % len(texts)] for i in range(n)]


def test_prompt_tags_every_step_in_processbench_form():
    prompt = critique_prompt(TRACE)
    assert prompt.startswith("The following is a math problem and a solution")
    assert f"[Math Problem]\n\n{TRACE.prompt}\n\n[Solution]\n\n<paragraph_0>\n" in prompt
    for j, step in enumerate(STEPS):
        assert f"<paragraph_{j}>\n{step}\n</paragraph_{j}>" in prompt
    assert re.findall(r"<paragraph_(\d+)>", prompt) == ["0", "1", "2"]
    assert "</paragraph_0>\n\n<paragraph_1>" in prompt
    assert prompt.rstrip().endswith("in \\boxed{}.")  # the template's {{}} is formatted


def test_prompt_keeps_braces_in_the_problem():
    trace = Trace.from_steps(["x = \\frac{1}{2}"], prompt="Find {x}.")
    assert "Find {x}." in critique_prompt(trace) and "\\frac{1}{2}" in critique_prompt(trace)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The error is in paragraph 2. \\boxed{2}", 2),
        ("All good. \\boxed{-1}", -1),
        ("\\boxed{ 1 }", 1),
        ("$\\boxed{1}$", 1),
        ("\\boxed{\\text{0}}", 0),
        ("first \\boxed{0}, on reflection \\boxed{1}", 1),  # the last box wins
        ("\\boxed{3}", None),  # no paragraph 3 in a 3-step trace
        ("\\boxed{-2}", None),
        ("\\boxed{one}", None),
        ("\\boxed{1.5}", None),
        ("paragraph 1 is wrong", None),
        ("", None),
    ],
)
def test_parse_vote(text, expected):
    assert parse_vote(text, n_steps=3) == expected


def test_majority_breaks_ties_towards_the_earliest_error():
    assert majority([2, 2, 1], 4) == 2
    assert majority([2, 1], 4) == 1
    assert majority([-1, 3], 4) == 3  # "no error" ranks after every step
    assert majority([-1, -1, 0], 4) == -1
    assert majority([None, None], 4) is None
    assert majority([None, 1, None], 4) == 1


def test_step_fractions():
    assert step_fractions([1, 1, -1, None, 2], 3) == (1.0, 0.5, 0.25)
    assert step_fractions([-1], 2) == (1.0, 1.0)
    assert step_fractions([0], 2) == (0.0, 0.0)
    with pytest.raises(ValueError):
        step_fractions([None], 2)


def test_majority_vote_and_scores(gen_scripted):
    votes = ("\\boxed{1}", "\\boxed{1}", "\\boxed{-1}", "no box", "\\boxed{2}")
    gen = gen_scripted(votes_reply(*votes))
    judge = JudgeScorer(gen, samples=5, temperature=0.7, max_new_tokens=99)
    assert isinstance(judge, StepJudge) and isinstance(judge, StepScorer)
    [critique] = judge.critique([TRACE])
    assert critique.votes == (1, 1, -1, None, 2) and critique.earliest == 1
    assert judge.judge([TRACE]) == [1]
    assert judge.step_verdicts([TRACE]) == [[True, False, False]]
    [scores] = judge.score([TRACE])
    assert scores.scores == (1.0, 0.5, 0.25) and scores.aggregate == 0.25
    assert scores.status == "ok"
    assert gen.calls[0]["n"] == 5 and gen.calls[0]["temperature"] == 0.7
    assert gen.calls[0]["max_new_tokens"] == 99


def test_a_batch_of_traces_is_one_generator_call(gen_scripted):
    gen = gen_scripted(lambda prompt, n: ["\\boxed{0}" if "wrong" in prompt else "\\boxed{-1}"])
    traces = [TRACE, Trace.from_steps(["wrong", "b"], prompt="q"), TRACE]
    assert JudgeScorer(gen).judge(traces) == [-1, 0, -1]
    assert len(gen.calls) == 1 and len(gen.calls[0]["prompts"]) == 3
    assert gen.calls[0]["prompts"][1] == critique_prompt(traces[1])


def test_no_valid_vote_fails_the_scores(gen_scripted):
    judge = JudgeScorer(gen_scripted(votes_reply("\\boxed{7}", "I am not sure")), samples=2,
                        temperature=1.0)  # fmt: skip
    [critique] = judge.critique([TRACE])
    assert critique.status == "no_vote" and critique.earliest == -1
    [scores] = judge.score([TRACE])
    assert scores.status == "error" and scores.scores == (None, None, None)
    assert "no parsable index" in scores.detail
    assert judge.judge([TRACE]) == [-1]


def test_a_generator_error_is_data(gen_scripted):
    judge = JudgeScorer(gen_scripted(lambda prompt, n: Generations.failed("HTTP 503")))
    [scores] = judge.score([TRACE])
    assert (scores.status, scores.detail, scores.scores) == ("error", "HTTP 503", (None,) * 3)
    assert judge.step_verdicts([TRACE]) == [[True, True, True]]


def test_empty_traces_are_not_sent(gen_scripted):
    gen = gen_scripted(votes_reply("\\boxed{0}"))
    empty = Trace(text="")
    scores = JudgeScorer(gen).score([empty, TRACE])
    assert [s.status for s in scores] == ["empty", "ok"]
    assert gen.prompts == [critique_prompt(TRACE)]
    assert JudgeScorer(gen).step_verdicts([empty]) == [[]]


def test_custom_template(gen_scripted):
    gen = gen_scripted(votes_reply("\\boxed{-1}"))
    JudgeScorer(gen, template="P: {problem}\nS: {tagged_response}\nAnswer:").judge([TRACE])
    assert gen.prompts[0].startswith(f"P: {TRACE.prompt}\nS: <paragraph_0>")


def test_settings_are_checked(gen_scripted):
    gen = gen_scripted(votes_reply("\\boxed{-1}"))
    with pytest.raises(ValueError, match="temperature"):
        JudgeScorer(gen, samples=4, temperature=0.0)
    with pytest.raises(ValueError):
        JudgeScorer(gen, samples=0)
    with pytest.raises(ValueError, match="tagged_response"):
        JudgeScorer(gen, template="{problem}")
    assert "{tagged_response}" in CRITIQUE_TEMPLATE


def test_a_generator_that_drops_prompts_is_a_bug(gen_scripted):
    class Short:
        def generate(self, prompts, **kwargs):
            return []

    with pytest.raises(ValueError, match="replies"):
        JudgeScorer(Short()).judge([TRACE])
