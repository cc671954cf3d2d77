import json
import time

import pytest

from stepscore.prm.generate import (
    Generations,
    Generator,
    HFGenerator,
    OpenAIGenerator,
    cut_at_stop,
)

# -- the result type and stop strings ----------------------------------------------------


def test_generations_status_is_checked():
    assert Generations(("a",)).ok
    failed = Generations.failed("boom")
    assert (failed.texts, failed.status, failed.detail, failed.ok) == ((), "error", "boom", False)
    with pytest.raises(ValueError):
        Generations(("a",), status="timeout")


@pytest.mark.parametrize(
    ("text", "stop", "expected"),
    [
        ("a = 1\nb = 2", ["\n"], "a = 1"),
        ("a = 1\nb = 2", ["b", "\n"], "a = 1"),  # the earliest stop wins, not the first listed
        ("a = 1", ["x"], "a = 1"),
        ("a = 1", [], "a = 1"),
        ("a = 1", [""], "a = 1"),  # an empty stop string cuts nothing
        ("stop", ["stop"], ""),
    ],
)
def test_cut_at_stop(text, stop, expected):
    assert cut_at_stop(text, stop) == expected


# -- HFGenerator on a tiny local model ---------------------------------------------------

SHORT, LONG = "3 + 4 =", "Let x = 5 and y = 6, then the total of x + y is"


def test_hf_shapes_order_and_n(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(model, tok, batch_size=2, seed=0)
    assert isinstance(gen, Generator)
    out = gen.generate([SHORT, LONG, "7 * 2"], n=3, max_new_tokens=5, temperature=1.0)
    assert [len(g.texts) for g in out] == [3, 3, 3]
    assert all(g.ok and all(isinstance(t, str) for t in g.texts) for g in out)
    longest = max(len(tok.decode([i])) for i in range(len(tok)))
    for prompt, g in zip([SHORT, LONG, "7 * 2"], out, strict=True):  # only the new tokens
        assert all(len(t) <= 5 * longest and not t.startswith(prompt) for t in g.texts)
    assert gen.generate([], n=2) == []


def test_hf_rows_belong_to_their_prompt(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(model, tok, batch_size=4)
    alone = [gen.generate([p], n=2, max_new_tokens=6, temperature=0)[0] for p in (SHORT, LONG)]
    together = gen.generate([SHORT, LONG], n=2, max_new_tokens=6, temperature=0)
    assert together == alone
    assert alone[0].texts[0] == alone[0].texts[1]  # greedy: n copies of one decode
    assert alone[0].texts != alone[1].texts  # the check above can tell the prompts apart


def test_hf_left_padding_leaves_greedy_output_unchanged(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(model, tok, batch_size=8)
    alone = gen.generate([SHORT], max_new_tokens=8, temperature=0)[0]
    padded = gen.generate([SHORT, LONG, LONG + " 12"], max_new_tokens=8, temperature=0)[0]
    assert len(tok(SHORT)["input_ids"]) < len(tok(LONG)["input_ids"])  # SHORT was padded
    assert padded == alone
    assert tok.padding_side == "right"  # the caller's tokenizer is left as it was


def test_hf_seed_repeats_runs_and_spares_the_global_rng(gen_tiny_lm):
    import torch

    model, tok = gen_tiny_lm
    state = torch.get_rng_state()
    a = HFGenerator(model, tok, seed=7).generate([SHORT, LONG], n=4, max_new_tokens=6)
    b = HFGenerator(model, tok, seed=7).generate([SHORT, LONG], n=4, max_new_tokens=6)
    assert a == b
    assert torch.equal(torch.get_rng_state(), state)
    assert len(set(a[0].texts)) > 1  # temperature 1 over a random model: samples differ


def test_hf_stop_strings_cut_the_text(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(model, tok)
    full = gen.generate([LONG], max_new_tokens=12, temperature=0)[0].texts[0]
    marks = [c for c in full[1:] if c.isascii() and c.isprintable() and not c.isspace()]
    assert marks, f"pick another prompt: no ASCII mark in {full!r}"
    cut = gen.generate([LONG], max_new_tokens=12, temperature=0, stop=[marks[0]])[0].texts[0]
    assert cut == full[: full.index(marks[0])]


def test_hf_chat_applies_the_chat_template(gen_tiny_lm):
    model, tok = gen_tiny_lm
    chat = HFGenerator(model, tok, chat=True).generate([SHORT], max_new_tokens=6, temperature=0)
    templated = f"<|user|>{SHORT}<|end|><|assistant|>"
    plain = HFGenerator(model, tok).generate([templated], max_new_tokens=6, temperature=0)
    other = HFGenerator(model, tok).generate([SHORT], max_new_tokens=6, temperature=0)
    assert chat == plain
    assert chat != other


class _FailsOn:
    """A model wrapper whose ``generate`` raises for batches of more than one row."""

    def __init__(self, model):
        self.model = model

    def __getattr__(self, name):
        return getattr(self.model, name)

    def generate(self, input_ids, **kwargs):
        if input_ids.shape[0] > 1:
            raise RuntimeError("CUDA out of memory")
        return self.model.generate(input_ids, **kwargs)


def test_hf_a_failing_batch_gives_error_for_its_prompts_only(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(_FailsOn(model), tok, batch_size=2)
    out = gen.generate([SHORT, LONG, "7 * 2"], max_new_tokens=4, temperature=0)
    assert [g.status for g in out] == ["error", "error", "ok"]
    assert "out of memory" in out[0].detail


def test_hf_rejects_bad_requests(gen_tiny_lm):
    model, tok = gen_tiny_lm
    gen = HFGenerator(model, tok)
    for kwargs in ({"n": 0}, {"max_new_tokens": 0}, {"temperature": -1.0}):
        with pytest.raises(ValueError):
            gen.generate([SHORT], **kwargs)
    with pytest.raises(ValueError):
        HFGenerator(model, tok, batch_size=0)


# -- OpenAIGenerator against a local fake server ----------------------------------------


def test_openai_completions_batches_prompts_and_keeps_order(gen_server):
    gen = OpenAIGenerator(gen_server.url, "policy", api_key="sk-test", batch_size=2)
    assert isinstance(gen, Generator)
    out = gen.generate(["p0", "p1", "p2"], n=2, max_new_tokens=7, temperature=0.5, stop=["#"])
    assert [g.texts for g in out] == [("p0|0", "p0|1"), ("p1|0", "p1|1"), ("p2|0", "p2|1")]
    assert sorted(len(body["prompt"]) for _, _, body in gen_server.requests) == [1, 2]
    path, headers, body = gen_server.requests[0]
    assert path == "/v1/completions"
    assert headers["Authorization"] == "Bearer sk-test"
    assert {k: body[k] for k in ("model", "n", "max_tokens", "temperature", "stop")} == {
        "model": "policy", "n": 2, "max_tokens": 7, "temperature": 0.5, "stop": ["#"]
    }  # fmt: skip


def test_openai_many_batches_in_flight_keep_order(gen_server):
    prompts = [f"q{i}" for i in range(12)]
    out = OpenAIGenerator(gen_server.url, "m", batch_size=1, max_workers=4).generate(prompts)
    assert [g.texts for g in out] == [(f"q{i}|0",) for i in range(12)]
    assert len(gen_server.requests) == 12


def test_openai_chat_sends_one_user_message_per_request(gen_server):
    gen = OpenAIGenerator(gen_server.url, "m", chat=True, batch_size=8)
    out = gen.generate(["first", "second"], n=3)
    expected = [tuple(f"{p}|{j}" for j in range(3)) for p in ("first", "second")]
    assert [g.texts for g in out] == expected
    assert {path for path, _, _ in gen_server.requests} == {"/v1/chat/completions"}
    bodies = sorted(body["messages"][0]["content"] for _, _, body in gen_server.requests)
    assert bodies == ["first", "second"]
    assert all(body["messages"][0]["role"] == "user" for _, _, body in gen_server.requests)


def test_openai_key_from_the_environment(gen_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    OpenAIGenerator(gen_server.url, "m").generate(["p"])
    monkeypatch.delenv("OPENAI_API_KEY")
    OpenAIGenerator(gen_server.url, "m").generate(["p"])
    assert gen_server.requests[0][1]["Authorization"] == "Bearer sk-env"
    assert "Authorization" not in gen_server.requests[1][1]


def test_openai_stop_strings_are_also_cut_client_side(gen_server):
    out = OpenAIGenerator(gen_server.url, "m").generate(["a|b"], stop=["|"])
    assert out[0].texts == ("a",)  # the fake server ignores "stop", as some do


def _json(obj):
    return json.dumps(obj).encode()


def test_openai_retries_a_server_error(gen_server):
    gen_server.script = [(500, b"busy")]
    out = OpenAIGenerator(gen_server.url, "m", backoff_s=0.01).generate(["p"])
    assert out[0].ok and out[0].texts == ("p|0",)
    assert len(gen_server.requests) == 2


def test_openai_retries_429_after_retry_after(gen_server):
    gen_server.script = [(429, b"slow down", [("Retry-After", "0")])]
    out = OpenAIGenerator(gen_server.url, "m", backoff_s=5.0).generate(["p"])
    assert out[0].ok  # Retry-After: 0 overrides the 5 s backoff (the test would be slow)
    assert len(gen_server.requests) == 2


def test_openai_gives_up_after_max_retries(gen_server):
    gen_server.script = [(503, b"down")] * 10
    out = OpenAIGenerator(gen_server.url, "m", max_retries=2, backoff_s=0.01).generate(["a", "b"])
    assert [g.status for g in out] == ["error", "error"]
    assert "HTTP 503" in out[0].detail and "3 attempts" in out[0].detail
    assert len(gen_server.requests) == 3


def test_openai_does_not_retry_a_client_error(gen_server):
    gen_server.script = [(400, _json({"error": "bad n"}))]
    out = OpenAIGenerator(gen_server.url, "m", backoff_s=0.01).generate(["p"])
    assert out[0].status == "error" and "HTTP 400" in out[0].detail and "bad n" in out[0].detail
    assert len(gen_server.requests) == 1


def test_openai_a_silent_server_times_out(gen_server):
    gen_server.script = ["hang", "hang"]
    gen = OpenAIGenerator(gen_server.url, "m", timeout_s=0.3, max_retries=1, backoff_s=0.01)
    start = time.monotonic()
    out = gen.generate(["p"])
    assert time.monotonic() - start < 3.0
    assert out[0].status == "error" and "timed out" in out[0].detail.lower()
    assert len(gen_server.requests) == 2  # a timeout is retried


@pytest.mark.parametrize(
    "reply",
    [
        b"{not json",
        _json({"choices": "nope"}),
        _json({"no_choices": []}),
        _json({"choices": [{"index": 0, "text": "only one"}]}),  # 2 prompts were sent
        _json({"choices": [{"index": 0, "text": "a"}, {"index": 0, "text": "b"}]}),
        _json({"choices": [{"index": 0, "text": None}, {"index": 1, "text": "b"}]}),
    ],
)
def test_openai_malformed_replies_give_error(gen_server, reply):
    gen_server.script = [(200, reply)]
    out = OpenAIGenerator(gen_server.url, "m", backoff_s=0.01).generate(["a", "b"])
    assert [g.status for g in out] == ["error", "error"]
    assert out[0].detail
    assert len(gen_server.requests) == 1


def test_openai_unreachable_server_gives_error():
    gen = OpenAIGenerator("http://127.0.0.1:9/v1", "m", max_retries=1, backoff_s=0.01, timeout_s=2)
    out = gen.generate(["p"])
    assert out[0].status == "error" and "attempts" in out[0].detail


def test_openai_rejects_bad_settings():
    with pytest.raises(ValueError):
        OpenAIGenerator("file:///etc/passwd", "m")
    for kwargs in ({"timeout_s": 0}, {"batch_size": 0}, {"max_retries": -1}):
        with pytest.raises(ValueError):
            OpenAIGenerator("http://localhost:1/v1", "m", **kwargs)
