"""Rewrites that lean on what the problem gives, chains that open with ``0 =``, systems of
equal ratios: correct steps from MATH gold solutions are not refuted, wrong ones still are."""

from __future__ import annotations

import pytest

from stepscore.reasoning.trace import Step, Trace
from stepscore.verifiers.steps import check_steps, check_text, first_error
from stepscore.verifiers.steps.given import find_relations, holds_under, reconsider
from stepscore.verifiers.steps.identities import Rewrite, decide_rewrite, find_rewrites


def _trace(steps: list[str], prompt: str = "") -> Trace:
    return Trace.from_steps(steps, prompt=prompt)


def _refuted(steps: list[str], prompt: str = "") -> int | None:
    return first_error(check_steps(_trace(steps, prompt)))


# (problem, steps): excerpts of MATH test gold solutions (correct) that were refuted
CORRECT = [
    pytest.param(
        "If $x-y=6$ and $x^2+y^2=24$, find $x^3-y^3$.",
        ["First, we note  \\[x^3-y^3 = (x-y)(x^2 +xy +y^2) = 6(24+xy),\\] so we need $xy$."],
        id="math-474 x-y=6 given",
    ),
    pytest.param(
        "If $x-y=1$ and $x^2+y^2=7$, find $x^3-y^3$.",
        ["We have that $7=x^2+y^2=x^2-2xy+y^2+2xy=(x-y)^2+2xy=1+2xy$, so $xy=3$."],
        id="math-540 x-y=1 given",
    ),
    pytest.param(
        "Two positive numbers $p$ and $q$ have the property that their sum is equal to"
        " their product.",
        [
            "Let $p+q=pq=s$. Then $(p+q)^2=p^2+q^2+2pq=s^2$.",
            "Since $p$ and $q$ are positive, we know $s=pq=p+q$ is positive.",
        ],
        id="math-91 p+q=pq=s",
    ),
    pytest.param(
        "If $x^2 - x - 1 = 0$, what is the value of $x^3 - 2x + 1$?",
        [
            "Rearranging $x^2 - x - 1= 0$ gives $x^2 = x + 1$.  So, \\begin{align*}\n"
            "x^3 - 2x + 1 &= x(x^2)-2x + 1\\\\\n&=x(x+1) - 2x + 1\\\\\n"
            "&= x^2 + x -2x + 1\\\\\n&= x^2 - x + 1\\\\\n&= (x+1) - x + 1\\\\\n&=2\n"
            "\\end{align*}"
        ],
        id="math-1150 x^2 = x + 1",
    ),
    pytest.param(
        "Given that $x,$ $y,$ $z > 0$ and $xyz = 1,$ find the range of ...",
        [
            "Since $xyz = 1,$ the numerator is \\begin{align*}\nx^3 + y^3 + z^3 - x^{-3}"
            " - y^{-3} - z^{-3} &= x^3 + y^3 + z^3 - y^3 z^3 - x^3 z^3 - x^3 y^3 \\\\\n"
            "&= x^3 y^3 z^3 - x^3 y^3 - x^3 z^3 - y^3 z^3 + x^3 + y^3 + z^3 - 1 \\\\\n"
            "&= (x^3 - 1)(y^3 - 1)(z^3 - 1).\n\\end{align*}"
        ],
        id="math-2368 xyz=1",
    ),
    pytest.param(
        "If $\\omega^{1997} = 1$ and $\\omega \\neq 1,$ then evaluate ...",
        [
            "\\begin{align*}\n\\frac{1}{1 + \\omega^k} + \\frac{1}{1 + \\omega^{1997 - k}}"
            " &= \\frac{1}{1 + \\omega^k} + \\frac{\\omega^k}{\\omega^k + \\omega^{1997}} \\\\\n"
            "&= \\frac{1}{1 + \\omega^k} + \\frac{\\omega^k}{\\omega^k + 1} \\\\\n"
            "&= \\frac{1 + \\omega^k}{1 + \\omega^k} = 1.\n\\end{align*}"
        ],
        id="math-2297 omega^1997 = 1",
    ),
    pytest.param(
        "Let $z$ be a complex number satisfying $z^2 + z + 1 = 0.$  Compute ...",
        [
            "Since $z^2 + z + 1 = 0,$ $(z - 1)(z^2 + z + 1) = 0.$  This expands as $z^3 - 1"
            " = 0,$ so $z^3 = 1.$  Then\n\\begin{align*}\nz^4 &= z \\cdot z^3 = z, \\\\\n"
            "z^5 &= z \\cdot z^4 = z^2,\n\\end{align*}"
        ],
        id="math-2921 z^3 = 1 in the step",
    ),
    pytest.param(
        "Let $a$ and $b$ be two 12th roots of unity, not necessarily distinct.",
        [
            "We can write \\[(a + b)^{12} = b^{12} \\left( 1 + \\frac{a}{b} \\right)^{12} ="
            " \\left( 1 + \\frac{a}{b} \\right)^{12}.\\]"
        ],
        id="math-4741 roots of unity",
    ),
    pytest.param(
        "Let $a$ and $b$ be the positive roots of $x^2 - 3x + 1 = 0.$  Find ...",
        [
            "Then\n\\begin{align*}\nt^2 &= \\frac{a^2}{b} + 2 \\sqrt{ab} + \\frac{b^2}{a}"
            " \\\\\n&= \\frac{a^3 + b^3}{ab} + 2 \\\\\n\\end{align*}"
        ],
        id="math-2358 the roots of a quadratic",
    ),
    pytest.param(
        "Compute ...",
        [
            "Let $a = \\sqrt{3},$ $b = \\sqrt{5},$ $c = \\sqrt{6},$ $d = \\sqrt{7},$ and"
            " $s = a + b + c + d.$",
            "\\begin{align*}\n&= 4s^2 - 4(a + b + c + d)s + 4a^2 + 4b^2 + 4c^2 + 4d^2 \\\\\n"
            "&= 4s^2 - 4s^2 + 4a^2 + 4b^2 + 4c^2 + 4d^2 \\\\\n"
            "&= 4(a^2 + b^2 + c^2 + d^2)\n\\end{align*}",
        ],
        id="math-2274 s = a+b+c+d earlier",
    ),
    pytest.param(
        "Consider the following six statements ...",
        ["If $x = 0,$ then $x = x^2 = x^3 = 0.$"],
        id="math-2671 a case assumed",
    ),
    pytest.param(
        "The equation $y = -16t^2 - 60t + 54$ describes the height ...",
        [
            "Setting $y$ to zero, we find the following: \\begin{align*}\n"
            "0& = -16t^2 - 60t + 54\\\\\n& = 16t^2 + 60t - 54\\\\\n& = 8t^2 + 30t - 27\\\\\n"
            "& = (4t-3)(2t+9)\\\\\n\\end{align*}"
        ],
        id="math-353 0 = ... times a constant",
    ),
    pytest.param(
        "Given that $$(m+n+p)(mn+mp+np)=25$$ and ...",
        [
            "Expanding, we have \\begin{align*}\n25&=(m+n+p)(mn+mp+np)\\\\\n"
            "&=m\\cdot(mn+mp+np)+n\\cdot(mn+mp+np)\\\\\n&\\qquad+p\\cdot(mn+mp+np)\\\\\n"
            "&=m^2n+m^2p+mnp+mn^2+mnp\\\\\n&\\qquad +n^2p+mnp+mp^2+np^2\n\\end{align*}"
        ],
        id="math-220 a row that goes on",
    ),
    pytest.param(
        "Let $(a,b)$ be ... \\[a+\\frac{10b}{a^2+b^2}=5, \\quad \\text{and} \\quad"
        " b+\\frac{10a}{a^2+b^2}=4.\\]",
        ["Then\n\\[\\frac{5 - a}{b} = \\frac{4 - b}{a} = \\frac{10}{a^2 + b^2}.\\]Hence,"],
        id="math-2177 equal ratios given",
    ),
    pytest.param(
        "A line passing through the point $(1,1,1)$ intersects ...",
        [
            "Thus,\n\\[\\frac{2t}{s - 3} = \\frac{3t + 1}{2s + 2} = \\frac{4t + 2}{4s - 2}.\\]"
            "Let\n\\[k = \\frac{2t}{s - 3} = \\frac{3t + 1}{2s + 2} = \\frac{4t + 2}{4s - 2}.\\]"
        ],
        id="math-4917 ratios set equal",
    ),
    pytest.param(
        "Let $a = e^{4 \\pi i/5}$ and $b = e^{2 \\pi i/17}.$  Compute ...",
        [
            "\\begin{align*}\n&= \\frac{a^2 - b^2}{a - b} \\cdot \\frac{a^4 - b^4}{a^2 - b^2}"
            " \\dotsm \\frac{a^{256} - b^{256}}{a^{128} - b^{128}} \\\\\n"
            "&= \\frac{a^{256} - b^{256}}{a - b} = \\frac{a - b}{a - b} = 1.\n\\end{align*}"
        ],
        id="math-4734 a row that ends after dots",
    ),
    pytest.param(
        "The function $f(x)$ satisfies \\[f(x + y) = f(x) f(y)\\] for all $x$ and $y.$",
        [
            "We get\n\\[f(1) = f \\left( \\frac{1}{2} \\right) f \\left( \\frac{1}{2} \\right)"
            " = f \\left( \\frac{1}{2} \\right)^2 \\ge 0,\\]so $f(1) = 3.$"
        ],
        id="math-2511 f applied with \\left(",
    ),
    pytest.param(
        "Is \\[f(x) = \\frac{x}{x^2 + 1} + 3 \\sqrt[3]{x} - 2x\\] even, odd, or neither?",
        [
            "\\begin{align*}\nf(-x) &= \\frac{(-x)}{(-x)^2 + 1} + 3 \\sqrt[3]{-x} - 2(-x) \\\\\n"
            "&= -\\frac{x}{x^2 + 1} - 3 \\sqrt[3]{x} + 2x \\\\\n&= -f(x),\n\\end{align*}"
        ],
        id="math-2814 real cube roots",
    ),
    pytest.param(
        "If $\\arccos x + \\arccos 2x + \\arccos 3x = \\pi,$ then ...",
        [
            "\\begin{align*}\nc &= (x)(2x) - (\\sqrt{1 - x^2})(\\sqrt{1 - 4x^2}) \\\\\n"
            "&= 2x^2 - \\sqrt{(1 - x^2)(1 - 4x^2)}.\n\\end{align*}"
        ],
        id="math-4550 roots of positive radicands",
    ),
    pytest.param(
        "ABCDEFGH is a right rectangular prism.",
        [
            "\\begin{align*}\n\\text{Volume} &= ([ABCD])(HD) \\\\\n&= 2([ABC])(HD) \\\\\n"
            "&= 120.\\end{align*}"
        ],
        id="math-1733 areas in a figure",
    ),
]


@pytest.mark.parametrize(("prompt", "steps"), CORRECT)
def test_correct_gold_excerpts_are_not_refuted(prompt: str, steps: list[str]) -> None:
    verdicts = check_steps(_trace(steps, prompt))
    assert first_error(verdicts) is None, [v.reason for v in verdicts]


# (problem, steps): wrong rewrites, with givens about other things or of no help
WRONG = [
    pytest.param(
        "If $y - z = 6$ and $yz = 2$, find $x$.",
        ["\\[ w = (x+1)^2 = x^2 + x + 1 \\]"],
        id="unrelated givens",
    ),
    pytest.param(
        "If $x - y = 6$ and $x^2 + y^2 = 24$, find $x^3 - y^3$.",
        ["\\[ x^3 - y^3 = (x-y)(x^2 + xy + y^2) = 6(24 + 2xy) \\]"],
        id="wrong even where the givens hold",
    ),
    pytest.param(
        "Solve for $t$.",
        ["\\begin{align*}\n0 &= t^2 - 5t + 6 \\\\\n&= (t-2)(t-4)\n\\end{align*}"],
        id="a wrong move in a 0 = chain",
    ),
    pytest.param(
        "If $xyz = 1$, find ...",
        ["\\[ s = x^2 y^2 z^2 + xyz = xyz + 2 \\]"],
        id="wrong under xyz = 1",
    ),
    pytest.param(
        "Find the minimum of $\\sqrt{x^2 + 9}$.",
        ["\\[ y = \\sqrt{x^2 + 9} = x + 3 \\]"],
        id="a root wrong for positive values too",
    ),
    pytest.param(
        "Let $z$ be such that $z^5 = 1$ and $z \\neq 1.$",
        ["\\[ w = z \\cdot z^5 = z^2 \\]"],
        id="wrong where z^5 = 1, z other than 1",
    ),
]


@pytest.mark.parametrize(("prompt", "steps"), WRONG)
def test_wrong_rewrites_are_still_refuted(prompt: str, steps: list[str]) -> None:
    assert _refuted(steps, prompt) == 0


def test_a_scaled_link_is_marked_and_decided_up_to_a_factor() -> None:
    text = "\\begin{align*} 0 &= 2t^2 - 4 \\\\ &= t^2 - 2 \\\\ &= t^2 - 3 \\end{align*}"
    links = find_rewrites(text)
    assert [link.scaled for link in links] == [True, True]
    assert [decide_rewrite(link)[0] for link in links] == ["verified", "refuted"]
    # a chain that opens with a name states equal expressions: no factor is allowed
    assert not any(link.scaled for link in find_rewrites("\\[ y = 2t^2 - 4 = t^2 - 2 \\]"))


def test_relations_read_from_text() -> None:
    assert len(find_relations("If $x-y=6$ and $x^2+y^2=24$, find $x^3-y^3$.")) == 2
    # identities constrain nothing; a function's definition is no relation
    assert find_relations("\\[ (x+1)^2 = x^2 + 2x + 1 \\]") == ()
    assert find_relations("Let $f(x) = x^2 + 1$ and $f(2) = 5$.") == ()
    roots = find_relations("Let $r,$ $s,$ and $t$ be the roots of $x^3 - 2x - 5 = 0.$")
    assert sorted(next(iter(r.variables)) for r in roots if r.holds) == ["r", "s", "t"]
    assert len([r for r in roots if not r.holds]) == 3  # distinct roots
    assert [r.holds for r in find_relations("Let $z \\neq 1$.")] == [False]
    assert len(find_relations("Let $a$ and $b$ be 12th roots of unity.")) == 2


def test_holds_under() -> None:
    relations = find_relations("If $xyz = 1$ then")
    assert holds_under(Rewrite(0, 0, "x^3 y^3 z^3", "1"), relations) is True
    assert holds_under(Rewrite(0, 0, "x y z + x", "1 + x"), relations) is True
    assert holds_under(Rewrite(0, 0, "x y z + x", "2 + x"), relations) is False
    assert holds_under(Rewrite(0, 0, "a + 1", "a"), relations) is None  # nothing on a


def test_cases_assumed_one_after_another() -> None:
    """``x = -1`` then ``x = 0``: the latest case is taken, the other left out."""
    before = ["If $x = -1$, then $x^3 = -1$.", "If $x = 0,$ then "]
    relations = [r for text in before for r in find_relations(text)]
    assert holds_under(Rewrite(0, 0, "x^2", "x^3"), relations) is True


def test_reconsider_never_raises_on_odd_input() -> None:
    odd = [
        ("x^{10^{10}}", "x"),
        ("\\frac{1}{0}", "x"),
        ("x", "y"),
        ("(((((x)))))", "x + 1"),
    ]
    prompts = ["", "$x = 10^{400}$", "$x^{10000} = 0$", "$x = y = z = \\frac{1}{0}$", "$$"]
    for left, right in odd:
        for prompt in prompts:
            outcome = reconsider(Rewrite(0, 0, left, right), [prompt, ""])
            assert outcome is None or outcome[0] == "unverifiable"


def test_the_step_checker_without_a_prompt_is_unchanged() -> None:
    assert check_text("\\[ y = (x+1)^2 = x^2 + x + 1 \\]").status == "refuted"
    text = "\\[ y = (x+1)^2 = x^2 + 2x + 1 \\]"
    trace = Trace(text=text, steps=(Step(text=text, start=0, end=len(text), index=0),))
    assert [v.status for v in check_steps(trace)] == ["verified"]


def test_a_long_trace_reads_the_problem_and_the_latest_steps_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refuted rewrite is reconsidered with the relations of the texts before it: a
    trace of thousands of steps must not make that quadratic, so the problem and the
    latest `MAX_TEXTS` steps only are read."""
    from stepscore.verifiers.steps import check, given

    seen: list[tuple[str, ...]] = []
    real = check.reconsider
    monkeypatch.setattr(
        check, "reconsider", lambda r, before: seen.append(before) or real(r, before)
    )
    problem = "Let $a - b = 1$."
    steps = [f"We know $z_{{{n}}} = {n}$." for n in range(400)]
    steps.append("\\[ y = (x+1)^2 = x^2 + x + 1 \\]")
    verdicts = check_steps(Trace.from_steps(steps, prompt=problem))
    assert verdicts[-1].status == "refuted"
    assert seen and all(len(b) <= given.MAX_TEXTS + 1 for b in seen)  # (+ the step's own line)
    assert seen[-1][0] == problem and "z_{399}" in seen[-1][-2]
    read: list[str] = []
    monkeypatch.setattr(given, "find_relations", lambda text: read.append(text) or ())
    reconsider(Rewrite(0, 0, "(x+1)^2", "x^2 + x + 1"), [problem, *steps])
    assert len(read) == given.MAX_TEXTS and read[0] == problem and read[-1] == steps[-1]
