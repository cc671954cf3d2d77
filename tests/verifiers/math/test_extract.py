"""Final-answer extraction: each rule by hand, spans, bad input, speed and real data."""

from __future__ import annotations

import json
import re
import time
import types
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import stepscore.verifiers.math as math_pkg
from stepscore.errors import UnknownNameError
from stepscore.verifiers.math import EXTRACTION_STYLES, Extraction, extract_answer
from stepscore.verifiers.math import extract as extract_mod

RULES = {"boxed", "fbox", "answer_is", "gsm8k", "answer_tag", "choice", "final_line"}
RULES |= {"last_number", "last_math"}


def check(text: str, style: str = "auto") -> Extraction:
    """Extract, and check the invariants every result keeps."""
    result = extract_answer(text, style)  # type: ignore[arg-type]
    assert result.reason
    if result.status == "ok":
        assert result.rule in RULES
        assert result.answer and result.answer == result.answer.strip()
        assert text[result.start : result.end] == result.answer
    else:
        assert result.status == "no_answer"
        assert (result.answer, result.start, result.end, result.rule) == (None,) * 4
    return result


def answer(text: str, style: str = "auto") -> tuple[str | None, str | None]:
    result = check(text, style)
    return result.answer, result.rule


# --- boxed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("so \\boxed{5}.", "5"),
        ("$\\boxed{\\frac{1}{\\sqrt{2}}}$", "\\frac{1}{\\sqrt{2}}"),
        ("\\boxed{ 5 }", "5"),
        ("\\boxed {5}", "5"),
        ("\\boxed 5", "5"),
        ("$\\boxed 5$.", "5"),
        ("\\boxed 12.", "12"),
        ("\\boxed{1} and later \\boxed{2}", "2"),  # the last one wins
        ("\\boxed{3} then \\boxed{4", "3"),  # an unbalanced box is skipped
        ("\\boxed{7} and \\boxed{}", "7"),  # an empty box too
        ("\\boxed{\\{1, 2\\}}", "\\{1, 2\\}"),  # escaped braces do not group
        ("\\boxed{\\left\\{ x \\right.}", "\\left\\{ x \\right."),
        ("\\boxed{a\\\\{b}}", "a\\\\{b}"),  # "\\\\" is a line break, then a group
        ("\\boxed{\\text{(C)}}", "\\text{(C)}"),  # kept as written outside `choice`
        ("\\boxed{4:30 \\text{ p.m.}}.", "4:30 \\text{ p.m.}"),
    ],
)
def test_boxed(text: str, expected: str) -> None:
    assert answer(text) == (expected, "boxed")
    assert answer(text, "boxed") == (expected, "boxed")


def test_fbox_and_its_name() -> None:
    assert answer("\\fbox{7}") == ("7", "fbox")
    assert answer("\\fbox{7} then \\boxed{8}") == ("8", "boxed")


def test_boxed_needs_a_whole_command_name() -> None:
    assert answer("\\boxedx{5}", "boxed") == (None, None)
    assert answer("\\boxed{}", "boxed") == (None, None)
    assert check("\\boxed{", "boxed").reason == "no balanced \\boxed{} or \\fbox{}"


def test_deeply_nested_braces() -> None:
    inner = "{" * 10_000 + "x" + "}" * 10_000
    assert answer("\\boxed{" + inner + "}") == (inner, "boxed")


def test_unbalanced_tail_falls_back_to_an_earlier_box() -> None:
    assert answer("\\boxed{1}" + "\\boxed{" * 100_000) == ("1", "boxed")
    assert answer("\\boxed{1} " + "{" * 1000 + "\\boxed{2") == ("1", "boxed")


# --- answer tag, GSM8K ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<answer> 42 </answer>", "42"),
        ("<answer>1</answer> <answer>2</answer>", "2"),
        ("<answer>1</answer> <answer>2", "1"),  # unclosed
        ("<answer>1</answer><answer> </answer>", "1"),  # empty
        ("<ANSWER>$x^2$</ANSWER>", "x^2"),
    ],
)
def test_answer_tag(text: str, expected: str) -> None:
    assert answer(text) == (expected, "answer_tag")
    assert answer(text, "answer_tag") == (expected, "answer_tag")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 + 4 = 7\n#### 7", "7"),
        ("#### 1,000", "1,000"),
        ("#### -5\n", "-5"),
        ("#### 18.", "18"),
        ("#### 2.5", "2.5"),
        ("#### 1\nmore\n#### 2", "2"),
    ],
)
def test_gsm8k(text: str, expected: str) -> None:
    assert answer(text) == (expected, "gsm8k")
    assert answer(text, "gsm8k") == (expected, "gsm8k")


def test_markdown_heading_is_not_a_gsm8k_answer() -> None:
    text = "#### Step 1: add\n2 + 3 = 5"
    assert answer(text, "gsm8k") == (None, None)
    assert answer(text) == ("5", "last_number")


# --- answer phrases and choices ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The answer is $\\frac{3}{4}$.", "\\frac{3}{4}"),
        ("The final answer is 42.", "42"),
        ("Final Answer: The final answer is $x^2+1$. I hope it is correct.", "x^2+1"),
        ("Answer: 7", "7"),
        ("**Answer:** 12", "12"),
        ("**Final Answer**: \\(\\sqrt{2}\\)", "\\sqrt{2}"),
        ("The answer is: \n\\[\nx = 5\n\\]\nDone.", "x = 5"),
        ("The answer is $$10$$", "10"),
        ("The answer is 3.5.", "3.5"),
        ("the answer is 42 apples. Next", "42 apples"),
        ("The answer is **7**.", "7"),
        ("The answer is 1.\nNo wait, the answer is 2.", "2"),
        ("The answer is 4.\nFinal Answer:", "4"),  # an empty last phrase falls back
        ("ANSWER: 9", "9"),
    ],
)
def test_answer_phrase(text: str, expected: str) -> None:
    assert answer(text) == (expected, "answer_is")
    assert answer(text, "answer_is") == (expected, "answer_is")


def test_a_plain_tuple_the_last_number_ends_is_the_answer() -> None:
    assert answer("so the point is (-16, -4).") == ("(-16, -4)", "last_math")
    assert answer("the coordinates of C are (3, 2). (3, 2)") == ("(3, 2)", "last_math")
    assert answer("we have 5 (from 1, 2)") == ("2", "last_number")  # words: not a tuple
    assert answer("so f(1, 2) = 3") == ("3", "last_number")


def test_a_diagram_s_numbers_are_no_answer() -> None:
    text = 'so there are 12.\n[asy]\ndraw((0,0)--(1,2));\nlabel("3",(1,1));\n[/asy]'
    assert answer(text) == ("12", "last_number")
    assert answer('[asy]\nlabel("3",(1,1));\n[/asy] so 7 [asy] x [/asy]') == ("7", "last_number")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The final answer is then $2 + 2 + 2010 = 2014.$", "2 + 2 + 2010 = 2014"),
        ("So our answer is just $a^3 + a^2$.", "a^3 + a^2"),
        ("the answer is the larger of the two: $x=1$.", "x=1"),
        ("The answer is $3$ apples.", "3"),
        ("The answer is 5 and $x$ is 3.", "5 and $x$ is 3"),  # a digit in the lead
        ("The answer is then $x$ or $y$ here.", "then $x$ or $y$ here"),  # more after it
    ],
)
def test_answer_phrase_formula_after_a_short_lead(text: str, expected: str) -> None:
    assert answer(text) == (expected, "answer_is")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**Answer:** Verna received $7.00 in change.", "7.00"),
        ("The answer is that she has 12 apples left.", "12"),
        ("Answer: the angle measures -45 degrees", "-45"),
        ("the answer is 42 apples. Next", "42 apples"),  # two words: the grader strips units
        ("The answer is the square root of 2.", "the square root of 2"),
        ("The answer is 3 out of 4 students.", "3 out of 4 students"),
        ("The answer is that x is $2\\sqrt{3}$ here.", "that x is $2\\sqrt{3}$ here"),
    ],
)
def test_answer_phrase_prose_gives_its_one_number(text: str, expected: str) -> None:
    assert answer(text) == (expected, "answer_is")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Right. So it is $\\sqrt{53}$.\n\n# Answer\n\n\\sqrt{53}", "\\sqrt{53}"),  # PRM800K
        ("Right.\n\n# Answer\n\n(-1,6)", "(-1,6)"),
        ("So.\n\n**Final Answer**\n\\(y = -2x\\)\n", "y = -2x"),
        ("## Final answer:\n\n$\\frac{3}{4}$", "\\frac{3}{4}"),
        ("The answer is 3.\n\n# Answer\n\n4", "4"),  # the last one
        ("# Answer\n\n4\n\nThe answer is 5.", "5"),
    ],
)
def test_answer_heading_names_the_next_line(text: str, expected: str) -> None:
    assert answer(text) == (expected, "answer_is")


def test_answer_word_ending_a_prose_line_is_no_heading() -> None:
    assert answer("We find the answer\nThen 5") == ("5", "last_number")
    assert answer("Some text 2.\n\n# Answer\n") == ("2", "last_number")


def test_answer_phrase_needs_the_word() -> None:
    assert answer("reanswer: 5", "answer_is") == (None, None)
    assert answer("the answers are 1 and 2", "answer_is") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("The answer is (C).", "C"), ("Answer: B", "B"), ("the answer is E", "E")],
)
def test_auto_reports_a_bare_letter_as_a_choice(text: str, expected: str) -> None:
    assert answer(text) == (expected, "choice")


def test_auto_keeps_boxed_letters_and_longer_phrases() -> None:
    assert answer("\\boxed{C}") == ("C", "boxed")
    assert answer("The answer is (C) 12.") == ("(C) 12", "answer_is")
    assert answer("The answer is F.") == ("F", "answer_is")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\\boxed{\\text{(D)}}", "D"),
        ("\\boxed{A}", "A"),
        ("<answer>(B)</answer>", "B"),
        ("The answer is C) 12", "C"),
        ("Answer: (E)", "E"),
        ("so I pick (B) because it is larger", "B"),
        ("Options: (A) 1 (B) 2", "B"),
        ("\\boxed{12} but (C) looked right", "C"),
    ],
)
def test_choice_style(text: str, expected: str) -> None:
    assert answer(text, "choice") == (expected, "choice")


@pytest.mark.parametrize("text", ["f(A) = 1", "\\boxed{12}", "ABC)", "nothing", "(F)"])
def test_choice_style_without_a_letter(text: str) -> None:
    assert answer(text, "choice") == (None, None)


# --- final line and last number ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So the point is\n\n$(2, 3)$\n", "(2, 3)"),
        ("We get\n\\[\n\\frac{1}{2}\n\\]", "\\frac{1}{2}"),
        ("Total:\n18 dollars", "18 dollars"),
        ("Which one?\n(C)", "(C)"),
    ],
)
def test_final_line(text: str, expected: str) -> None:
    assert answer(text, "final_line") == (expected, "final_line")


@pytest.mark.parametrize(
    "text",
    ["We are done.\nHope this helps!", "Therefore,", "x" * 300 + " 5", "", "the final step"],
)
def test_final_line_rejects_prose(text: str) -> None:
    assert answer(text, "final_line") == (None, None)


def test_auto_does_not_use_the_final_line() -> None:
    # the documented decision: the last number wins over a short final line in auto,
    # widened to the formula it ends
    assert answer("So the point is\n\n$(2, 3)$\nThat is all.") == ("(2, 3)", "last_math")
    assert answer("So the point is\n\n2, 3\nThat is all.") == ("3", "last_number")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the value is \\(-\\frac{2\\sqrt{3}}{3}\\).", "-\\frac{2\\sqrt{3}}{3}"),
        ("the area is $\\frac{8\\pi}{5}$ square units.", "\\frac{8\\pi}{5}"),
        ("\\[ A = \\frac{8\\pi}{5} \\]\nso that is the area.", "\\frac{8\\pi}{5}"),
        ("the range is \\(\\left[-\\frac{\\pi}{2}, \\frac{\\pi}{2}\\right]\\).", None),
        ("So the set is $\\{1, 2\\}$.", "\\{1, 2\\}"),
        ("$$\n x = \\frac{\\sqrt 2}{2}\n$$", "\\frac{\\sqrt 2}{2}"),
        ("giving $r = \\sqrt{9 + 4} = 2\\sqrt{13}$.", "2\\sqrt{13}"),
        ("the area is $$12\\pi\\cdot\\frac{1}{12}=\\pi$$", "\\pi"),  # a chain's result
        ("$5n \\equiv 5 \\cdot 5 \\equiv 25 \\equiv 4 \\pmod{7}$.", "4"),  # a congruence
        ("$95x \\equiv 19 \\pmod{47}\\implies x \\equiv 39 \\pmod{47}$.", "39"),
        (  # a matrix may be longer than other formulas
            "is: $$\\begin{pmatrix} \\frac{\\sqrt{2}}{2} & \\frac{\\sqrt{2}}{2} \\\\ "
            "-\\frac{\\sqrt{2}}{2} & \\frac{\\sqrt{2}}{2} \\end{pmatrix}.$$",
            "\\begin{pmatrix} \\frac{\\sqrt{2}}{2} & \\frac{\\sqrt{2}}{2} \\\\ "
            "-\\frac{\\sqrt{2}}{2} & \\frac{\\sqrt{2}}{2} \\end{pmatrix}",
        ),
        (  # one matrix is one answer, its rows and cells included
            "so $\\mathbf{v} = \\begin{pmatrix} -5 \\\\ 2 \\end{pmatrix}.$",
            "\\begin{pmatrix} -5 \\\\ 2 \\end{pmatrix}",
        ),
        # the answer ends a display that opens far before it
        ("$$" + "x = " * 40 + "\\frac{\\sqrt{3}}{3}$$", "\\frac{\\sqrt{3}}{3}"),
        ("\\[" + "1 + " * 40 + "1 = \\sqrt{41}^2 \\]", "\\sqrt{41}^2"),
        # pairs are counted from the line's start, however many come before
        (
            "So " + "$a_1$, " * 30 + "and the slope is $-\\frac{1}{\\sqrt{2}}$.",
            "-\\frac{1}{\\sqrt{2}}",
        ),
    ],
)
def test_last_number_widened_to_the_formula_it_ends(text: str, expected: str | None) -> None:
    if expected is None:  # the whole formula after "is"
        expected = text[text.index("\\(") + 2 : text.index("\\)")]
    assert answer(text) == (expected, "last_math")
    assert answer(text, "last_number")[1] == "last_number"  # the style itself is unchanged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It costs $5 and $6 in all", "6"),  # two prices, not a formula
        ("we get $5+$3 = $8", "8"),
        ("paid $4.50 and then $7.", "7"),
        ("so $x = 3$.", "3"),  # the value is the number itself
        ("Therefore, \\(x^3 = 12\\).", "12"),  # not the equation x^3 = 12
        ("so $x < 5$", "5"),
        ("so $2 < x$.", "2"),  # the number is not in the value after the relation
        ("\\[ x = 1 \\\\ y = 2 \\]", "2"),  # two answers
        ("\\(x = 1, \\quad y = 2\\)", "2"),
        ("$" + "1+" * 60 + "1$", "1"),  # a derivation, not an answer
        ("\\(x\\) is 3, so \\(y\\) is 4", "4"),  # the number is outside any formula
    ],
)
def test_last_number_kept_when_no_short_formula_ends_it(text: str, expected: str) -> None:
    assert answer(text) == (expected, "last_number")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("There are 12 apples and 3 pears.", "3"),
        ("It costs 1,234,567 dollars", "1,234,567"),
        ("so x = -7.", "-7"),
        ("5-3", "3"),
        ("half is 0.5", "0.5"),
        ("half is .5", ".5"),
        ("a ratio of 3/4", "3/4"),
        ("a ratio of -3/4", "-3/4"),
        ("which is $\\frac{3}{4}$", "\\frac{3}{4}"),
        ("which is $\\dfrac{3}{4}$", "\\dfrac{3}{4}"),
        ("which is $\\frac56$", "\\frac56"),
        ("area $250000-196300\\approx54000$ m", "54000"),  # glued to a command
        ("so $x\\approx-3$", "-3"),
        ("so \\frac{145}{488}\\cdot360 degrees", "360"),
        ("up 50%", "50"),
        ("(-5)", "-5"),
    ],
)
def test_last_number(text: str, expected: str) -> None:
    assert answer(text) == (expected, "last_number")
    assert answer(text, "last_number") == (expected, "last_number")


def test_last_number_found_far_from_the_end() -> None:
    text = "the count is 1,234,567" + " x" * 50_000
    assert answer(text) == ("1,234,567", "last_number")


# --- priority, bad input, caller errors -------------------------------------------------


def test_priority_in_auto() -> None:
    assert answer("The answer is 3. \\boxed{4}") == ("4", "boxed")
    assert answer("<answer>5</answer> The answer is 6.") == ("5", "answer_tag")
    assert answer("The answer is 6.\n#### 7") == ("7", "gsm8k")
    assert answer("The answer is x. 8") == ("x", "answer_is")


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t", "\x00" * 100, "}{}{", "\\boxed{", "$$$", "<answer>", "####", "\ufffd\ud7ff"],
)
def test_bad_output_is_no_answer(text: str) -> None:
    for style in EXTRACTION_STYLES:
        check(text, style)
    assert check(text).status == "no_answer"


def test_reason_says_what_was_missing() -> None:
    assert extract_answer("").reason == "empty text"
    assert "no \\boxed{}" in extract_answer("words only").reason
    assert extract_answer("\\boxed{2}").reason == "last balanced \\boxed{}"


@pytest.mark.parametrize("text", [None, b"\\boxed{1}", 5, ["a"]])
def test_non_str_text_raises(text: object) -> None:
    with pytest.raises(TypeError):
        extract_answer(text)  # type: ignore[arg-type]


def test_unknown_style_raises_with_a_suggestion() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'boxed'") as info:
        extract_answer("x", "boxd")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_extraction_is_frozen() -> None:
    result = extract_answer("\\boxed{1}")
    with pytest.raises(AttributeError):
        result.answer = "2"  # type: ignore[misc]


# --- properties -------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "\\boxed", "\\fbox", "{", "}", "\\{", "\\", "$", "$$", "\\(", "\\)", "\\[", "\\]",
        "<answer>", "</answer>", "####", "The answer is ", "Answer:", "**", "(C)", "B)",
        "1", "23", "-", ",", ".", "/", "4,567", "\\frac{1}{2}", " ", "\n", "x", "A", "\x00",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=60).map("".join))


@given(text=TEXTS, style=st.sampled_from(EXTRACTION_STYLES))
def test_never_raises_and_spans_hold(text: str, style: str) -> None:
    check(text, style)


def _boxed_by_full_scan(text: str) -> str | None:
    """Reference: one brace scan from the start, then the last non-empty box."""
    closes = extract_mod._match_braces(text, 0)
    for m in reversed(list(extract_mod._BOXED.finditer(text))):
        start, end = extract_mod._boxed_content(text, m, closes)
        if start < end:
            return text[start:end]
    return None


@given(text=st.lists(PIECES, max_size=60).map("".join))
def test_boxed_tail_first_scan_agrees_with_a_full_scan(text: str) -> None:
    assert extract_answer(text, "boxed").answer == _boxed_by_full_scan(text)


NUMBER_TEXTS = st.lists(
    st.sampled_from(["1", "23", "-", ",", ".", "/", " ", "x", "(", "\\frac{1}{2}", "$"]),
    max_size=80,
).map("".join)


@given(text=NUMBER_TEXTS)
def test_tail_first_number_search_agrees_with_a_full_scan(text: str) -> None:
    last = extract_mod._last(extract_mod._NUMBER.finditer(text))
    with mock.patch.object(extract_mod, "_NUMBER_WINDOW", 3):
        assert extract_answer(text, "last_number").answer == (last[0] if last else None)


# --- speed ------------------------------------------------------------------------------

ADVERSARIAL = [
    "\\boxed{" * 100_000,
    "\\approx1" * 150_000,
    "$\\begin{pmatrix}1 & " * 60_000,
    "\\boxed{" + "{" * 1_000_000,
    "1" * 1_000_000,
    "1 " * 500_000,
    "1," * 500_000,
    "-" * 1_000_000 + "1",
    "answer: " * 130_000,
    "answer is \\[" * 80_000,
    "#### " + "1" * 1_000_000 + "x",
    "<answer>" * 120_000,
    "\x00" * 1_000_000,
    "$" * 1_000_000,
    "A)" * 500_000,
    " " * 1_000_000 + "5",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_adversarial_megabyte_is_fast(text: str) -> None:
    for style in EXTRACTION_STYLES:
        started = time.perf_counter()
        check(text, style)
        # a hang guard, not a speed target (~0.3 s at worst when measured)
        assert time.perf_counter() - started < 10, style


# --- package surface --------------------------------------------------------------------


def _isort_key(name: str) -> tuple[int, str]:
    """ruff's order for __all__: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert math_pkg.__all__ == sorted(math_pkg.__all__, key=_isort_key)
    public = {
        name
        for name, value in vars(math_pkg).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(math_pkg.__all__) == public


# --- real data --------------------------------------------------------------------------


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _no_ws(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def test_gsm8k_gold_answers(shared_data: Path) -> None:
    rows = _rows(shared_data / "gsm8k" / "test.jsonl")
    golds = [row["answer"].split("####")[-1].strip() for row in rows]
    for style in ("gsm8k", "auto"):
        got = [check(row["answer"], style) for row in rows]
        assert [r.answer for r in got] == golds
        assert {r.rule for r in got} == {"gsm8k"}
    assert len(rows) == 1319


def test_math500_boxed_answers(shared_data: Path) -> None:
    rows = _rows(shared_data / "math500" / "test.jsonl")
    got = [check(row["solution"], "boxed").answer for row in rows]
    exact = sum(a == row["answer"] for a, row in zip(got, rows, strict=True))
    loose = sum(_no_ws(a) == _no_ws(row["answer"]) for a, row in zip(got, rows, strict=True))
    print(f"MATH-500: {exact}/{len(rows)} exact, {loose}/{len(rows)} without white space")
    misses = [(a, row["answer"]) for a, row in zip(got, rows, strict=True) if a != row["answer"]]
    assert (len(rows), exact, loose) == (500, 500, 500), misses
    assert [check(row["solution"]).answer for row in rows] == got


def test_bon_responses_agree_with_the_reference_extractor(shared_data: Path) -> None:
    """The reference `pred` is normalized (units dropped), so a few differ on purpose."""
    rows = _rows(shared_data / "bon" / "math_cot_100.jsonl")
    pairs = [(r, p) for row in rows for r, p in zip(row["response"], row["pred"], strict=True)]
    got = [check(response).answer for response, _ in pairs]
    agree = sum(_no_ws(a) == _no_ws(pred) for a, (_, pred) in zip(got, pairs, strict=True))
    print(f"bon: {agree}/{len(pairs)} equal to pred without white space")
    # the 8 that differ are all "\\boxed{4:30 \\text{ p.m.}}", which the reference
    # normalizes to "4:30"; dropping units is the normalizer's job
    assert len(pairs) == 800 and agree >= 792
