"""HFStepScorer on tiny models built to each family's protocol, against the reference
way each family is scored upstream (one forward per trace, full logits)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from stepscore.prm.encode import TraceEncoder  # noqa: E402
from stepscore.prm.families import get_family  # noqa: E402
from stepscore.prm.hf import HFStepScorer  # noqa: E402
from stepscore.prm.scratch import build_model, train_tokenizer  # noqa: E402
from stepscore.reasoning.trace import Trace  # noqa: E402

CORPUS = [
    "Tom has 3 apples and buys 4 more, so he has 3 + 4 = 7 apples. ки\n",
    "Then 7 * 2 = 14 and 14 - 5 = 9. The answer is 9.",
    "Natalia sold 48 clips in April and half as many in May: 48 / 2 = 24.",
] * 10

TRACES = [
    Trace.from_steps(
        ["He has 3 + 4 = 7 apples.", "Then 7 * 2 = 14.", "The answer is 14."],
        prompt="Tom has 3 apples and buys 4.",
    ),
    Trace.from_steps(["48 / 2 = 24"], prompt="Natalia sold 48 clips."),
    Trace.from_steps(
        ["So 1 + 1 = 2.", "And 2 + 2 = 4.", "Then 4 + 4 = 8.", "Also 8 + 8 = 16.", "Done: 16."],
        prompt="Double it four times, starting from 1.",
    ),
]
HEADS = {
    "token-classification": "token-classification",
    "step-tag": "causal-lm",
    "two-class": "token-classification",
    "chat": "causal-lm",
}


@pytest.fixture(scope="module")
def tokenizer():
    return train_tokenizer(CORPUS, vocab_size=320)


@pytest.fixture(scope="module", params=sorted(HEADS))
def scorer(request, tokenizer):
    model = build_model(tokenizer, HEADS[request.param], hidden_size=32, layers=2, seed=1)
    return HFStepScorer(model.eval(), tokenizer, family=request.param)


def _reference(scorer: HFStepScorer, trace: Trace) -> list[float]:
    """The upstream recipe of each family, written out naively."""
    tok, model, fam = scorer.tokenizer, scorer.model, scorer.family
    if fam.name == "token-classification":  # TRL tokenize_row: pieces, BOS first
        ids = [tok.bos_token_id, *tok.encode(trace.prompt, add_special_tokens=False)]
        sep = tok.encode("\n", add_special_tokens=False)
        positions = []
        for step in trace.step_texts:
            ids += tok.encode(step, add_special_tokens=False) + sep
            positions.append(len(ids) - 1)
        logits = model(torch.tensor([ids])).logits[0]
        return logits[positions].softmax(-1)[:, 1].tolist()
    if fam.name == "step-tag":  # Math-Shepherd's README: tag positions, +/- logits
        text = f"{trace.prompt} " + "\n".join(f"{s} ки" for s in trace.step_texts)
        ids = torch.tensor([tok.encode(text)])
        good, bad = tok.convert_tokens_to_ids(["+", "-"])  # upstream: encode("+ -")[1:]
        logits = model(ids).logits[:, :, [good, bad]]
        scores = logits.softmax(dim=-1)[:, :, 0]
        return scores[ids == tok.convert_tokens_to_ids("ки")].tolist()
    if fam.name == "two-class":  # Qwen2.5-Math-PRM's model card
        messages = [
            {"role": "system", "content": fam.system_prompt},
            {"role": "user", "content": trace.prompt},
            {"role": "assistant", "content": "<extra_0>".join(trace.step_texts) + "<extra_0>"},
        ]
        text = tok.apply_chat_template(messages, tokenize=False)
        ids = torch.tensor([tok.encode(text, add_special_tokens=False)])
        probs = model(ids).logits.softmax(-1)[0]
        return probs[ids[0] == tok.convert_tokens_to_ids("<extra_0>")][:, 1].tolist()
    out, conversation = [], []  # RLHFlow: one forward per step prefix
    good, bad = tok.encode("+", add_special_tokens=False)[0], tok.encode("-")[0]
    for index, step in enumerate(trace.step_texts):
        content = f"{trace.prompt} {step}" if index == 0 else step
        conversation.append({"role": "user", "content": content})
        ids = tok.apply_chat_template(conversation, add_generation_prompt=True, tokenize=False)
        ids = torch.tensor([tok.encode(ids, add_special_tokens=False)])
        out.append(model(ids).logits[0, -1, [bad, good]].softmax(-1)[1].item())
        conversation.append({"role": "assistant", "content": "+"})
    return out


def test_scores_match_each_familys_reference_recipe(scorer):
    with torch.inference_mode():
        expected = [_reference(scorer, t) for t in TRACES]
    got = scorer.score(TRACES)
    for result, want, trace in zip(got, expected, TRACES, strict=True):
        assert result.status == "ok"
        assert len(result.scores) == len(trace.steps) == len(want)
        assert result.scores == pytest.approx(want, abs=1e-5)
        assert result.aggregate == pytest.approx(min(want), abs=1e-5)


def test_batching_and_order_do_not_change_scores(scorer):
    alone = [scorer.score([t])[0].scores for t in TRACES]
    batched = scorer.score(list(reversed(TRACES)) * 3, batch_size=4)
    for result, want in zip(batched, list(reversed(alone)) * 3, strict=True):
        assert result.scores == pytest.approx(want, abs=1e-5)


def test_score_positions_sit_on_the_familys_marker(scorer):
    encoded = scorer.encoder.encode(TRACES[:1])[0]
    tokens = scorer.tokenizer.convert_ids_to_tokens(
        [encoded.input_ids[p] for p in encoded.positions]
    )
    marker = {
        "token-classification": "Ċ",
        "step-tag": "ки",
        "two-class": "<extra_0>",
        "chat": "<|assistant|>",
    }[scorer.family.name]
    assert tokens == [marker] * 3


def test_truncation_is_flagged_and_leaves_later_steps_unscored(scorer):
    full = scorer.encoder.encode(TRACES[2:])[0]
    limit = full.positions[2] + 1  # room for three of five steps
    short = HFStepScorer(scorer.model, scorer.tokenizer, family=scorer.family, max_length=limit)
    result = short.score(TRACES[2:])[0]
    assert result.status == "truncated" and "2 steps unscored" in result.detail
    assert result.scores[3:] == (None, None)
    assert result.scores[:3] == pytest.approx(scorer.score(TRACES[2:])[0].scores[:3], abs=1e-5)
    tiny = HFStepScorer(scorer.model, scorer.tokenizer, family=scorer.family, max_length=3)
    failed = tiny.score(TRACES[:1])[0]
    assert failed.status == "error" and "max_length is 3" in failed.detail
    assert failed.aggregate is None


def test_bad_traces_get_a_status_and_the_batch_goes_on(scorer):
    empty = Trace.from_steps([], prompt="nothing")
    injected = Trace.from_steps(["a <extra_0> b", "c"], prompt="q")
    results = scorer.score([empty, TRACES[1], injected])
    assert results[0].status == "empty" and results[0].scores == ()
    assert results[1].status == "ok"
    if scorer.family.name == "two-class":  # the separator inside a step would add a score
        assert results[2].status == "error" and "<extra_0>" in results[2].detail
    else:
        assert results[2].status == "ok" and len(results[2].scores) == 2


def test_label_tokens_are_looked_up_and_must_be_single_tokens(tokenizer):
    model = build_model(tokenizer, "causal-lm", hidden_size=32, layers=1)
    with pytest.raises(ValueError, match="must be one token"):
        HFStepScorer(model, tokenizer, family=get_family("step-tag", good_token="apples"))
    encoder = TraceEncoder(tokenizer, "chat")
    assert encoder.pair_ids == (
        tokenizer.convert_tokens_to_ids("-"),
        tokenizer.convert_tokens_to_ids("+"),
    )


def test_a_saved_model_loads_with_its_family(tmp_path, scorer):
    from stepscore.prm.hf import save_family

    scorer.model.save_pretrained(tmp_path)
    scorer.tokenizer.save_pretrained(tmp_path)
    with pytest.raises(ValueError, match="pass family="):
        HFStepScorer.from_pretrained(tmp_path)
    save_family(tmp_path, scorer.family, max_length=512)
    loaded = HFStepScorer.from_pretrained(tmp_path)
    assert loaded.family == scorer.family and loaded.encoder.max_length == 512
    got, want = loaded.score(TRACES), scorer.score(TRACES)
    for a, b in zip(got, want, strict=True):
        assert a.scores == pytest.approx(b.scores, abs=1e-5)


def test_a_saved_model_joins_the_checker_through_a_spec(tmp_path, scorer):
    """``min(checker-prm,PATH)``: the learned scores, pulled down where the checker
    scores lower (0 at a refuted step)."""
    from stepscore.prm import load_scorer
    from stepscore.prm.hf import save_family
    from stepscore.reasoning import segment
    from stepscore.verifiers.steps import VerifierPRM

    scorer.model.save_pretrained(tmp_path)
    scorer.tokenizer.save_pretrained(tmp_path)
    save_family(tmp_path, scorer.family, max_length=512)
    joined = load_scorer(f"min(checker-prm,{tmp_path})", device="cpu")
    traces = [segment("1 * 2 = 2\n2 * 2 = 5", prompt="Double it twice."), *TRACES]
    learned, checked = scorer.score(traces), VerifierPRM(prior=None).score(traces)
    both = joined.score(traces)
    assert both[0].scores[1] == 0.0  # the checker refutes 2 * 2 = 5
    for mine, a, b in zip(both, learned, checked, strict=True):
        want = [x if y is None else min(x, y) for x, y in zip(a.scores, b.scores, strict=True)]
        assert mine.scores == pytest.approx(want, abs=1e-5)  # undecided steps: the PRM's


def test_a_bidirectional_encoder_keeps_its_padding_mask(tokenizer):
    """Causal decoders run without a mask (right padding cannot reach real tokens);
    an encoder such as BERT would see the padding, so it must keep the mask."""
    transformers = pytest.importorskip("transformers")
    config = transformers.BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, num_labels=2, pad_token_id=tokenizer.pad_token_id,
    )  # fmt: skip
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config).eval()
    scorer = HFStepScorer(model, tokenizer)
    assert scorer.causal is False
    alone = [scorer.score([t])[0].scores for t in TRACES]
    for result, want in zip(scorer.score(TRACES), alone, strict=True):
        assert result.scores == pytest.approx(want, abs=1e-5)
    unmasked = HFStepScorer(model, tokenizer, causal=True).score(TRACES)
    assert unmasked[1].scores != pytest.approx(alone[1], abs=1e-5)  # the mask mattered


def test_out_of_memory_splits_the_batch_and_fails_only_what_cannot_fit(scorer, monkeypatch):
    want = [r.scores for r in scorer.score(TRACES)]
    real = HFStepScorer.good_probs
    lengths = [len(e.input_ids) for e in scorer.encoder.encode(TRACES)]
    limit = sorted(lengths)[1]  # the longest trace cannot fit

    def small_batches_only(self, items):
        if len(items) > 1 or len(items[0].input_ids) > limit:
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")
        return real(self, items)

    monkeypatch.setattr(HFStepScorer, "good_probs", small_batches_only)
    got = scorer.score(TRACES)
    for result, expected, length in zip(got, want, lengths, strict=True):
        if length > limit:
            assert result.status == "error" and "out of device memory" in result.detail
        else:
            assert result.status == "ok" and result.scores == pytest.approx(expected, abs=1e-5)
    assert sum(r.status == "error" for r in got) == 1
