"""The implicit PRM against a naive per-token computation."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from stepscore.prm.implicit import ImplicitPRM  # noqa: E402
from stepscore.prm.scratch import build_model, train_tokenizer  # noqa: E402
from stepscore.reasoning.trace import Trace  # noqa: E402

TRACES = [
    Trace.from_steps(["3 + 4 = 7", "7 * 2 = 14", "The answer is 14."], prompt="Compute."),
    Trace.from_steps(["48 / 2 = 24"], prompt="Half of 48?"),
    Trace.from_steps(["1 + 1 = 2", "2 + 2 = 4", "4 + 4 = 8", "8 + 8 = 16"], prompt="Double."),
]


@pytest.fixture(scope="module")
def parts():
    tok = train_tokenizer([t.prompt + t.text for t in TRACES] * 5, vocab_size=260)
    policy = build_model(tok, "causal-lm", hidden_size=32, layers=2, seed=1).eval()
    reference = build_model(tok, "causal-lm", hidden_size=32, layers=2, seed=2).eval()
    return tok, policy, reference


def _sequence_log_ratio(tok, policy, reference, trace, beta):
    """beta * log pi(text | prompt) / pi_ref(text | prompt), one trace at a time."""
    head = tok(trace.prompt)["input_ids"]
    ids = torch.tensor([head + tok(trace.text, add_special_tokens=False)["input_ids"]])
    total = 0.0
    with torch.inference_mode():
        for model, sign in ((policy, 1.0), (reference, -1.0)):
            logp = torch.log_softmax(model(ids).logits[0, :-1], -1)
            picked = logp.gather(-1, ids[0, 1:, None]).squeeze(-1)[len(head) - 1 :]
            total += sign * picked.sum().item()
    return beta * total


def test_step_rewards_sum_to_the_sequence_log_ratio(parts):
    tok, policy, reference = parts
    prm = ImplicitPRM(policy, reference, tok, beta=0.1)
    for trace, rewards in zip(TRACES, prm.rewards(TRACES, batch_size=2), strict=True):
        assert len(rewards) == len(trace.steps) and None not in rewards
        want = _sequence_log_ratio(tok, policy, reference, trace, 0.1)
        assert sum(rewards) == pytest.approx(want, abs=1e-4)


def test_batched_equals_alone_and_scores_are_sigmoids(parts):
    tok, policy, reference = parts
    prm = ImplicitPRM(policy, reference, tok, beta=0.5)
    alone = [prm.rewards([t])[0] for t in TRACES]
    assert prm.rewards(TRACES) == [pytest.approx(a, abs=1e-5) for a in alone]
    scores = prm.score(TRACES)
    for rewards, result in zip(alone, scores, strict=True):
        assert result.scores == pytest.approx([1 / (1 + math.exp(-r)) for r in rewards], abs=1e-5)
    cumulative = ImplicitPRM(policy, reference, tok, beta=0.5, score="cumulative").score(TRACES)
    q = [sum(alone[2][: k + 1]) for k in range(4)]
    assert cumulative[2].scores == pytest.approx([1 / (1 + math.exp(-v)) for v in q], abs=1e-5)


def test_same_policy_and_reference_give_zero_rewards(parts):
    tok, policy, _ = parts
    prm = ImplicitPRM(policy, policy, tok)
    assert all(r == pytest.approx(0.0, abs=1e-6) for rs in prm.rewards(TRACES) for r in rs)
    assert prm.score(TRACES)[0].scores == pytest.approx([0.5] * 3)


def test_truncated_and_empty_traces_get_a_status(parts):
    tok, policy, reference = parts
    head = len(tok(TRACES[2].prompt)["input_ids"])
    short = ImplicitPRM(policy, reference, tok, max_length=head + 7)
    result = short.score(TRACES[2:])[0]
    assert result.status == "truncated" and result.scores[-1] is None
    assert result.scores[0] is not None
    none_fit = ImplicitPRM(policy, reference, tok, max_length=head).score(TRACES[2:])[0]
    assert none_fit.status == "error"
    assert short.score([Trace.from_steps([], prompt="x")])[0].status == "empty"
    with pytest.raises(ValueError, match="beta"):
        ImplicitPRM(policy, reference, tok, beta=0)
