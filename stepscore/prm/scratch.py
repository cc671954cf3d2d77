"""Tokenizers and small models built locally, for PRMs trained from scratch.

Hub downloads are not always possible (air-gapped clusters, CI, tests), and a small
PRM trained from scratch on synthetic or domain traces is a useful baseline. This
module trains a byte-level BPE tokenizer on the caller's texts (every string encodes;
nothing is unknown; one token per digit), with the special tokens and chat template
the PRM families need, and builds a randomly initialized Llama-style model of a
chosen size from a config.

>>> tok = train_tokenizer(["3 + 4 = 7", "7 * 2 = 14"], vocab_size=300)  # doctest: +SKIP
>>> model = build_model(tok, "causal-lm", hidden_size=64, layers=2)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from stepscore.prm.requires import train_stack

__all__ = ["CHAT_TEMPLATE", "SPECIAL_TOKENS", "ModelHead", "build_model", "train_tokenizer"]

SPECIAL_TOKENS: tuple[str, ...] = (
    "<pad>",
    "<s>",
    "</s>",
    "<extra_0>",
    "<|user|>",
    "<|assistant|>",
    "<|system|>",
    "<|end|>",
)

# A minimal chat template in the shape the chat-formatted PRM families expect: each
# turn is "<|role|>content<|end|>", and a generation prompt opens an assistant turn.
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)

ModelHead = Literal["causal-lm", "token-classification"]


def train_tokenizer(
    texts: Iterable[str],
    *,
    vocab_size: int = 1000,
    extra_tokens: Iterable[str] = ("ки", "+", "-"),
) -> Any:
    """A byte-level BPE ``PreTrainedTokenizerFast`` trained on ``texts``.

    ``extra_tokens`` are added as single plain tokens (the step tag and the good/bad
    label tokens of the tag-token families), so they always encode to one id.
    """
    _, transformers = train_stack()
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(  # one token per digit, as Llama/Qwen
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts), trainer=trainer)
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        bos_token="<s>",
        eos_token="</s>",
        additional_special_tokens=["<extra_0>"],
    )
    fast.add_tokens([t for t in extra_tokens if len(fast.encode(t, add_special_tokens=False)) != 1])
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_model(
    tokenizer: Any,
    head: ModelHead,
    *,
    hidden_size: int = 64,
    layers: int = 2,
    heads: int = 4,
    max_positions: int = 1024,
    vocab_size: int | None = None,
    seed: int = 0,
) -> Any:
    """A randomly initialized Llama-style model sized for ``tokenizer``'s vocabulary:
    a causal LM (tag-token and chat families, policies) or a two-label token
    classifier (token-classification and two-class families). ``vocab_size`` (at least
    the tokenizer's) sizes the embedding and LM head like a larger model's, e.g. 32000
    as Mistral's, for measurements whose cost depends on it."""
    torch, transformers = train_stack()
    if vocab_size is not None and vocab_size < len(tokenizer):
        raise ValueError(f"vocab_size {vocab_size} is below the tokenizer's {len(tokenizer)}")
    config = transformers.LlamaConfig(
        vocab_size=vocab_size or len(tokenizer),
        hidden_size=hidden_size,
        intermediate_size=hidden_size * 4,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
        num_labels=2,
    )
    torch.manual_seed(seed)
    if head == "causal-lm":
        return transformers.LlamaForCausalLM(config)
    if head == "token-classification":
        return transformers.LlamaForTokenClassification(config)
    raise ValueError(f"head must be 'causal-lm' or 'token-classification', not {head!r}")
