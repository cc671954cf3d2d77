from __future__ import annotations

import json
from pathlib import Path

import pytest

from stepscore import UnknownNameError
from stepscore.reasoning.cot import split_cot


def _texts(text: str, strategy: str = "auto", **kw: str) -> tuple[list[str], str]:
    spans, used = split_cot(text, strategy, **kw)
    return [text[a:b] for a, b in spans], used


def test_tag_strategy_excludes_the_tag() -> None:
    text = "Step 1: 2+2=4 ки\nStep 2: 4*2=8 ки\nThe answer is 8"
    steps, used = _texts(text)
    assert used == "tag"
    assert steps == ["Step 1: 2+2=4", "Step 2: 4*2=8", "The answer is 8"]
    assert _texts("a <step> b <step>", "tag", tag="<step>")[0] == ["a", "b"]


@pytest.mark.parametrize(
    "text",
    [
        "Step 1: add 2 and 3.\nStep 2: double it.\nStep 3: done.",
        "**Step 1:** add 2 and 3.\n**Step 2:** double it.\n**Step 3:** done.",
        "## Step 1\nadd 2 and 3.\n## Step 2\ndouble it.\n## Step 3\ndone.",
        "STEP 1: add 2 and 3.\nSTEP 2: double it.\nSTEP 3: done.",
    ],
)
def test_headers_keep_each_header_with_its_step(text: str) -> None:
    steps, used = _texts(text)
    assert used == "headers"
    assert len(steps) == 3
    assert all("step" in s.lower() for s in steps)


def test_paragraphs_also_cut_before_headers_inside_them() -> None:
    text = "Let us begin.\n\nStep 1: 3 + 4 = 7.\nStep 2: 7 * 2 = 14.\n\nThe answer is 14."
    steps, used = _texts(text)
    assert used == "double_newline+headers"
    assert steps == [
        "Let us begin.",
        "Step 1: 3 + 4 = 7.",
        "Step 2: 7 * 2 = 14.",
        "The answer is 14.",
    ]


def test_numbered_list_follows_the_count() -> None:
    text = "We compute:\n1. 3 + 4 = 7\n   carried over\n2. 7 * 2 = 14\n2023. was a year\n3. done"
    steps, used = _texts(text)
    assert used == "numbered"
    assert steps == [
        "We compute:",
        "1. 3 + 4 = 7\n   carried over",
        "2. 7 * 2 = 14\n2023. was a year",
        "3. done",
    ]


def test_single_newline_and_sentence() -> None:
    assert _texts("a = 1\n\n  \nb = 2\n")[0] == ["a = 1", "b = 2"]
    assert _texts("line one\nline two")[1] == "single_newline"
    steps, used = _texts(
        "Mr. Smith has 3 apples. He buys 2 more! Now he has 5 e.g. many. Is that right? Yes."
    )
    assert used == "sentence"
    assert steps == [
        "Mr. Smith has 3 apples.",
        "He buys 2 more!",
        "Now he has 5 e.g. many.",
        "Is that right?",
        "Yes.",
    ]
    assert _texts("The value is 3.14 exactly.", "sentence")[0] == ["The value is 3.14 exactly."]


@pytest.mark.parametrize(
    "strategy", ["auto", "double_newline", "single_newline", "sentence", "numbered", "headers"]
)
@pytest.mark.parametrize(
    "block",
    [
        "```python\nx = 1\n\ny = 2. Then z = 3.\n1. not an item\n```",
        "$$\nx = 1\n\ny = 2. Then z.\n$$",
        "\\[\n a = b\n\n c = d. So e.\n\\]",
        "\\begin{align}\na &= 1 \\\\\n\nb &= 2. Also c.\n\\end{align}",
    ],
)
def test_protected_blocks_are_never_cut(strategy: str, block: str) -> None:
    text = f"Step 1: First we write it.\n\n{block}\n\nStep 2: So it is done."
    steps, _ = _texts(text, strategy)
    assert any(block in s for s in steps), steps


def test_unclosed_fence_protects_to_the_end() -> None:
    steps, _ = _texts("Intro.\n\n```python\nx = 1\n\ny = 2")
    assert steps == ["Intro.", "```python\nx = 1\n\ny = 2"]


def test_unknown_strategy_suggests_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'double_newline'"):
        split_cot("a", "double_newlines")


def _processbench(shared_data: Path) -> list[dict]:
    rows = []
    for split in ("gsm8k", "math"):
        rows += json.loads(
            (shared_data / "processbench" / f"{split}.json").read_text(encoding="utf-8")
        )
    return rows


@pytest.mark.parametrize("strategy", ["double_newline", "auto"])
def test_processbench_steps_come_back(shared_data: Path, strategy: str) -> None:
    """Acceptance: 1400 ProcessBench rows, steps joined by a blank line, split back exactly."""
    rows = _processbench(shared_data)
    assert len(rows) == 1400
    mismatched = []
    for row in rows:
        text = "\n\n".join(row["steps"])
        steps, _ = _texts(text, strategy)
        if steps != [s.strip() for s in row["steps"]]:
            mismatched.append(row["id"])
    assert mismatched == []
