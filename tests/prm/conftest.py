"""Fixtures for the PRM tests.

Generation fakes (prefix ``gen_``): a scripted `Generator`, a local OpenAI-compatible
HTTP server, and a tiny causal LM built offline.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stepscore.prm.generate import Generations

# -- a scripted generator --------------------------------------------------------------


class ScriptedGenerator:
    """A deterministic `Generator`: ``reply(prompt, n)`` gives a prompt's `Generations`
    (or a list of texts); every call is recorded in ``calls``."""

    def __init__(self, reply: Callable[[str, int], Generations | Sequence[str]]) -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_new_tokens: int = 256,
        temperature: float = 1.0,
        stop: Sequence[str] = (),
    ) -> list[Generations]:
        self.calls.append(
            {"prompts": list(prompts), "n": n, "max_new_tokens": max_new_tokens,
             "temperature": temperature, "stop": tuple(stop)}
        )  # fmt: skip
        out = []
        for prompt in prompts:
            got = self.reply(prompt, n)
            out.append(got if isinstance(got, Generations) else Generations(tuple(got)))
        return out

    @property
    def prompts(self) -> list[str]:
        return [p for call in self.calls for p in call["prompts"]]


@pytest.fixture
def gen_scripted() -> type[ScriptedGenerator]:
    """The `ScriptedGenerator` class: ``gen_scripted(lambda prompt, n: [...])``."""
    return ScriptedGenerator


# -- a fake OpenAI-compatible server -----------------------------------------------------


@dataclass
class FakeServer:
    """A local OpenAI-compatible server. ``script`` is consumed one entry per request:
    ``(status, body_bytes)``, ``"hang"`` (never answers), or ``"serve"`` (a vLLM-like
    reply); once it is empty, every request is served. ``requests`` records
    ``(path, headers, json_body)``."""

    url: str = ""
    script: list[Any] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_action(self) -> Any:
        with self.lock:
            return self.script.pop(0) if self.script else "serve"


def vllm_reply(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Choices as a server returns them (shuffled: clients must use ``index``); each
    text is ``"<prompt>|<sample>"``."""
    n = body.get("n", 1)
    if path.endswith("/chat/completions"):
        content = body["messages"][-1]["content"]
        choices = [{"index": j, "message": {"role": "assistant", "content": f"{content}|{j}"}}
                   for j in range(n)]  # fmt: skip
    else:
        choices = [{"index": i * n + j, "text": f"{p}|{j}"}
                   for i, p in enumerate(body["prompt"]) for j in range(n)]  # fmt: skip
    random.Random(len(choices)).shuffle(choices)
    return {"id": "x", "object": "text_completion", "model": body["model"], "choices": choices}


def _handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            server.requests.append((self.path, dict(self.headers), body))
            action = server.next_action()
            if action == "hang":
                server.release.wait(30)
                return
            if action == "serve":
                action = (200, json.dumps(vllm_reply(self.path, body)).encode())
            status, payload, *headers = action
            self.send_response(status)
            for name, value in headers[0] if headers else ():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def gen_server() -> Iterator[FakeServer]:
    """A running `FakeServer` on 127.0.0.1 (random port); its base URL ends in /v1."""
    fake = FakeServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    httpd.daemon_threads = True
    fake.url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# -- a tiny causal LM --------------------------------------------------------------------

GEN_CORPUS = [
    "3 + 4 = 7",
    "7 * 2 = 14",
    "So the answer is 14.",
    "Let x = 5 and y = 6, then x + y = 11.",
    "The total is 12 apples.",
] * 10


@pytest.fixture(scope="session")
def gen_tiny_lm() -> tuple[Any, Any]:
    """``(model, tokenizer)``: a random one-layer Llama and a BPE tokenizer, built offline."""
    pytest.importorskip("torch")
    from stepscore.prm.scratch import build_model, train_tokenizer

    tokenizer = train_tokenizer(GEN_CORPUS, vocab_size=300)
    return build_model(tokenizer, "causal-lm", hidden_size=32, layers=1), tokenizer
