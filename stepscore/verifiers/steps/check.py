"""The model-free step checker for chain-of-thought traces.

`check_steps` finds the arithmetic claims each step makes (`stepscore.verifiers.steps.
claims`), recomputes them (`stepscore.verifiers.steps.recompute`) and gives each step a
verdict: "refuted" when a claim it makes is recomputed to a different value with
confidence, "verified" when at least one claim holds and none fails, "unverifiable"
otherwise (no claims, or none read with confidence). A step that blames the problem or
reaches a count that cannot be ("a mistake in the problem", "not possible to have a
negative number of candies": `stepscore.verifiers.steps.concessions`) is refuted too.
`first_error` is the earliest refuted step: the ProcessBench prediction (Zheng et al.,
2024, *ProcessBench*, §3).

The checker is built to raise few false alarms: a prose step with no arithmetic, an
equation with unknowns or a number it cannot place is "unverifiable", never "refuted".
`check_steps` reads each step with the problem (``trace.prompt``) and the steps before:
an operation the problem defines (``a * b = 2a + 3b``: `stepscore.verifiers.steps.
operations`) is not read as a product, and a symbolic rewrite that fails at random points
is tried again where the relations given so far hold (`stepscore.verifiers.steps.given`;
a step found wrong gives none). `check_text` reads one step alone.
Program-of-thought traces are executed in a sandbox instead
(`stepscore.verifiers.steps.program.check_program`: the step that raises is "refuted",
the others "unverifiable" with their bound values as evidence) unless
``CheckConfig(execute_programs=False)``. In a self-refinement trace the prose of each
round (draft, feedback, revision) is read like a chain of thought, each round a chain of
its own; its programs are left to `stepscore.verifiers.steps.rounds`, which verifies each
round's answer or program and labels the rounds; feedback that quotes the claim it finds
wrong is not taken to make it.

>>> from stepscore.reasoning.trace import Trace, Step
>>> trace = Trace(text="3 + 4 = 7\\n2/5 * 4000 = 800", steps=(
...     Step(text="3 + 4 = 7", start=0, end=9, index=0),
...     Step(text="2/5 * 4000 = 800", start=10, end=26, index=1)))
>>> [v.status for v in check_steps(trace)]
['verified', 'refuted']
>>> first_error(check_steps(trace))
1
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from stepscore.reasoning.segment import program_spans
from stepscore.reasoning.trace import Step, Trace
from stepscore.verifiers.steps.bases import find_base_claims
from stepscore.verifiers.steps.claims import Carry, Link, find_claims_after
from stepscore.verifiers.steps.clock import find_durations
from stepscore.verifiers.steps.comparisons import find_comparisons
from stepscore.verifiers.steps.complex_claims import find_complex_claims
from stepscore.verifiers.steps.concessions import find_concession
from stepscore.verifiers.steps.counts import find_counts
from stepscore.verifiers.steps.divisibility import find_divisibility
from stepscore.verifiers.steps.equations import decide_transition, find_transitions
from stepscore.verifiers.steps.evaluations import APPLIED_EQUALS, definitions, find_evaluations
from stepscore.verifiers.steps.extremes import find_extremes
from stepscore.verifiers.steps.factorizations import find_factorizations
from stepscore.verifiers.steps.facts import find_facts
from stepscore.verifiers.steps.function_claims import find_function_claims
from stepscore.verifiers.steps.gcd_claims import find_gcd_claims
from stepscore.verifiers.steps.given import MAX_TEXTS, reconsider
from stepscore.verifiers.steps.identities import closing_line, decide_rewrite, find_rewrites
from stepscore.verifiers.steps.named import find_named_values
from stepscore.verifiers.steps.operations import applies, defined_operations
from stepscore.verifiers.steps.recompute import DIFFERS, given_decimals, recompute
from stepscore.verifiers.steps.remainder import remainder_outcome
from stepscore.verifiers.steps.restated import find_restated
from stepscore.verifiers.steps.sides import find_side_rewrites
from stepscore.verifiers.steps.solutions import find_solutions

__all__ = [
    "CheckConfig",
    "Claim",
    "StepStatus",
    "StepVerdict",
    "check_steps",
    "check_text",
    "first_error",
]

StepStatus = Literal["verified", "refuted", "unverifiable"]

# (the words share one ``\b``: a pattern with a ``\b`` per word scans three times as slow,
# and these two are read on every step)
_ROUNDING = re.compile(
    r"≈|~|\\(?:approx|sim\b)|\b(?:about\b|approx|around\b|roughly\b|nearly\b|almost\b|round"
    r"|estimat|nearest\b|close to\b)",
    re.IGNORECASE,
)
_NO_REFUTE = re.compile(
    r"\\(?:pmod|bmod|equiv|lfloor|lceil)"
    r"|\b(?:mod(?:ulo)?\b|remainder\b|congruent\b|base\b|digits?\b|floor\b|ceil)",
    re.IGNORECASE,
)

# The step takes back what it wrote: "Oops! ... The correct simplification should be".
_RETRACTION = re.compile(
    r"\boops\b|\bmistake|\bincorrect|\bwrong\b|\berror\b|\bmiscalculat|\bwait\b|\bactually\b"
    r"|\bcorrect(?:ion|ed|ing)\b|\bshould (?:be|have been|actually)\b"
    r"|\bre-?(?:calculat|evaluat|check|examin)",
    re.IGNORECASE,
)
# A number of this many digits (commas between them or not) is not read: Python will not
# convert it to an int by default, and nothing a step claims needs it.
MAX_DIGITS = 1000
_DIGIT_RUN = re.compile(r"\d+(?:,\d+)*")


def _too_long(text: str) -> bool:
    """Whether ``text`` writes a number of `MAX_DIGITS` digits or more (single commas
    between them or not), in one linear pass."""
    return any(
        len(m[0]) >= MAX_DIGITS and len(m[0]) - m[0].count(",") >= MAX_DIGITS
        for m in _DIGIT_RUN.finditer(text)
    )


# "The base 7 number 321 = 3 \\cdot 49 + ...", "1011_2 = 8 + 2 + 1": positional notation.
_OTHER_BASE = re.compile(r"\bbase\b|_\{?\d|\\text\{\s*base", re.IGNORECASE)
# "in base $\\boxed{7}$, we have $44 \\times 55 = 3506$": every number may be in base 7
_BASE_NAMED = re.compile(
    r"\bin\s+base\s*(?:\$|\\\(|\\boxed\s*\{|\{|_)*\s*(?!10(?!\d))\d", re.IGNORECASE
)
# "$1 = \\sqrt{11-2} + 4$, which is not true": the step says the claim fails
_DENIAL = re.compile(
    r"[^.!?]{0,80}?\b(?:not true|false|contradiction|contradicts|impossible|absurd)\b",
    re.IGNORECASE,
)
# a value put into an equation to see whether it holds
# (and the value put in, when the words say it: "Plugging in $1$", "substituting $x = 2$")
_TRIAL = re.compile(
    r"\b(?:plug\w*|substitut\w*|check\w*|test\w*|try\w*|tries|tried|verif\w*)\b"
    r"(?:(?:\s+in)?[\s$]*(?:[a-z]\s*=\s*)?\$?(?P<value>-?\d+(?:\.\d+)?)(?![\d.]))?",
    re.IGNORECASE,
)
_CHAINED_BEFORE = re.compile(r"=(?:[\s${]|\\left\b|\\boxed\b)*\Z")
_CHAINED_AFTER = re.compile(r"[\s$.]*=")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_TIMES = frozenset({"\\cdot", "\\times", "\\div"})
_OPERATOR = re.compile(r"(?<=\S)\s*[-+*/×÷·−]")
_LETTER = re.compile(r"[A-Za-z]")
# "$x$ is the answer?": asked, not claimed
_ASKED = re.compile(r"\s*+(?:\$|\\\)|\\\])?\s*+\?")
_MODULUS = re.compile(r"(?:\b[pb]?mod|\bmodulo|\bbase)\s*\{?\s*(\d{1,6})(?![\d.])", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckConfig:
    """How the checker reads claims.

    ``signalled_rel_tol``: how far a value may be from the exact one where the step says
    it rounds (``≈``, "about"). ``gray_rel_tol``: a mismatch this small, where the
    left side holds decimals (maybe rounded earlier), is "unverifiable", not "refuted".
    ``soft_equals``: read "is"/"equals" between a computation and a number as ``=``.
    ``execute_programs``: run "pot" traces in the sandbox (else their steps are
    "unverifiable"). ``concessions``: refute a step that blames the problem or reaches a
    count that cannot be (`stepscore.verifiers.steps.concessions`).
    """

    signalled_rel_tol: float = 0.01
    gray_rel_tol: float = 0.01
    soft_equals: bool = True
    execute_programs: bool = True
    concessions: bool = True

    def __post_init__(self) -> None:
        for name in ("signalled_rel_tol", "gray_rel_tol"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
                raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
        for name in ("soft_equals", "execute_programs", "concessions"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a bool, got {getattr(self, name)!r}")


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim of a step: ``expression`` (as written) equals ``asserted`` (as written).

    ``span`` is ``(start, end)`` in the step text; ``asserted_value`` the value the
    step writes, ``computed_value`` the value recomputed from ``expression`` (None when
    it could not be read).
    """

    span: tuple[int, int]
    expression: str
    asserted: str
    asserted_value: float | None
    computed_value: float | None
    status: StepStatus
    reason: str


@dataclass(frozen=True, slots=True)
class StepVerdict:
    """The checker's verdict on one step, with the claims it rests on."""

    index: int
    status: StepStatus
    claims: tuple[Claim, ...] = ()
    reason: str = ""

    @property
    def score(self) -> float | None:
        """1.0 verified, 0.0 refuted, None unverifiable (a PRM-style view)."""
        return {"verified": 1.0, "refuted": 0.0}.get(self.status)


_DEFAULT = CheckConfig()


def check_steps(trace: Trace, *, config: CheckConfig = _DEFAULT) -> list[StepVerdict]:
    """One verdict per step of ``trace`` (see the module docstring)."""
    if not isinstance(trace, Trace):
        raise TypeError(f"check_steps needs a Trace, got {type(trace).__name__}")
    if not isinstance(config, CheckConfig):
        raise TypeError(f"config must be a CheckConfig, got {type(config).__name__}")
    if trace.kind == "pot" and config.execute_programs:
        from stepscore.verifiers.steps.program import check_program  # it imports this module

        return check_program(trace)
    if trace.kind not in ("cot", "refine"):
        why = f"{trace.kind} traces are not checked step by step here"
        return [StepVerdict(s.index, "unverifiable", (), why) for s in trace.steps]
    programs = program_steps(trace) if trace.kind == "refine" else frozenset()
    verdicts: list[StepVerdict] = []
    fresh = _Context(
        before=(trace.prompt,),
        operations=defined_operations(trace.prompt),
        given=given_decimals(trace.prompt),
    )
    carry, context, round_ = Carry(), fresh, None
    for position, step in enumerate(trace.steps):
        if step.round != round_:  # a refinement round is a chain of its own
            carry, context, round_ = Carry(), fresh, step.round
        if position in programs:
            verdicts.append(StepVerdict(step.index, "unverifiable", (), _PROGRAM))
            continue
        verdict, carry = _checked(step.index, step.text, carry, config, context)
        if step.kind == "feedback" and verdict.status == "refuted":
            window = slice(max(0, position - MAX_TEXTS), position)
            verdict = _unquoted(verdict, step.text, trace.steps[window], verdicts[window])
        elif step.kind != "feedback":  # (feedback finds fault with a draft, not the problem)
            verdict = _conceded(verdict, step.text, config)
        verdicts.append(verdict)
        # what the next step may go on from, and lean on (not a step found wrong)
        grown = context.before + ((step.text,) if verdict.status != "refuted" else ())
        if len(grown) > MAX_TEXTS:  # the problem and the latest steps: linear in the trace
            grown = (grown[0], *grown[len(grown) - MAX_TEXTS + 1 :])
        context = _Context(closing_line(step.text), grown, context.operations, context.given)
    return verdicts


_PROGRAM = "a program: run it against tests (check_rounds with kind='code')"
# Rewrites refuted at random points that one step weighs against the relations given
# (`given.reconsider`: a search for points where they hold, the costly part of a step);
# one beyond them is left unverifiable.
MAX_RECONSIDERED = 4


def _conceded(verdict: StepVerdict, text: str, config: CheckConfig) -> StepVerdict:
    """``verdict``, refuted where the step blames the problem or reaches a count that
    cannot be and no claim of it is refuted already."""
    if verdict.status == "refuted" or not config.concessions:
        return verdict
    concession = find_concession(text)
    if concession is None:
        return verdict
    return replace(verdict, status="refuted", reason=concession.reason)


def program_steps(trace: Trace) -> frozenset[int]:
    """The positions of a refine trace's steps that lie in a program: in a fenced block
    of a draft or revision, or in one that reads as Python throughout
    (`segment.program_spans`)."""
    inside: set[int] = set()
    steps = trace.steps
    sections = itertools.groupby(range(len(steps)), key=lambda n: (steps[n].round, steps[n].kind))
    for _, group in sections:
        indices = list(group)
        first, last = indices[0], indices[-1]
        # the section with the fences around it: from the step before to the step after
        low = steps[first - 1].end if first else 0
        high = steps[last + 1].start if last + 1 < len(steps) else len(trace.text)
        spans = [(low + a, low + b) for a, b in program_spans(trace.text[low:high])]
        if not spans:  # no fence: a program is the section's own text, headings aside
            tight = steps[first].start
            body = trace.text[tight : steps[last].end]
            spans = [(tight + a, tight + b) for a, b in program_spans(body)]
        inside.update(
            n for n in range(first, last + 1) if any(a <= steps[n].start < b for a, b in spans)
        )
    return frozenset(inside)


def _unquoted(
    verdict: StepVerdict, text: str, before: Sequence[Step], judged: Sequence[StepVerdict]
) -> StepVerdict:
    """Feedback that quotes the claim it finds wrong (``the draft says 3.5 × 6 = 18,
    which is wrong``; ``look at $7 \\times 4 = 24$ again``) does not make it: a refuted
    claim that an earlier step wrote (word for word, or the same values an earlier step
    was refuted on) is the one under review, not an error of the feedback, unless the
    feedback approves of it ("Correct, 7 × 4 = 24")."""
    # (imported here: rounds brings the code verifier and sandbox, which the checker avoids)
    from stepscore.verifiers.steps.rounds import feedback_claim

    if feedback_claim(text) == "approves":
        return verdict
    earlier = [_bare(s.text) for s in before]
    reviewed = {
        (round(c.computed_value, 9), round(c.asserted_value, 9))
        for v in judged
        for c in v.claims
        if c.status == "refuted" and c.computed_value is not None and c.asserted_value is not None
    }
    claims = []
    for claim in verdict.claims:
        quoted = _bare(text[claim.span[0] : claim.span[1]]).rstrip(".,;")
        values = (claim.computed_value, claim.asserted_value)
        same = None not in values and (round(values[0], 9), round(values[1], 9)) in reviewed
        if claim.status == "refuted" and (same or any(quoted in e for e in earlier)):
            claim = replace(claim, status="unverifiable", reason="it quotes the step under review")
        claims.append(claim)
    return StepVerdict(verdict.index, *_summary(claims))


def _bare(text: str) -> str:
    """``text`` without spaces or dollar signs: a quote may be typeset differently."""
    return "".join(ch for ch in text if not ch.isspace() and ch != "$")


def check_text(text: str, *, config: CheckConfig = _DEFAULT) -> StepVerdict:
    """The verdict on one step's text (index 0).

    >>> check_text("20% of 50 is 10").status, check_text("x + 3 = 7").status
    ('verified', 'unverifiable')
    """
    if not isinstance(text, str):
        raise TypeError(f"check_text needs a str, got {type(text).__name__}")
    if not isinstance(config, CheckConfig):
        raise TypeError(f"config must be a CheckConfig, got {type(config).__name__}")
    return _conceded(_checked(0, text, Carry(), config)[0], text, config)


def first_error(verdicts: Sequence[StepVerdict]) -> int | None:
    """Index of the earliest refuted step, or None when none is refuted."""
    for position, verdict in enumerate(verdicts):
        if verdict.status == "refuted":
            return position
    return None


@dataclass(frozen=True, slots=True)
class _Context:
    """What a step is read with: ``opening``, the line of LaTeX the step before ended on;
    ``before``, the problem and the steps before that were not refuted (relations a
    rewrite may lean on); ``operations``, the operation symbols the problem defines;
    ``given``, the decimals the problem writes (exact, not rounded: `given_decimals`)."""

    opening: str | None = None
    before: tuple[str, ...] = ()
    operations: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()


_ALONE = _Context()


def _checked(
    index: int, text: str, carry: Carry, config: CheckConfig, context: _Context = _ALONE
) -> tuple[StepVerdict, Carry]:
    """One step's verdict and what it carries to the next; a step with numbers too
    large to work with is unverifiable (and carries nothing), never an error."""
    if _too_long(text):
        return StepVerdict(index, "unverifiable", (), "a number too long to read"), Carry()
    try:
        links, after = find_claims_after(text, carry)
        return _verdict(index, text, links, config, context), after
    except OverflowError:  # a value beyond a float's range, where a float was needed
        return StepVerdict(index, "unverifiable", (), "a value too large to check"), Carry()


def _verdict(
    index: int, text: str, links: list[Link], config: CheckConfig, context: _Context
) -> StepVerdict:
    if not config.soft_equals:
        links = [link for link in links if link.relation.isalpha() is False]
    signalled = _ROUNDING.search(text) is not None
    rewrites = _rewrite_claims(text, context.opening, context.before) + [
        Claim((n.start, n.end), n.left, n.right, None, None, n.status, n.reason)
        for n in find_named_values(
            text,
            signalled=signalled,
            signalled_rel_tol=config.signalled_rel_tol,
            gray_rel_tol=config.gray_rel_tol,
        )
        if not applies(context.operations, n.left, n.right)
    ]
    problem = context.before[0] if context.before else ""
    rewrites += [
        Claim((f.start, f.end), f.left, f.right, None, None, f.status, f.reason)
        for f in find_facts(text, problem)
    ]
    if not links and not rewrites:
        return StepVerdict(index, "unverifiable", (), "no arithmetic claim found")
    moduli = _moduli(text) if _NO_REFUTE.search(text) else None
    if moduli is None and len(context.before) > 1:  # (the first is the problem)
        # "We see that $10^3 \\equiv -1 \\pmod{1001}$" then "$10^3 = -1$, $10^4 = -10$":
        # the residues go on in the step after the one that names the modulus
        moduli = _moduli(context.before[-1]) or None
    claims: list[Claim] = []
    base_named: bool | None = None  # (whether the step names another base: read once)
    for link in links:
        status, asserted, computed, reason = remainder_outcome(text, link) or recompute(
            link,
            signalled=signalled,
            moduli=moduli,
            signalled_rel_tol=config.signalled_rel_tol,
            gray_rel_tol=config.gray_rel_tol,
            given=context.given,
        )
        if status == "refuted" and base_named is None:
            base_named = _BASE_NAMED.search(text) is not None
        if status == "refuted" and ((link.flipped and _OTHER_BASE.search(text)) or base_named):
            status, reason = "unverifiable", "the number may be written in another base"
        if applies(context.operations, link.expression, link.asserted):
            status, reason = "unverifiable", "it applies an operation the problem defines"
        claims.append(
            Claim(
                (link.start, link.end),
                link.expression,
                link.asserted,
                asserted,
                computed,
                status,
                reason,
            )
        )
    claims = _forgive_garbled_chains(claims, links) + rewrites
    return StepVerdict(index, *_summary(_forgive_retracted(claims, text)))


def _tested(text: str, claim: Claim) -> bool:
    """``If we plug in $-7$ for $x$, we get $|-7-3| = 2(-7) + 4$``: an equation with a
    value put in, both sides still to work out, that the step tests rather than claims
    (alone: in a chain ``2(3) + 1 = 6 + 1 = 7`` each link is claimed)."""
    start, end = claim.span
    trials = list(_TRIAL.finditer(text, max(0, start - 160), start))
    if not trials:
        return False
    trial = trials[-1]  # (the last one before the claim)
    if _CHAINED_BEFORE.search(text, max(0, start - 24), start) or _CHAINED_AFTER.match(text, end):
        return False
    sides = (claim.expression.strip(), (claim.asserted or "").strip().rstrip("."))
    if trial["value"] is not None and trial["value"] in sides:  # "Plugging in $1$: $1 = ...$"
        return _worked_out(sides[1] if sides[0] == trial["value"] else sides[0])
    return _worked_out(sides[0]) and _worked_out(sides[1])


def _worked_out(side: str) -> bool:
    """Whether ``side`` is arithmetic on numbers (``2(-7) + 4``, ``|-7-3|``): an operator
    after its first character, and no letter outside a command (no unknown, no unit)."""
    bare = _COMMAND.sub(lambda m: "*" if m[0] in _TIMES else " ", side).strip(" {}")
    bare = bare.lstrip("-−").lstrip()  # ("\\boxed{-3}" is one value)
    return _OPERATOR.search(bare, 1) is not None and _LETTER.search(bare) is None


def _forgive_retracted(claims: list[Claim], text: str) -> list[Claim]:
    """A slip the step itself takes back later ("Oops! ... should be") is not carried on;
    a claim the step goes on to call false ("which is not true", "contradiction") is a
    test the step reports failing, one it asks (``$125^2+120^2=117^2$?``) or works out
    at a value put in (`_tested`) a test it runs: none of them is an error."""
    out = []
    retracted_to = -1  # where the step's last word of retraction starts (read once)
    if any(claim.status == "refuted" for claim in claims):
        retracted_to = max((m.start() for m in _RETRACTION.finditer(text)), default=-1)
    for claim in claims:
        if claim.status == "refuted" and _tested(text, claim):
            claim = replace(claim, status="unverifiable", reason="an equation tested at a value")
        elif claim.status == "refuted" and retracted_to >= claim.span[1]:
            claim = replace(claim, status="unverifiable", reason="the step takes it back")
        elif claim.status == "refuted" and _DENIAL.match(text, claim.span[1]):
            claim = replace(claim, status="unverifiable", reason="the step says it fails")
        elif claim.status == "refuted" and _ASKED.match(text, claim.span[1]):
            claim = replace(claim, status="unverifiable", reason="the step asks, not claims")
        out.append(claim)
    return out


def _rewrite_claims(
    text: str, opening: str | None = None, before: tuple[str, ...] = ()
) -> list[Claim]:
    """Symbolic rewrites (``(x+1)^2 = x^2 + 2x + 1``; ``opening``: the line of LaTeX the
    step before ended on, which a step that opens with ``= ...`` or "This simplifies to:
    ..." goes on from), decided at random points (one that fails there may lean on what
    ``before``, the problem and the steps before, or the step's text before its line
    gives: `stepscore.verifiers.steps.given`), and claims written with functions or
    moduli (``\\tan 45^\\circ = 1``, ``2^{10} \\equiv 1 \\pmod{11}``)."""
    claims, seen = [], set()
    weighed = 0  # rewrites refuted at random points and weighed against the relations given
    previous = before[-1] if len(before) > 1 else None  # (the first is the problem)
    found = find_rewrites(text, opening) + find_factorizations(text)
    for rewrite in found + find_side_rewrites(text, previous):
        key = (rewrite.start, rewrite.end, rewrite.left, rewrite.right)
        if key in seen:  # (a factorization the rewrite finder read as well)
            continue
        seen.add(key)
        status, _, _, reason = decide_rewrite(rewrite)
        if status == "refuted" and weighed == MAX_RECONSIDERED:
            status, reason = "unverifiable", "more rewrites differ than are weighed in a step"
        elif status == "refuted":
            weighed += 1
            lines = (*before, text[: _line_start(text, rewrite.start)])
            status, _, _, reason = reconsider(rewrite, lines) or (status, None, None, reason)
        span = (rewrite.start, rewrite.end)
        claims.append(Claim(span, rewrite.left, rewrite.right, None, None, status, reason))
    for move in find_transitions(text, opening):
        status, _, _, reason = decide_transition(move)
        before, after = " = ".join(move.before), " = ".join(move.after)
        claims.append(Claim((move.start, move.end), before, after, None, None, status, reason))
    for r in find_restated(text):
        claims.append(Claim((r.start, r.end), r.left, r.right, None, None, r.status, r.reason))
    for n in find_divisibility(text) + find_gcd_claims(text) + find_extremes(text):
        claims.append(Claim((n.start, n.end), n.left, n.right, None, None, n.status, n.reason))
    for n in (
        find_counts(text)
        + find_solutions(text)
        + find_durations(text)
        + find_base_claims(text)
        + find_comparisons(text)
    ):
        claims.append(Claim((n.start, n.end), n.left, n.right, None, None, n.status, n.reason))
    if APPLIED_EQUALS.search(text):
        for n in find_evaluations(text, definitions((*before, text)), before):
            claims.append(Claim((n.start, n.end), n.left, n.right, None, None, n.status, n.reason))
    for z in find_complex_claims(text):
        claims.append(Claim((z.start, z.end), z.left, z.right, None, None, z.status, z.reason))
    for c in find_function_claims(text):
        claims.append(
            Claim(
                (c.start, c.end), c.left, c.right, c.right_value, c.left_value, c.status, c.reason
            )
        )
    return claims


_LINE_START = re.compile(r"\\\\|\n|\\\[|\\\(|\$|\\begin\{")


def _line_start(text: str, at: int) -> int:
    """Where the line of LaTeX holding ``at`` begins (the step's text before it is what
    a rewrite there may lean on)."""
    starts = [m.start() for m in _LINE_START.finditer(text, 0, at)]
    return starts[-1] if starts else 0


def _moduli(text: str) -> frozenset[int]:
    """The integers a step names as a modulus or base (``\\pmod{11}``, ``mod 7``, base 3)."""
    return frozenset(int(m) for m in _MODULUS.findall(text))


def _forgive_garbled_chains(claims: list[Claim], links: list[Link]) -> list[Claim]:
    """``A = B = C`` with ``A == C``: a wrong middle form is a slip of notation that the
    chain itself corrects, not an error the step carries forward."""
    out = list(claims)
    chains: dict[int, list[int]] = {}
    for position, link in enumerate(links):
        chains.setdefault(link.chain, []).append(position)
    for members in chains.values():
        first, last = claims[members[0]], claims[members[-1]]
        start = first.asserted_value if links[members[0]].flipped else first.computed_value
        if len(members) < 2 or start is None or last.asserted_value is None:
            continue
        if abs(start - last.asserted_value) > 1e-9 * max(1.0, abs(start)):
            continue
        for position in members:
            if out[position].status == "refuted":
                out[position] = replace(
                    out[position], status="unverifiable", reason="the chain's ends agree"
                )
    return out


def _summary(claims: list[Claim]) -> tuple[StepStatus, tuple[Claim, ...], str]:
    refuted = [c for c in claims if c.status == "refuted"]
    if refuted:
        c = refuted[0]
        why = f"{c.expression} is {_fmt(c.computed_value)}, not {c.asserted}"
        return "refuted", tuple(claims), why if c.reason == DIFFERS else c.reason
    verified = sum(c.status == "verified" for c in claims)
    if verified:
        return "verified", tuple(claims), f"{verified} of {len(claims)} claims recomputed"
    return "unverifiable", tuple(claims), claims[0].reason


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return str(int(value)) if value == int(value) else f"{value:.6g}"
