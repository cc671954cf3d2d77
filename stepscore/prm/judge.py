"""An LLM critic as a step judge and a step scorer, in the ProcessBench critic style.

The critic sees the problem and the solution split into paragraphs tagged
``<paragraph_0>...</paragraph_0>`` and answers with the index of the earliest wrong
paragraph in ``\\boxed{}``, or ``\\boxed{-1}`` if none (Zheng et al. 2024,
"ProcessBench", sec. 4 and its critique template). With ``samples > 1`` the verdict is
the majority vote (ProcessBench's voting uses 8 samples at temperature 0.7); a tie goes
to the earliest index, with "no error" ranked after every step, so a split vote flags
the error. Votes without a parsable in-range index are ignored.

As a `StepScorer`, step j scores the fraction of valid votes that put the earliest
error after j (or nowhere): 1.0 when every vote passes step j, 0.0 when every vote
flags it or an earlier step.

>>> from stepscore.reasoning.trace import Trace
>>> trace = Trace.from_steps(["2 + 2 = 4", "4 * 3 = 13"], prompt="What is (2 + 2) * 3?")
>>> print(critique_prompt(trace).split("[Solution]")[1].split("Your task")[0].strip())
<paragraph_0>
2 + 2 = 4
</paragraph_0>
<BLANKLINE>
<paragraph_1>
4 * 3 = 13
</paragraph_1>
>>> parse_vote("... so paragraph 1 is wrong. \\\\boxed{1}", n_steps=2)
1
>>> majority([1, -1, None, 1, -1], n_steps=2), step_fractions([1, -1], n_steps=2)
(1, (1.0, 0.5))
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from stepscore.prm.aggregate import Aggregation
from stepscore.prm.generate import Generator
from stepscore.prm.scores import StepScores
from stepscore.reasoning.trace import Trace
from stepscore.verifiers.math.extract import extract_answer

__all__ = [
    "CRITIQUE_TEMPLATE",
    "Critique",
    "CritiqueStatus",
    "JudgeScorer",
    "critique_prompt",
    "majority",
    "parse_vote",
    "step_fractions",
]

# ProcessBench's critique template (code/templates/critique_template.txt).
CRITIQUE_TEMPLATE = """\
The following is a math problem and a solution (split into paragraphs, enclosed with tags \
and indexed from 0):

[Math Problem]

{problem}

[Solution]

{tagged_response}

Your task is to review and critique the solution paragraph by paragraph. Once you identify \
an error in a paragraph, return the index of the paragraph where the earliest error occurs. \
Otherwise, return the index of -1 (which typically denotes "not found").

Please put your final answer (i.e., the index) in \\boxed{{}}.
"""

CritiqueStatus = Literal["ok", "no_vote", "empty", "error"]
_INDEX = re.compile(r"[-+]?\d+")


@dataclass(frozen=True, slots=True)
class Critique:
    """The critic's reading of one trace.

    ``votes``: each sample's earliest wrong step (-1: none; None: no parsable in-range
    index). ``earliest``: the majority vote, -1 when there is no valid vote. ``status``:
    "ok"; "no_vote" (no sample gave a valid index); "empty" (no steps, not sent to the
    critic); "error" (the generator failed, ``detail`` says why).
    """

    votes: tuple[int | None, ...]
    earliest: int
    n_steps: int
    status: CritiqueStatus = "ok"
    detail: str = ""

    @property
    def valid_votes(self) -> tuple[int, ...]:
        return tuple(v for v in self.votes if v is not None)

    def verdicts(self) -> list[bool]:
        """Per step: correct unless at or after the earliest error (ProcessBench's
        convention: every step from the first error on counts as wrong)."""
        return [self.earliest == -1 or j < self.earliest for j in range(self.n_steps)]

    def scores(self, how: Aggregation | str = "min") -> StepScores:
        if self.status == "empty":
            return StepScores.of([], how=how)
        if self.status != "ok":
            return StepScores.failed(self.n_steps, self.detail or self.status)
        return StepScores.of(step_fractions(self.votes, self.n_steps), how=how)


def critique_prompt(trace: Trace, template: str = CRITIQUE_TEMPLATE) -> str:
    """The critic's prompt: ``template`` with ``{problem}`` and ``{tagged_response}``."""
    tagged = "\n\n".join(
        f"<paragraph_{j}>\n{text}\n</paragraph_{j}>" for j, text in enumerate(trace.step_texts)
    )
    return template.format(problem=trace.prompt, tagged_response=tagged)


def parse_vote(text: str, n_steps: int) -> int | None:
    """The index in the last ``\\boxed{}`` of ``text`` when it is -1 or a step index."""
    extraction = extract_answer(text, style="boxed")
    if extraction.answer is None:
        return None
    body = extraction.answer.strip().strip("$").strip()
    body = body.removeprefix("\\text{").removesuffix("}").strip()
    if not _INDEX.fullmatch(body):
        return None
    index = int(body)
    return index if -1 <= index < n_steps else None


def majority(votes: Sequence[int | None], n_steps: int) -> int | None:
    """The most frequent valid vote; a tie goes to the earliest step, "no error" (-1)
    ranking after every step. None when no vote is valid."""
    counts = Counter(v for v in votes if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], n_steps if v == -1 else v))


def step_fractions(votes: Sequence[int | None], n_steps: int) -> tuple[float, ...]:
    """Per step j, the fraction of valid votes whose earliest error is -1 or after j."""
    valid = [n_steps if v == -1 else v for v in votes if v is not None]
    if not valid:
        raise ValueError("no valid vote")
    return tuple(sum(v > j for v in valid) / len(valid) for j in range(n_steps))


class JudgeScorer:
    """An LLM critic behind any `Generator`: a `StepJudge` and a `StepScorer`.

    ``samples`` critiques are drawn per trace, all traces of a call in ONE generator
    call (the generator batches). ``samples > 1`` needs ``temperature > 0`` (greedy
    samples would all be the same vote), so that combination raises. ``template`` must
    hold ``{problem}`` and ``{tagged_response}``; chat models need a chat generator
    (``OpenAIGenerator(chat=True)``, ``HFGenerator(chat=True)``).

    >>> class Always:
    ...     def generate(self, prompts, *, n=1, max_new_tokens=256, temperature=1.0, stop=()):
    ...         from stepscore.prm.generate import Generations
    ...         return [Generations(("\\\\boxed{1}",) * n) for _ in prompts]
    >>> from stepscore.reasoning.trace import Trace
    >>> t = Trace.from_steps(["1 + 1 = 2", "2 + 2 = 5", "so 5"], prompt="q")
    >>> j = JudgeScorer(Always())
    >>> j.judge([t]), j.step_verdicts([t]), j.score([t])[0].scores
    ([1], [[True, False, False]], (1.0, 0.0, 0.0))
    """

    def __init__(
        self,
        generator: Generator,
        *,
        samples: int = 1,
        temperature: float = 0.0,
        max_new_tokens: int = 2048,
        template: str = CRITIQUE_TEMPLATE,
        aggregation: Aggregation | str = "min",
        name: str = "llm-judge",
    ) -> None:
        if samples < 1:
            raise ValueError("samples must be at least 1")
        if samples > 1 and temperature <= 0:
            raise ValueError("samples > 1 needs temperature > 0 (greedy votes are identical)")
        if "{problem}" not in template or "{tagged_response}" not in template:
            raise ValueError("template must contain {problem} and {tagged_response}")
        self.generator = generator
        self.samples = samples
        self.temperature = temperature
        self.max_new_tokens = max_new_tokens
        self.template = template
        self.aggregation = aggregation
        self.name = name

    def critique(self, traces: Sequence[Trace]) -> list[Critique]:
        """One `Critique` per trace, from a single generator call."""
        asked = [i for i, t in enumerate(traces) if t.steps]
        replies = self.generator.generate(
            [critique_prompt(traces[i], self.template) for i in asked],
            n=self.samples,
            max_new_tokens=self.max_new_tokens,
            temperature=self.temperature,
        )
        if len(replies) != len(asked):
            raise ValueError(f"the generator gave {len(replies)} replies for {len(asked)} prompts")
        out = [Critique((), -1, 0, "empty") for _ in traces]
        for i, reply in zip(asked, replies, strict=True):
            n_steps = len(traces[i].steps)
            if not reply.ok:
                out[i] = Critique((), -1, n_steps, "error", reply.detail)
                continue
            votes = tuple(parse_vote(text, n_steps) for text in reply.texts)
            earliest = majority(votes, n_steps)
            if earliest is None:
                detail = f"no parsable index in {len(votes)} critiques"
                out[i] = Critique(votes, -1, n_steps, "no_vote", detail)
            else:
                out[i] = Critique(votes, earliest, n_steps)
        return out

    def judge(self, traces: Sequence[Trace]) -> list[int]:
        """Earliest wrong step per trace (-1: none, or no valid vote; see `critique`)."""
        return [c.earliest for c in self.critique(traces)]

    def step_verdicts(self, traces: Sequence[Trace]) -> list[list[bool]]:
        return [c.verdicts() for c in self.critique(traces)]

    def score(self, traces: Sequence[Trace], *, batch_size: int | None = None) -> list[StepScores]:
        """Vote fractions per step; ``batch_size`` is ignored (the generator batches)."""
        return [c.scores(self.aggregation) for c in self.critique(traces)]
