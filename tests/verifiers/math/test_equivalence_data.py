"""Equivalence on real data: agreement with labelled model outputs, and the MATH golds.

Run with ``-s`` to see the figures. Answers are extracted with `extract_answer` (auto),
compared with `cheap_compare` and, where it cannot decide, `full_compare`, as the
verifier does. Every disagreement with a label is listed here with its cause.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from stepscore.verifiers.math.equivalence import Comparison, cheap_compare, full_compare
from stepscore.verifiers.math.extract import extract_answer

GSM8K_MODELS = ("6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification")

# (gold, extracted prediction) -> why our verdict differs from the label
KNOWN_DISAGREEMENTS = {
    "bon": {
        ("10{,}000", "10000"): "label noise: the reference grader missed the {,} thousands "
        "separator; 10000 is right (Math-Verify 0.9.0 disagrees with this label too)",
    },
    "gsm8k": {},
}


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _verdict(response: str, gold: str) -> tuple[Comparison | None, bool, str]:
    """(comparison, decided cheaply, extracted answer) for a whole response."""
    extraction = extract_answer(response)
    if extraction.status != "ok" or extraction.answer is None:
        return None, True, ""
    cheap = cheap_compare(extraction.answer, gold)
    if cheap is not None:
        return cheap, True, extraction.answer
    return full_compare(extraction.answer, gold), False, extraction.answer


def _agreement(name: str, triples: list[tuple[str, str, bool]]) -> None:
    start = time.perf_counter()
    disagreements = {}
    cheap = 0
    for gold, response, label in triples:
        result, was_cheap, answer = _verdict(response, gold)
        cheap += was_cheap
        assert result is None or result.status == "ok", result
        if (result is not None and result.equal) != label:
            disagreements[(gold, answer)] = (label, result)
    elapsed = time.perf_counter() - start
    n = len(triples)
    agree = n - sum(1 for _ in disagreements)
    print(
        f"\n{name}: {agree}/{n} agree with the labels ({agree / n:.2%}); "
        f"{cheap}/{n} decided without sympy ({cheap / n:.1%}); {n / elapsed:.0f} pairs/s"
    )
    for (gold, answer), (label, result) in disagreements.items():
        print(f"  label {label}, ours {result and result.equal}: {gold!r} vs {answer!r}")
        print(f"    {KNOWN_DISAGREEMENTS[name].get((gold, answer), 'UNEXPLAINED')}")
    assert set(disagreements) == set(KNOWN_DISAGREEMENTS[name])


def test_gsm8k_example_model_solutions(shared_data: Path) -> None:
    tests = _rows(shared_data / "gsm8k" / "test.jsonl")
    solutions = _rows(shared_data / "gsm8k" / "example_model_solutions.jsonl")
    triples = []
    for test, row in zip(tests, solutions, strict=True):
        assert test["question"] == row["question"]
        gold = test["answer"].split("####")[-1].strip()
        for model in GSM8K_MODELS:
            triples.append((gold, row[model]["solution"], row[model]["is_correct"]))
    assert len(triples) == 5276
    _agreement("gsm8k", triples)  # Math-Verify 0.9.0: 99.87% (7 disagreements)


def test_bon_math_responses(shared_data: Path) -> None:
    rows = _rows(shared_data / "bon" / "math_cot_100.jsonl")
    triples = [
        (row["gt"], response, score)
        for row in rows
        for response, score in zip(row["response"], row["score"], strict=True)
    ]
    assert len(triples) == 800
    _agreement("bon", triples)  # Math-Verify 0.9.0: 99.88% (1 disagreement, the same one)


def _respellings(answer: str) -> list[str]:
    return [
        answer.replace(r"\dfrac", r"\frac"),
        answer.replace(r"\frac", r"\dfrac"),
        re.sub(r"\s+", "", answer) if "\\ " not in answer else answer,
        " " + re.sub(r"\s+", "  ", answer) + " ",
        f"${answer}$",
        rf"\boxed{{{answer}}}",
        answer.replace(",", ", ").replace(",  ", ", "),
    ]


def test_math500_golds(shared_data: Path) -> None:
    rows = _rows(shared_data / "math500" / "test.jsonl")
    self_equal = extracted_equal = 0
    misses = []
    for row in rows:
        gold = row["answer"]
        pairs = [(v, gold) for v in _respellings(gold)] + [(gold, v) for v in _respellings(gold)]
        results = [full_compare(p, g) for p, g in pairs]
        self_equal += all(r.equal for r in results)
        misses += [
            (p, g, r.reason) for (p, g), r in zip(pairs, results, strict=True) if not r.equal
        ]
        boxed = extract_answer(row["solution"], "boxed").answer
        extracted_equal += boxed is not None and full_compare(boxed, gold).equal
    print(f"\nMATH-500: {self_equal}/500 equal to their respellings, {extracted_equal}/500 to "
          "the boxed answer of their solution")  # fmt: skip
    assert (self_equal, extracted_equal) == (500, 500), misses[:10]


def test_math_golds_differ_from_a_changed_digit(shared_data: Path) -> None:
    """Every MATH gold against itself with its last digit changed: never equal, except
    where the policy says the digit does not count (a base subscript, a unit's power)."""
    golds = {
        extract_answer(row["solution"], "boxed").answer
        for row in _rows(shared_data / "math" / "test.jsonl")
    }
    golds.discard(None)
    allowed = re.compile(r"_\{?\(?\d+\)?\}?$|\\(?:text|mbox)\{[^}]*\}\^\d$")
    wrong = []
    for gold in sorted(golds):  # type: ignore[type-var]
        digits = list(re.finditer(r"\d", gold))
        if not digits:
            continue
        i = digits[-1].start()
        changed = gold[:i] + str((int(gold[i]) + 1) % 10) + gold[i + 1 :]
        if full_compare(changed, gold).equal and not allowed.search(gold):
            wrong.append((changed, gold))
    print(f"\nMATH: {len(golds)} distinct golds; a changed last digit never compares equal")
    assert wrong == []
