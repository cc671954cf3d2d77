"""Labelled model outputs: (prediction, reference, label) pairs from public result files.

These are the pairs a math verifier is judged on: real model responses with a verdict
from a reference grader or a human.

- ``gsm8k-solutions``: GSM8K's ``example_model_solutions.jsonl`` (four model solutions per
  test problem, ``is_correct`` each; the gold solution there ends in "A: 18", and the
  reference is that final answer).
- ``math-bon``: 100 MATH problems x 8 sampled responses (``response``, ``score``, gold ``gt``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LabelledPair", "final_answer_line", "gsm8k_solution_pairs", "math_bon_pairs"]


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """A model's response, the gold answer (or solution), and whether it was judged right."""

    id: str
    prediction: str
    reference: str
    label: bool


def gsm8k_solution_pairs(path: str | os.PathLike[str]) -> list[LabelledPair]:
    """Pairs from GSM8K's ``example_model_solutions.jsonl`` (5276 for the full file)."""
    pairs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        for model, output in row.items():
            if isinstance(output, dict) and "solution" in output:
                pairs.append(
                    LabelledPair(
                        f"{number}:{model}",
                        output["solution"],
                        final_answer_line(row["ground_truth"]),
                        bool(output["is_correct"]),
                    )
                )
    return pairs


def math_bon_pairs(path: str | os.PathLike[str]) -> list[LabelledPair]:
    """Pairs from ``bon/math_cot_100.jsonl`` (800 for the full file)."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for k, (response, score) in enumerate(zip(row["response"], row["score"], strict=True)):
            pairs.append(LabelledPair(f"{row['idx']}:{k}", response, str(row["gt"]), bool(score)))
    return pairs


def final_answer_line(solution: str) -> str:
    """The answer after the last "A:" (or "####") of a GSM8K-style solution."""
    for marker in ("####", "\nA:"):
        if marker in solution:
            return solution.rsplit(marker, 1)[1].strip()
    return solution.strip()
