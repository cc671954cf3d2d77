import pytest

from stepscore.errors import UnknownNameError
from stepscore.prm.consensus import consensus_filter, label_error
from stepscore.prm.judge import JudgeScorer
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.steps.judge import CheckerJudge

RIGHT, WRONG = "3 + 4 = 7", "7 * 2 = 15"  # the checker verifies the first, refutes the second


def labelled(labels, steps=None, **kwargs):
    steps = steps or [f"step {i}" for i in range(len(labels))]
    return Trace.from_steps(steps, labels=labels, **kwargs)


class ScriptedJudge:
    """A `StepJudge` answering from lists, one entry per trace it is shown."""

    name = "scripted"

    def __init__(self, errors=(), verdicts=()):
        self.errors, self.verdicts, self.seen = list(errors), list(verdicts), []

    def judge(self, traces):
        self.seen.append(list(traces))
        return self.errors[: len(traces)]

    def step_verdicts(self, traces):
        self.seen.append(list(traces))
        return self.verdicts[: len(traces)]


def test_label_error():
    assert label_error(labelled([1.0, 0.0, 0.0])) == 1
    assert label_error(labelled([1.0, 1.0])) == -1
    assert label_error(labelled([1.0, None, 0.0])) is None  # the unlabelled step may be it
    assert label_error(labelled([0.0, None])) == 0
    assert label_error(labelled([None, None])) is None
    assert label_error(Trace(text="")) is None
    assert label_error(labelled([0.25, 0.0]), threshold=1e-9) == 1  # soft MC, hard reading
    assert label_error(labelled([0.25, 0.0])) == 0


def test_trace_level_keeps_agreeing_traces(gen_scripted):
    a, b, c = labelled([1, 1, 0], id="a"), labelled([1, 1, 1], id="b"), labelled([0, 0], id="c")
    unlabelled, unsure = labelled([None, None], id="d"), labelled([1, None, 0], id="e")
    judge = ScriptedJudge(errors=[2, 1, 0])
    result = consensus_filter([a, unlabelled, b, unsure, c], judge)
    assert [t.id for t in result.kept] == ["a", "c"]
    assert [t.id for t in result.dropped] == ["d", "b", "e"]
    assert (result.agreement, result.n_compared, result.level) == (2 / 3, 3, "trace")
    assert [[t.id for t in call] for call in judge.seen] == [["a", "b", "c"]]  # one call
    assert result.kept[0].meta["consensus"] == {
        "judge": "scripted", "label_error": 2, "judge_error": 2
    }  # fmt: skip
    assert result.dropped[1].meta["consensus"]["judge_error"] == 1
    assert result.kept[0].labels == a.labels  # trace level never edits labels


def test_trace_level_with_the_checker():
    good = labelled([1.0, 1.0], [RIGHT, "7 * 2 = 14"], id="good")
    noisy = labelled([1.0, 1.0], [RIGHT, WRONG], id="noisy")  # MC missed the error
    caught = labelled([1.0, 0.0], [RIGHT, WRONG], id="caught")
    early = labelled([0.0, 0.0], [RIGHT, WRONG], id="early")  # MC flags a verified step
    result = consensus_filter([good, noisy, caught, early], "checker")
    assert [t.id for t in result.kept] == ["good", "caught"]
    assert [t.id for t in result.dropped] == ["noisy", "early"]
    assert result.agreement == 0.5 and result.judge == "checker"


def test_step_level_with_the_checker_is_one_sided():
    trace = labelled([0.0, 1.0], [RIGHT, WRONG])
    result = consensus_filter([trace], CheckerJudge(), level="step")
    # step 0: labelled bad, checker does not refute -> kept (not refuting is no verdict)
    # step 1: labelled good, checker refutes -> the label is dropped
    assert result.kept[0].labels == [0.0, None]
    assert result.kept[0].meta["consensus"]["conflicts"] == [1]
    assert (result.agreement, result.n_compared, result.level) == (0.5, 2, "step")
    two_sided = consensus_filter([trace], "checker", level="step", one_sided=False)
    assert two_sided.kept == () and two_sided.dropped[0].labels == [None, None]


def test_step_level_with_a_scripted_judge():
    trace = labelled([1.0, 0.0, 0.0, None], id="t")
    judge = ScriptedJudge(verdicts=[[True, True, False, False]])
    result = consensus_filter([trace, labelled([None])], judge, level="step")
    assert result.kept[0].labels == [1.0, None, 0.0, None]
    assert result.agreement == 2 / 3 and result.n_compared == 3
    assert len(judge.seen) == 1 and len(judge.seen[0]) == 1  # the unlabelled trace is not sent
    assert result.dropped[0].labels == [None]
    judge = ScriptedJudge(verdicts=[[True, True, False, False]])
    one_sided = consensus_filter([trace], judge, level="step", one_sided=True)
    assert one_sided.kept[0].labels == [1.0, 0.0, 0.0, None]


def test_a_trace_left_without_labels_is_dropped():
    result = consensus_filter([labelled([1.0], [WRONG])], "checker", level="step")
    assert result.kept == () and result.dropped[0].labels == [None]
    assert result.agreement == 0.0


def test_with_the_llm_judge(gen_scripted):
    gen = gen_scripted(lambda prompt, n: ["\\boxed{1}" if "15" in prompt else "\\boxed{-1}"])
    good = labelled([1.0, 1.0], [RIGHT, "7 * 2 = 14"], prompt="q")
    bad = labelled([1.0, 1.0], [RIGHT, WRONG], prompt="q")
    result = consensus_filter([good, bad], JudgeScorer(gen))
    assert [t.text for t in result.kept] == [good.text] and result.judge == "llm-judge"
    assert result.dropped[0].meta["consensus"] == {
        "judge": "llm-judge", "label_error": -1, "judge_error": 1
    }  # fmt: skip
    assert len(gen.calls) == 1


def test_nothing_to_compare():
    result = consensus_filter([labelled([None])], ScriptedJudge())
    assert (result.agreement, result.n_compared, result.kept) == (None, 0, ())
    step = consensus_filter([], ScriptedJudge(), level="step")
    assert (step.agreement, step.kept, step.dropped) == (None, (), ())


def test_bad_judges_and_levels_raise():
    with pytest.raises(TypeError):
        consensus_filter([labelled([1.0])], "checker-prm")  # a scalar scorer, not a judge
    with pytest.raises(UnknownNameError):
        consensus_filter([labelled([1.0])], "chekcer")
    with pytest.raises(ValueError, match="answers"):
        consensus_filter([labelled([1.0])], ScriptedJudge(errors=[]))
    with pytest.raises(ValueError, match="verdicts"):
        consensus_filter([labelled([1.0, 1.0])], ScriptedJudge(verdicts=[[True]]), level="step")
    with pytest.raises(ValueError, match="level"):
        consensus_filter([labelled([1.0])], "checker", level="token")
