"""Self-refinement checked round by round: which revision fixed, kept or broke the answer.

`check_rounds` reads a "refine" trace (steps with kind draft / feedback / revision and a
``round``; see `stepscore.reasoning.refine`), verifies each round's answer — a math
answer with `verify_math`, a program with `verify_code` — and labels the round against
the one before: "draft" (round 0), "fixed" (wrong -> correct), "kept" (correct ->
correct), "regressed" (correct -> wrong: the revision broke a right answer),
"still_wrong", "no_revision" (feedback with no new answer: the previous one stands) or
"unknown" (either side could not be verified).

It also holds the feedback to account: feedback that opens round ``r`` judges the answer
of round ``r - 1``. Where it claims an error (words like "incorrect", "bug", "should
be") while the checker finds that answer correct, the round is a *false alarm*; where it
approves ("looks correct", "no errors") an answer the checker finds wrong, a *missed
error*. Reading the claim is a keyword heuristic; unclear feedback claims nothing.

>>> from stepscore.reasoning import segment
>>> text = ("Draft: 2 + 2 = 4. The answer is 4.\\nFeedback: This is wrong, 2 + 2 is 5.\\n"
...         "Revision: 2 + 2 = 5. The answer is 5.")
>>> report = check_rounds(segment(text), reference="4")
>>> [(r.verdict, r.label) for r in report.rounds]
[('correct', 'draft'), ('wrong', 'regressed')]
>>> report.regressions, report.false_alarms
((1,), (1,))
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from stepscore.reasoning.trace import Step, Trace
from stepscore.verifiers.code import verify_code
from stepscore.verifiers.math import Extraction, MathVerifier, extract_answer
from stepscore.verifiers.sandbox import Sandbox

__all__ = [
    "FeedbackClaim",
    "RoundCheck",
    "RoundReport",
    "check_rounds",
    "feedback_claim",
    "stated_answer",
]

Verdict = Literal["correct", "wrong", "unknown"]
RoundLabel = Literal[
    "draft", "fixed", "kept", "regressed", "still_wrong", "no_revision", "unknown"
]  # fmt: skip
FeedbackClaim = Literal["error", "approves", "unclear"]

_NEGATED_ERROR = re.compile(
    r"\b(?:no|not any|without|zero|free of)\s+(?:\w+\s+)?"
    r"(?:errors?|mistakes?|bugs?|issues?|problems?)"
    r"|\bnothing (?:is )?wrong\b|\bisn't wrong\b|\bis not wrong\b",
    re.IGNORECASE,
)
_ERROR = re.compile(
    r"\b(?:incorrect|wrong|errors?|mistakes?|bugs?|fails?|failed|failing|flaw(?:ed)?|"
    r"should (?:be(?! (?:checked|verified|confirmed|double-checked|tested|stated|shown|"
    r"written|explained|noted|mentioned))|have|return)|"
    r"instead of|miscalculat\w*|typo|not correct|isn't correct|"
    r"does not (?:handle|account|work|return)|doesn't (?:handle|account|work|return)|"
    r"needs? to be (?:fixed|changed|corrected))\b",
    re.IGNORECASE,
)
_APPROVES = re.compile(
    r"\b(?:(?:is|looks|seems|appears) (?:\w+ )?(?:correct|right|fine|good)|"
    r"all (?:tests? )?pass(?:es|ed)?|well done|no changes? (?:are )?needed)\b"
    r"|\A\W*(?:correct|right|yes|good|fine|great)\b(?!\s+(?:idea|start|approach|attempt))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class RoundCheck:
    """One round: its ``answer`` (the math answer, or the program), the verdict on it,
    its label against the round before, what its feedback claimed about the previous
    answer, and the checker's reason."""

    round: int
    answer: str | None
    verdict: Verdict
    label: RoundLabel
    feedback: FeedbackClaim | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RoundReport:
    """All rounds in order, with the rounds that regressed, whose feedback raised a false
    alarm, or whose feedback approved a wrong answer. ``status`` is "ok", or
    "no_rounds" for a trace with no answer-bearing round."""

    status: Literal["ok", "no_rounds"]
    rounds: tuple[RoundCheck, ...]
    regressions: tuple[int, ...] = ()
    false_alarms: tuple[int, ...] = ()
    missed_errors: tuple[int, ...] = ()

    @property
    def final(self) -> RoundCheck | None:
        """The last round (its verdict is the outcome of the whole refinement)."""
        return self.rounds[-1] if self.rounds else None


def feedback_claim(text: str) -> FeedbackClaim:
    """What feedback says about the answer it judges.

    >>> feedback_claim("The function fails on empty lists."), feedback_claim("No errors.")
    ('error', 'approves')
    >>> feedback_claim("Let us look again.")
    'unclear'
    """
    cleaned = _NEGATED_ERROR.sub(" ", text)
    if _ERROR.search(cleaned):
        return "error"
    if _APPROVES.search(text) or cleaned != text:
        return "approves"
    return "unclear"


def check_rounds(
    trace: Trace,
    *,
    reference: str | None = None,
    tests: Sequence[str] | str | Sequence[Mapping[str, str]] | None = None,
    kind: Literal["math", "code"] = "math",
    entry_point: str | None = None,
    sandbox: Sandbox | None = None,
) -> RoundReport:
    """Verify and label every round of a "refine" trace (see the module docstring).

    ``kind="math"`` checks each round's final answer against ``reference`` (default: the
    trace's); ``kind="code"`` runs each round's program against ``tests`` (MBPP asserts,
    a HumanEval ``check`` with ``entry_point``, or input/output pairs).
    """
    if not isinstance(trace, Trace) or trace.kind != "refine":
        raise ValueError("check_rounds needs a 'refine' Trace")
    if kind not in ("math", "code"):
        raise ValueError(f"kind must be 'math' or 'code', not {kind!r}")
    if kind == "code" and tests is None:
        raise ValueError("kind='code' needs tests")
    reference = reference if reference is not None else trace.reference
    checks: list[RoundCheck] = []
    previous: RoundCheck | None = None
    for number, steps in _rounds(trace):
        body = [s for s in steps if s.kind != "feedback"]
        feedback = [s for s in steps if s.kind == "feedback"]
        claim = feedback_claim(" ".join(s.text for s in feedback)) if feedback else None
        if not body and previous is not None:
            check = RoundCheck(number, previous.answer, previous.verdict, "no_revision", claim)
        elif not body:
            check = RoundCheck(number, None, "unknown", "unknown", claim, "no answer")
        else:
            start = trace.text.rfind("\n", 0, body[0].start) + 1  # keep the indentation
            text = trace.text[start : body[-1].end]
            answer, verdict, reason = (
                _code(text, tests, entry_point, sandbox)  # type: ignore[arg-type]
                if kind == "code"
                else _math(text, reference)
            )
            label = _label(previous, verdict, number)
            check = RoundCheck(number, answer, verdict, label, claim, reason)
        checks.append(check)
        previous = check
    return _report(checks)


def _rounds(trace: Trace) -> list[tuple[int, list[Step]]]:
    grouped: dict[int, list[Step]] = {}
    for step in trace.steps:
        grouped.setdefault(step.round or 0, []).append(step)
    return sorted(grouped.items())


# A closing check of the answer ("Check: 4(6) - 7 = 17 and 2(6) + 5 = 17."): its numbers
# are not the answer when no marker (\boxed, "the answer is") names one.
_CHECK_LINE = re.compile(
    r"^[ \t]*(?:check(?:ing)?|verif(?:y|ying|ication))\b",
    re.IGNORECASE | re.MULTILINE,
)


def stated_answer(text: str) -> Extraction:
    """`extract_answer`, except that a closing check line does not give the answer when
    no marker names one: "so x = 6.\\nCheck: 4(6) - 7 = 17" answers 6, not 17.

    >>> stated_answer("2x = 12, so x = 6.\\nCheck: 4(6) - 7 = 17 and 2(6) + 5 = 17.").answer
    '6'
    """
    extraction = extract_answer(text)
    checks = list(_CHECK_LINE.finditer(text)) if extraction.rule == "last_number" else []
    if checks and checks[-1].start() > 0:
        before = extract_answer(text[: checks[-1].start()])
        return before if before.answer is not None else extraction
    return extraction


def _math(text: str, reference: str | None) -> tuple[str | None, Verdict, str]:
    answer = stated_answer(text).answer
    if answer is None:
        return None, "unknown", "no answer found"
    if reference is None:
        return answer, "unknown", "no reference"
    result = MathVerifier().verify(answer, reference)
    if result.status != "ok":
        return answer, "unknown", f"{result.status}: {result.reason}"
    return answer, "correct" if result.correct else "wrong", result.reason


def _code(
    text: str, tests: Sequence[str] | str, entry_point: str | None, sandbox: Sandbox | None
) -> tuple[str | None, Verdict, str]:
    program = _program(text)
    if not program.strip():
        return None, "unknown", "no program"
    result = verify_code(program, tests, entry_point=entry_point, sandbox=sandbox)
    if result.status == "sandbox_error":
        return program, "unknown", result.first_failure or "sandbox error"
    return program, "correct" if result.passed else "wrong", result.first_failure or "passed"


_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)```", re.S | re.I)


def _program(text: str) -> str:
    blocks = _FENCE.findall(text)
    return "\n".join(blocks) if blocks else text


def _label(previous: RoundCheck | None, verdict: Verdict, number: int) -> RoundLabel:
    if previous is None:
        return "draft" if number == 0 else "unknown"  # nothing earlier to compare with
    if verdict == "unknown" or previous.verdict == "unknown":
        return "unknown"
    return {
        ("wrong", "correct"): "fixed",
        ("correct", "correct"): "kept",
        ("correct", "wrong"): "regressed",
        ("wrong", "wrong"): "still_wrong",
    }[(previous.verdict, verdict)]  # type: ignore[return-value]


def _report(checks: list[RoundCheck]) -> RoundReport:
    if not any(c.answer is not None for c in checks):
        return RoundReport("no_rounds", tuple(checks))
    alarms, missed = [], []
    for before, check in itertools.pairwise(checks):
        if check.feedback == "error" and before.verdict == "correct":
            alarms.append(check.round)
        elif check.feedback == "approves" and before.verdict == "wrong":
            missed.append(check.round)
    return RoundReport(
        "ok",
        tuple(checks),
        tuple(c.round for c in checks if c.label == "regressed"),
        tuple(alarms),
        tuple(missed),
    )
