"""Labelled model outputs: (prediction, reference, label) pairs from public result files.

These are the pairs a math verifier is judged on: real model responses with a verdict
from a reference grader or a human.

- ``gsm8k-solutions``: GSM8K's ``example_model_solutions.jsonl`` (four model solutions per
  test problem, ``is_correct`` each; the gold solution there ends in "A: 18", and the
  reference is that final answer).
- ``math-bon``: 100 MATH problems x 8 sampled responses (``response``, ``score``, gold ``gt``).
- PRM800K rated steps: the derived one-row-per-step parquet of phase 1 (the steps so far,
  the next step, its human rating -1/0/+1, and the final answer on a path's last row).
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path

from stepscore.errors import MissingExtraError

__all__ = [
    "LabelledPair",
    "RatedStep",
    "final_answer_line",
    "gsm8k_solution_pairs",
    "math_bon_pairs",
    "prm800k_rated_steps",
]


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


@dataclass(frozen=True, slots=True)
class RatedStep:
    """One PRM800K step with the steps before it, its human rating (-1, 0, +1; None when
    unrated) and, on a path's last step, the final answer ("" elsewhere)."""

    problem: str
    before: tuple[str, ...]
    step: str
    rating: int | None
    answer: str


def prm800k_rated_steps(path: str | os.PathLike[str]) -> list[RatedStep]:
    """The rows of a ``*.stepwise-critic.parquet`` file (needs pyarrow: ``[train]``)."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingExtraError("pyarrow", "train") from exc

    out = []
    for row in pq.read_table(Path(path)).to_pylist():
        rating = row["rating"]
        answer = row.get("answer")
        out.append(
            RatedStep(
                row["instruction"],
                tuple(_steps_so_far(row["responses"])),
                row["next_response"],
                None if rating in (None, "None", "") else int(float(rating)),
                "" if answer in (None, "None") else str(answer),
            )
        )
    return out


def _steps_so_far(value: object) -> list[str]:
    """The derived file writes the steps before as a list, or as its Python repr."""
    if isinstance(value, list):
        return [str(v) for v in value]
    parsed = ast.literal_eval(str(value)) if value not in (None, "None", "") else []
    return [str(v) for v in parsed]
