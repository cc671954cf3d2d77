"""Choosing one of N sampled answers: majority vote, best-of-N and weighted best-of-N.

Three rules, each returning a `Selection`:

- `maj_at_k`: the most frequent final answer among k samples (self-consistency; Wang et
  al. 2023, "Self-Consistency Improves Chain of Thought Reasoning in Language Models",
  Sec. 2). ``score`` is the number of votes.
- `best_of_n`: the candidate with the highest score from a verifier or reward model
  (Cobbe et al. 2021, "Training Verifiers to Solve Math Word Problems", Sec. 4.2;
  Lightman et al. 2023, "Let's Verify Step by Step"). ``score`` is its score.
- `weighted_best_of_n`: answers grouped by equivalence, each group's scores summed,
  the heaviest group wins (the voting verifier of Li et al. 2023, "Making Language
  Models Better Reasoners with Step-Aware Verifier" (DiVeRSe); Uesato et al. 2022 call
  it RM-weighted decoding). ``score`` is the group's total.

A candidate is ``(answer, score)`` or ``(answer, score, correct)``; ``answer`` is the
bare final answer (extract it first) or None when the response has none. Scores are
already aggregated per response (a PRM's step scores reduced by min, prod, last, ...).

Equivalent spellings vote together: answers are grouped with `cheap_compare` (bounded,
in-process, no sympy), falling back to equality after `normalize_answer` where it cannot
decide. Each answer joins the first group whose first member it equals. Ties between
groups go to the group whose first member came earliest; ties between candidates to the
earliest. An answer of None abstains from votes; when every candidate abstains the
selection is candidate 0 with no answer.

``correct`` of a selection is the chosen candidate's own label when it has one, else
`verify_math` of its answer against ``gold`` when one is given (False for no answer),
else None.

>>> maj_at_k(["0.5", "\\\\frac{1}{2}", "3", "3", "1/2"], gold="1/2")
Selection(index=0, answer='0.5', score=3.0, correct=True)
>>> best_of_n([("3", 0.2), ("4", 0.9), ("3", 0.6)]).answer
'4'
>>> weighted_best_of_n([("3", 0.2), ("4", 0.9), ("3", 0.8)]).answer
'3'
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, get_args

from stepscore.errors import UnknownNameError
from stepscore.verifiers.math import MathConfig, cheap_compare, verify_math
from stepscore.verifiers.math.normalize import normalize_answer

__all__ = [
    "SELECTION_METHODS",
    "Candidate",
    "CurvePoint",
    "Selection",
    "SelectionMethod",
    "answers_equivalent",
    "best_of_n",
    "group_answers",
    "maj_at_k",
    "selection_curve",
    "weighted_best_of_n",
]

Candidate = tuple[str | None, float] | tuple[str | None, float, bool | None]
SelectionMethod = Literal["majority", "best", "weighted", "oracle"]
SELECTION_METHODS: tuple[str, ...] = get_args(SelectionMethod)

_DEFAULT = MathConfig()


@dataclass(frozen=True, slots=True)
class Selection:
    """The chosen candidate: its position, answer, the score it won with, and verdict.

    ``score`` is what the rule maximized: votes for `maj_at_k`, the candidate's score
    for `best_of_n`, the group's summed score for `weighted_best_of_n`. ``correct`` is
    None when neither a label nor a gold answer was given.
    """

    index: int
    answer: str | None
    score: float
    correct: bool | None


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Accuracy of a selection rule using the first ``n`` samples of every problem."""

    n: int
    accuracy: float


class _Candidate(NamedTuple):
    answer: str | None
    score: float
    correct: bool | None


def answers_equivalent(answer: str, other: str, config: MathConfig = _DEFAULT) -> bool:
    """Whether two bare answers are the same, by the bounded in-process path only.

    `cheap_compare` decides where it can (``"0.5"`` equals ``"\\\\frac{1}{2}"``); where it
    cannot, or where ``other`` is not a usable answer, the normalized spellings must
    match. Never calls sympy, so it is fast enough to group thousands of samples.

    >>> answers_equivalent("0.5", "\\\\frac{1}{2}"), answers_equivalent("\\\\sin x", "\\\\cos x")
    (True, False)
    """
    comparison = cheap_compare(answer, other, config)
    if comparison is not None and comparison.status == "ok":
        return comparison.equal
    return normalize_answer(answer, config) == normalize_answer(other, config)


def group_answers(
    answers: Sequence[str | None], config: MathConfig = _DEFAULT
) -> tuple[tuple[int, ...], ...]:
    """Indices of equivalent answers, groups in order of first appearance; None abstains.

    >>> group_answers(["2", None, "4", "2.0", "\\\\frac{8}{2}"])
    ((0, 3), (2, 4))
    """
    groups: list[list[int]] = []
    for index, answer in enumerate(answers):
        if answer is None:
            continue
        if not isinstance(answer, str):
            raise TypeError(f"answer {index} must be a str or None, not {answer!r}")
        for group in groups:
            if answers_equivalent(answer, answers[group[0]], config):  # type: ignore[arg-type]
                group.append(index)
                break
        else:
            groups.append([index])
    return tuple(tuple(group) for group in groups)


def maj_at_k(
    answers: Sequence[str | None],
    gold: str | None = None,
    *,
    correct: Sequence[bool | None] | None = None,
    config: MathConfig = _DEFAULT,
) -> Selection:
    """Majority vote over the k sampled answers given (maj@k; Wang et al. 2023, Sec. 2).

    ``correct`` optionally labels each answer (as a results file does); the chosen
    answer's label then decides ``Selection.correct`` without calling the verifier.

    >>> maj_at_k(["7", "5", "5", "7"], gold="7")  # a tie: the group seen first wins
    Selection(index=0, answer='7', score=2.0, correct=True)
    """
    answers = list(answers)
    labels = [None] * len(answers) if correct is None else list(correct)
    if len(labels) != len(answers):
        raise ValueError(f"{len(labels)} correctness labels for {len(answers)} answers")
    candidates = _candidates([(a, 1.0, y) for a, y in zip(answers, labels, strict=True)])
    return _vote(candidates, gold, config, weighted=False)


def best_of_n(
    candidates: Sequence[Candidate], gold: str | None = None, *, config: MathConfig = _DEFAULT
) -> Selection:
    """The candidate with the highest score; equal scores go to the earliest.

    >>> best_of_n([("1", 0.5), ("2", 0.7, False), ("3", 0.7, True)])
    Selection(index=1, answer='2', score=0.7, correct=False)
    """
    parsed = _candidates(candidates)
    index = max(range(len(parsed)), key=lambda i: parsed[i].score)  # max keeps the first
    chosen = parsed[index]
    return Selection(index, chosen.answer, chosen.score, _verdict(chosen, gold, config))


def weighted_best_of_n(
    candidates: Sequence[Candidate], gold: str | None = None, *, config: MathConfig = _DEFAULT
) -> Selection:
    """The answer whose equivalent group has the largest total score (weighted voting).

    Scores are summed, so they must be non-negative (probabilities, or a PRM's
    aggregate in [0, 1]); map logits through a sigmoid first. Within the winning group
    the highest-scored candidate is returned (the earliest on a tie).

    >>> weighted_best_of_n([("2", 0.9), ("4", 0.5), ("4.0", 0.5)], gold="4")
    Selection(index=1, answer='4', score=1.0, correct=True)
    """
    parsed = _candidates(candidates)
    for index, candidate in enumerate(parsed):
        if not 0 <= candidate.score < math.inf:
            raise ValueError(
                f"weighted best-of-N sums scores, which must be finite and >= 0; "
                f"candidate {index} has {candidate.score!r}"
            )
    return _vote(parsed, gold, config, weighted=True)


def selection_curve(
    problems: Sequence[Sequence[Candidate]],
    method: SelectionMethod,
    *,
    ns: Sequence[int] | None = None,
    config: MathConfig = _DEFAULT,
) -> tuple[CurvePoint, ...]:
    """Accuracy over problems of one rule using each problem's first N samples.

    Every candidate needs its correctness label: ``(answer, score, correct)``.
    ``method`` is "majority" (maj@N), "best" (best-of-N), "weighted" (weighted
    best-of-N) or "oracle" (right when any of the N is, i.e. pass@N of those samples).
    ``ns`` defaults to 1, 2, 4, ... up to the fewest samples any problem has.

    >>> problems = [[("1", 0.1, False), ("2", 0.9, True)], [("5", 0.8, True), ("6", 0.3, False)]]
    >>> selection_curve(problems, "best")
    (CurvePoint(n=1, accuracy=0.5), CurvePoint(n=2, accuracy=1.0))
    """
    if method not in SELECTION_METHODS:
        raise UnknownNameError("selection method", method, SELECTION_METHODS)
    parsed = [_candidates(problem) for problem in problems]
    if not parsed:
        raise ValueError("a selection curve needs at least one problem")
    for number, problem in enumerate(parsed):
        if any(c.correct is None for c in problem):
            raise ValueError(f"problem {number}: every candidate needs a correctness label")
    fewest = min(len(problem) for problem in parsed)
    ns = _curve_sizes(fewest) if ns is None else list(ns)
    for n in ns:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= fewest:
            raise ValueError(f"N must be an int in [1, {fewest}] (the fewest samples), not {n!r}")
    return tuple(
        CurvePoint(n, sum(_solved(p[:n], method, config) for p in parsed) / len(parsed)) for n in ns
    )


def _solved(candidates: list[_Candidate], method: SelectionMethod, config: MathConfig) -> bool:
    if method == "oracle":
        return any(c.correct for c in candidates)
    if method == "best":
        return bool(best_of_n(candidates, config=config).correct)
    if method == "weighted":
        return bool(weighted_best_of_n(candidates, config=config).correct)
    return bool(_vote(candidates, None, config, weighted=False).correct)


def _curve_sizes(fewest: int) -> list[int]:
    sizes = [1]
    while sizes[-1] * 2 <= fewest:
        sizes.append(sizes[-1] * 2)
    return sizes


def _vote(
    candidates: list[_Candidate], gold: str | None, config: MathConfig, *, weighted: bool
) -> Selection:
    groups = group_answers([c.answer for c in candidates], config)
    if not groups:  # nobody answered
        return Selection(0, None, 0.0, _verdict(candidates[0], gold, config))
    weight = (lambda i: candidates[i].score) if weighted else (lambda i: 1.0)
    totals = [math.fsum(weight(i) for i in group) for group in groups]
    winner = max(range(len(groups)), key=totals.__getitem__)  # max keeps the earliest group
    index = max(groups[winner], key=weight)  # the best-scored member, earliest on a tie
    chosen = candidates[index]
    return Selection(index, chosen.answer, totals[winner], _verdict(chosen, gold, config))


def _verdict(candidate: _Candidate, gold: str | None, config: MathConfig) -> bool | None:
    if candidate.correct is not None:
        return candidate.correct
    if gold is None:
        return None
    if candidate.answer is None:
        return False
    return verify_math(candidate.answer, gold, config=config).correct


def _candidates(candidates: Sequence[Candidate]) -> list[_Candidate]:
    parsed = [_candidate(c, i) for i, c in enumerate(candidates)]
    if not parsed:
        raise ValueError("cannot select from no candidates")
    return parsed


def _candidate(raw: object, index: int) -> _Candidate:
    if isinstance(raw, _Candidate):
        return raw
    if not isinstance(raw, (tuple, list)) or len(raw) not in (2, 3):
        raise TypeError(f"candidate {index} must be (answer, score[, correct]), not {raw!r}")
    answer, score, correct = raw if len(raw) == 3 else (*raw, None)
    if answer is not None and not isinstance(answer, str):
        raise TypeError(f"candidate {index}: the answer must be a str or None, not {answer!r}")
    if isinstance(score, bool) or not isinstance(score, numbers.Real) or math.isnan(score):
        raise ValueError(f"candidate {index}: the score must be a number, not {score!r}")
    if correct is not None and correct not in (True, False):
        raise ValueError(f"candidate {index}: correct must be a bool or None, not {correct!r}")
    return _Candidate(answer, float(score), None if correct is None else bool(correct))
