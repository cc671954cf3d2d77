"""Text generators: the sampling behind LLM judges and Monte-Carlo step labels.

A `Generator` turns prompts into ``n`` sampled continuations each. Two live here: a
local transformers causal LM (`HFGenerator`) and any OpenAI-compatible HTTP endpoint,
e.g. a vLLM server (`OpenAIGenerator`, standard library only). Both keep the order of
the prompts and return one `Generations` per prompt; a batch that fails (a bad reply,
a dead server, an out-of-memory batch) comes back with ``status="error"`` for the
prompts it covered, so one failure cannot sink a labelling run of thousands.

>>> g = Generations(("7", "8"))
>>> g.ok, g.texts, Generations.failed("HTTP 500").status
(True, ('7', '8'), 'error')
>>> cut_at_stop("x = 3\\n\\nThen", ["\\n\\n", "Then"])
'x = 3'
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from stepscore.prm.requires import train_stack

__all__ = [
    "GenerationStatus",
    "Generations",
    "Generator",
    "HFGenerator",
    "OpenAIGenerator",
    "cut_at_stop",
]

log = logging.getLogger(__name__)

GenerationStatus = Literal["ok", "error"]
_RETRY_CODES = frozenset({408, 429, 500, 502, 503, 504})
_MAX_BACKOFF_S = 30.0


@dataclass(frozen=True, slots=True)
class Generations:
    """The continuations sampled for one prompt; ``status="error"`` with no texts and
    the reason in ``detail`` when the request covering the prompt failed."""

    texts: tuple[str, ...]
    status: GenerationStatus = "ok"
    detail: str = ""

    def __post_init__(self) -> None:
        if self.status not in ("ok", "error"):
            raise ValueError(f"status must be 'ok' or 'error', not {self.status!r}")

    @classmethod
    def failed(cls, detail: str) -> Generations:
        return cls((), "error", detail)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@runtime_checkable
class Generator(Protocol):
    """Samples ``n`` continuations per prompt (greedy at ``temperature=0``), each cut
    at its first ``stop`` string; one `Generations` per prompt, in order. Never raises
    for a failed request and never waits without a deadline."""

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_new_tokens: int = 256,
        temperature: float = 1.0,
        stop: Sequence[str] = (),
    ) -> list[Generations]: ...


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """``text`` up to the earliest occurrence of any stop string (the stop excluded)."""
    cuts = [i for i in (text.find(s) for s in stop if s) if i >= 0]
    return text[: min(cuts)] if cuts else text


def _check_request(n: int, max_new_tokens: int, temperature: float) -> None:
    if n < 1 or max_new_tokens < 1:
        raise ValueError(f"n and max_new_tokens must be at least 1, got {n} and {max_new_tokens}")
    if not temperature >= 0.0:
        raise ValueError(f"temperature must be >= 0, got {temperature!r}")


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class HFGenerator:
    """A local transformers causal LM, batched with left padding.

    Prompts are padded on the left so every row's new tokens start at the same
    position; only the new tokens are decoded. ``chat=True`` wraps each prompt as one
    user turn with the tokenizer's chat template (for instruct models). Sampling
    settings other than the temperature (``top_p``, ``top_k``) come from the model's
    generation config, as on a vLLM server, unless ``generate_kwargs`` overrides them;
    ``stop`` strings also end generation early. With ``seed``, call k of this generator
    samples under seed ``seed + k`` inside a forked RNG: runs repeat exactly and the
    global RNG is left alone. A batch that raises a
    ``RuntimeError`` (out of memory, a prompt past the context) gives "error" for its
    prompts and the next batch still runs.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        device: Any = None,
        batch_size: int = 8,
        seed: int | None = None,
        chat: bool = False,
        generate_kwargs: dict[str, Any] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if tokenizer.pad_token is None:  # common for causal LMs; padding needs one
            tokenizer.pad_token = tokenizer.eos_token
        self.model = model.to(device) if device is not None else model
        self.model.eval()
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.seed = seed
        self.chat = chat
        self.generate_kwargs = dict(generate_kwargs or {})
        self._calls = 0

    @classmethod
    def from_pretrained(cls, path: str, *, dtype: Any = "auto", **kwargs: Any) -> HFGenerator:
        """Load a causal LM and its tokenizer from a local folder or Hub name."""
        _, transformers = train_stack()
        tokenizer = transformers.AutoTokenizer.from_pretrained(path)
        model = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=dtype)
        return cls(model, tokenizer, **kwargs)

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_new_tokens: int = 256,
        temperature: float = 1.0,
        stop: Sequence[str] = (),
    ) -> list[Generations]:
        _check_request(n, max_new_tokens, temperature)
        torch, _ = train_stack()
        self._calls += 1
        devices = [self._device] if self._device.type == "cuda" else []
        out: list[Generations] = []
        with torch.random.fork_rng(devices=devices, enabled=self.seed is not None):
            if self.seed is not None:
                torch.manual_seed(self.seed + self._calls - 1)
            for chunk in _chunks(list(prompts), self.batch_size):
                try:
                    texts = self._batch(chunk, n, max_new_tokens, temperature, stop)
                except RuntimeError as exc:
                    log.warning("generation failed for a batch of %d: %s", len(chunk), exc)
                    out += [Generations.failed(f"{type(exc).__name__}: {exc}"[:300])] * len(chunk)
                    continue
                out += [Generations(tuple(cut_at_stop(t, stop) for t in row)) for row in texts]
        return out

    @property
    def _device(self) -> Any:
        return next(self.model.parameters()).device

    def _batch(
        self,
        prompts: Sequence[str],
        n: int,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str],
    ) -> list[list[str]]:
        torch, _ = train_stack()
        tok = self.tokenizer
        if self.chat:
            prompts = [
                tok.apply_chat_template(
                    [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
                )
                for p in prompts
            ]
        enc = tok(
            list(prompts),
            return_tensors="pt",
            padding=True,
            padding_side="left",
            add_special_tokens=not self.chat,  # a chat template writes its own
        ).to(self._device)
        options = {"do_sample": temperature > 0, **self.generate_kwargs}
        if temperature > 0:
            options["temperature"] = temperature
        if stop:
            options.update(stop_strings=list(stop), tokenizer=tok)
        draws = n if temperature > 0 else 1  # greedy: one decode, copied n times
        with torch.inference_mode():
            ids = self.model.generate(
                **enc,
                max_new_tokens=max_new_tokens,
                num_return_sequences=draws,
                pad_token_id=tok.pad_token_id,
                **options,
            )  # (B * draws, T_prompt + T_new), rows grouped by prompt
        texts = tok.batch_decode(ids[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
        return [texts[i * draws : (i + 1) * draws] * (n // draws) for i in range(len(prompts))]


class _Failed(Exception):
    """A request that failed; ``retry`` says whether another attempt may succeed."""

    def __init__(self, detail: str, *, retry: bool, wait_s: float | None = None) -> None:
        super().__init__(detail)
        self.retry = retry
        self.wait_s = wait_s


class OpenAIGenerator:
    """An OpenAI-compatible endpoint (OpenAI, vLLM, SGLang, TGI), standard library only.

    Completions mode posts up to ``batch_size`` prompts per request to
    ``{base_url}/completions`` (the API takes a list of prompts; choice ``i`` belongs to
    prompt ``i // n``); ``chat=True`` posts one user message per request to
    ``{base_url}/chat/completions``. ``max_workers`` requests are in flight at once.
    Every request has a deadline of ``timeout_s`` (connect, and the whole body read);
    connection errors, timeouts, 408/429 and 5xx are retried up to ``max_retries``
    times with exponential backoff (``Retry-After`` honoured, capped at 30 s). The API
    key comes from ``api_key`` or ``OPENAI_API_KEY``.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        chat: bool = False,
        timeout_s: float = 60.0,
        max_retries: int = 2,
        batch_size: int = 16,
        max_workers: int = 4,
        backoff_s: float = 1.0,
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
        if timeout_s <= 0 or max_retries < 0 or batch_size < 1 or max_workers < 1:
            raise ValueError("timeout_s, batch_size and max_workers must be positive")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
        self.chat = chat
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.batch_size = batch_size
        self.max_workers = max_workers
        self.backoff_s = backoff_s
        self.extra_body = dict(extra_body or {})

    def generate(
        self,
        prompts: Sequence[str],
        *,
        n: int = 1,
        max_new_tokens: int = 256,
        temperature: float = 1.0,
        stop: Sequence[str] = (),
    ) -> list[Generations]:
        _check_request(n, max_new_tokens, temperature)
        params = {"n": n, "max_tokens": max_new_tokens, "temperature": temperature}
        if stop:
            params["stop"] = list(stop)
        size = 1 if self.chat else self.batch_size
        batches = _chunks(list(prompts), size)
        with ThreadPoolExecutor(max_workers=min(self.max_workers, len(batches) or 1)) as pool:
            done = pool.map(lambda batch: self._batch(batch, params, stop), batches)
            return [g for generations in done for g in generations]

    def _batch(
        self, prompts: Sequence[str], params: dict[str, Any], stop: Sequence[str]
    ) -> list[Generations]:
        n = params["n"]
        if self.chat:
            body = {"messages": [{"role": "user", "content": prompts[0]}]}
        else:
            body = {"prompt": list(prompts)}
        try:
            reply = self._post(
                "/chat/completions" if self.chat else "/completions",
                {**self.extra_body, "model": self.model, **body, **params},
            )
            rows = _read_choices(reply, len(prompts), n, self.chat)
        except _Failed as exc:
            log.debug("request for %d prompts failed: %s", len(prompts), exc)
            return [Generations.failed(str(exc))] * len(prompts)
        return [Generations(tuple(cut_at_stop(t, stop) for t in row)) for row in rows]

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        """The decoded JSON reply, after retries; `_Failed` when there is none."""
        attempt = 0
        while True:
            try:
                return self._post_once(path, body)
            except _Failed as exc:
                if not exc.retry or attempt >= self.max_retries:
                    raise _Failed(f"{exc} (after {attempt + 1} attempts)", retry=False) from exc
                wait = exc.wait_s if exc.wait_s is not None else self.backoff_s * 2**attempt
                time.sleep(min(wait, _MAX_BACKOFF_S))
                attempt += 1

    def _post_once(self, path: str, body: dict[str, Any]) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        deadline = time.monotonic() + self.timeout_s
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                raw = _read_before(response, deadline)
        except urllib.error.HTTPError as exc:
            snippet = _error_body(exc)
            retry_after = exc.headers.get("Retry-After", "") if exc.headers else ""
            wait = float(retry_after) if retry_after.isdigit() else None
            raise _Failed(f"HTTP {exc.code}: {snippet}", retry=exc.code in _RETRY_CODES,
                          wait_s=wait) from exc  # fmt: skip
        except (OSError, http.client.HTTPException) as exc:  # URLError, timeouts, resets
            raise _Failed(f"{type(exc).__name__}: {exc}", retry=True) from exc
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise _Failed(f"malformed JSON reply: {raw[:200]!r}", retry=False) from exc


def _error_body(error: urllib.error.HTTPError) -> str:
    """The start of an error reply's body, for the detail ("" when it cannot be read)."""
    try:
        return error.read(300).decode("utf-8", "replace") if error.fp else ""
    except (OSError, http.client.HTTPException):
        return ""


def _read_before(response: Any, deadline: float) -> bytes:
    """The body, read in chunks, giving up at ``deadline`` (a server that trickles bytes
    must not outlast the timeout; each read is also bounded by the socket timeout)."""
    parts = []
    while chunk := response.read(1 << 16):
        parts.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError("the reply took longer than the timeout")
    return b"".join(parts)


def _read_choices(reply: Any, n_prompts: int, n: int, chat: bool) -> list[list[str]]:
    """``n`` texts per prompt from a reply's ``choices``, or `_Failed` if it lacks any."""
    try:
        by_index = {
            c["index"]: c["message"]["content"] if chat else c["text"] for c in reply["choices"]
        }
    except (KeyError, TypeError) as exc:
        raise _Failed(f"unexpected reply shape: {str(reply)[:200]}", retry=False) from exc
    texts = [by_index.get(i) for i in range(n_prompts * n)]
    if len(by_index) != len(texts) or not all(isinstance(t, str) for t in texts):
        raise _Failed(f"expected text choices 0..{len(texts) - 1}, got {sorted(by_index)[:20]}",
                      retry=False)  # fmt: skip
    return [texts[i * n : (i + 1) * n] for i in range(n_prompts)]
