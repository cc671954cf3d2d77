import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscore.prm.synthetic import ERROR_KINDS, synthetic_traces
from stepscore.verifiers.steps import check_steps

EQUATION = re.compile(r"(\d+) ([-+*]) (\d+) = (\d+)")
VERB_OP = {"buys": "+", "finds": "+", "gets": "+", "gives": "-", "loses": "-", "sells": "-"}


@pytest.fixture(scope="module")
def traces():
    return synthetic_traces(3000, seed=7)


def _apply(a, op, b):
    return a + b if op == "+" else a - b if op == "-" else a * b


def _intended_op(text):
    if "double" in text or "triple" in text:
        return "*"
    return next(op for verb, op in VERB_OP.items() if f" {verb} " in text)


def _first_errors(traces):
    return [(t, t.steps[t.first_error()]) for t in traces if t.first_error() is not None]


def test_deterministic_per_seed():
    a, b = synthetic_traces(50, seed=3), synthetic_traces(50, seed=3)
    assert [t.to_dict() for t in a] == [t.to_dict() for t in b]
    assert [t.text for t in a] != [t.text for t in synthetic_traces(50, seed=4)]


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.5, 1.0])
def test_error_rate_is_exact(rate):
    traces = synthetic_traces(40, seed=1, error_rate=rate)
    assert sum(t.first_error() is not None for t in traces) == round(40 * rate)


def test_every_kind_occurs_and_kinds_can_be_chosen(traces):
    kinds = Counter(t.meta["synthetic"]["error_kind"] for t in traces)
    assert set(kinds) == {None, *ERROR_KINDS}
    assert min(kinds[k] for k in ERROR_KINDS) > 0.25 * 1500  # roughly balanced
    only = synthetic_traces(30, seed=2, error_rate=1.0, error_kinds=["operation"])
    assert {t.meta["synthetic"]["error_kind"] for t in only} == {"operation"}


@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(0, 3))
@settings(max_examples=30, deadline=None)
def test_labels_by_construction(seed, min_steps, extra):
    for t in synthetic_traces(6, seed=seed, min_steps=min_steps, max_steps=min_steps + extra):
        meta = t.meta["synthetic"]
        assert min_steps + 1 <= len(t.steps) <= min_steps + extra + 1
        first = t.first_error()
        assert first == meta["error_index"]
        cut = len(t.steps) if first is None else first
        assert t.labels == [1.0] * cut + [0.0] * (len(t.steps) - cut)
        assert first is None or first < len(t.steps) - 1  # errors are in computation steps


def test_steps_recompute_to_their_labels(traces):
    """An independent reading of the text: a correct step starts from the previous
    result, computes the operation its words name, and computes it right; the first
    error breaks exactly the property of its kind; later steps are consistent again."""
    broken = {"arithmetic": (0, 0, 1), "carried_value": (1, 0, 0), "operation": (0, 1, 0)}
    for t in traces:
        value = int(re.match(r"\w+ has (\d+)", t.prompt).group(1))
        for step in t.steps[:-1]:
            a, op, b, c = EQUATION.search(step.text).groups()
            a, b, c = int(a), int(b), int(c)
            faults = (a != value, op != _intended_op(step.text), _apply(a, op, b) != c)
            if step.index == t.first_error():
                assert faults == broken[t.meta["synthetic"]["error_kind"]], step.text
            else:
                assert faults == (False, False, False), step.text
            value = c
        assert t.steps[-1].text == f"The answer is {value}."


def test_answers_and_references(traces):
    for t in traces:
        values = t.meta["synthetic"]["values"]
        assert t.answer == str(values[-1])
        if t.first_error() is None:
            assert t.reference == t.answer
        else:  # later steps are injective in the count, so the answer stays wrong
            assert t.reference != t.answer
        numbers = [int(x) for x in re.findall(r"\d+", t.prompt + " " + t.text)]
        assert all(2 <= x <= 99 for x in numbers)


def test_step_checker_agrees_with_the_labels(traces):
    """The model-free checker never refutes a correct step and catches every arithmetic
    slip; the carried-value and operation errors compute correctly, so it cannot see
    them: its recall per kind is 1.0 (arithmetic), 0.0 and 0.0."""
    caught, total = Counter(), Counter()
    for t in traces:
        verdicts = check_steps(t)
        for step, verdict in zip(t.steps, verdicts, strict=True):
            if step.label == 1.0:
                assert verdict.status != "refuted", (step.text, verdict.reason)
            if step.label == 1.0 and step.index < len(t.steps) - 1:
                assert verdict.status == "verified", step.text
        if t.first_error() is not None:
            kind = t.meta["synthetic"]["error_kind"]
            total[kind] += 1
            caught[kind] += verdicts[t.first_error()].status == "refuted"
    recall = {kind: caught[kind] / total[kind] for kind in total}
    assert recall == {"arithmetic": 1.0, "carried_value": 0.0, "operation": 0.0}


def _skeleton(text):
    """The template: numbers, operators, the name and the item blanked (those are drawn
    per trace, independently of the error; their own distribution is checked by word)."""
    text = re.sub(r"[-+*]", "OP", re.sub(r"\d+", "N", text))
    return re.sub(r"\b(has N OP N = N) \w+", r"\1 ITEM", re.sub(r"^[A-Z]\w+(?=[ '])", "NAME", text))


def _total_variation(a, b):
    na, nb = sum(a.values()), sum(b.values())
    return 0.5 * sum(abs(a[k] / na - b[k] / nb) for k in set(a) | set(b))


def test_no_surface_cue(traces):
    """Wrong steps are written from the same templates, words and number ranges as
    right ones: only how the numbers and operators relate tells them apart."""
    good = [s for t in traces for s in t.steps[:-1] if s.label == 1.0]
    bad = [s for _, s in _first_errors(traces)]
    for view in (
        _skeleton,  # the template, with numbers and operators blanked
        lambda text: len(re.findall(r"\d+", text)),
        lambda text: tuple(len(x) for x in re.findall(r"\d+", text)),  # digits per number
        lambda text: EQUATION.search(text).group(2),  # the operator itself
    ):
        tv = _total_variation(Counter(map(view, (s.text for s in good))),
                              Counter(map(view, (s.text for s in bad))))  # fmt: skip
        assert tv < 0.1, (view, tv)
    words = [Counter(w for s in group for w in re.findall(r"[A-Za-z]+", s.text))
             for group in (good, bad)]  # fmt: skip
    assert set(words[1]) <= set(words[0])
    assert _total_variation(*words) < 0.05
    mean = [sum(len(s.text) for s in group) / len(group) for group in (good, bad)]
    assert abs(mean[0] - mean[1]) < 2.0


def test_rejects_bad_arguments():
    with pytest.raises(ValueError):
        synthetic_traces(3, error_rate=1.5)
    with pytest.raises(ValueError):
        synthetic_traces(3, min_steps=3, max_steps=2)
    with pytest.raises(ValueError):
        synthetic_traces(3, error_kinds=["typo"])
