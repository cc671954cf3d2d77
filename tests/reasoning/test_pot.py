from __future__ import annotations

import json
from pathlib import Path

from stepscore.reasoning import segment
from stepscore.reasoning.pot import split_python


def _steps(source: str) -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in segment(source, "pot").steps]


def test_top_level_statements_with_comments_attached_below() -> None:
    source = (
        "# inputs\nprice = 3\n\nfor i in range(2):\n    price += i\n"
        "print(price)  # show\n# trailing note\n"
    )
    assert _steps(source) == [
        ("# inputs\nprice = 3", "code"),
        ("for i in range(2):\n    price += i", "code"),
        ("print(price)  # show", "code"),
        ("# trailing note", "comment"),
    ]


def test_decorators_multiline_and_shared_lines() -> None:
    source = (
        "@cache\ndef f(x):\n    return x\n\ntotal = (1 +\n         2); other = 3\nans = f(total)\n"
    )
    assert [t for t, _ in _steps(source)] == [
        "@cache\ndef f(x):\n    return x",
        "total = (1 +\n         2); other = 3",
        "ans = f(total)",
    ]


def test_pal_style_solution_function_is_split_inside() -> None:
    source = "def solution():\n    a = 2\n    b = a * 3\n    return b\n\nans = solution()\n"
    assert [t for t, _ in _steps(source)] == [
        "def solution():\n    a = 2",
        "b = a * 3",
        "return b",
        "ans = solution()",
    ]


def test_syntax_error_falls_back_to_line_groups_and_says_so() -> None:
    trace = segment("x = 1\nif x:\n    y = (2\nprint(y)\n")
    assert trace.kind == "pot"
    assert trace.segmentation is not None
    assert trace.segmentation.status == "fallback"
    assert "SyntaxError" in trace.segmentation.reason
    assert [s.text for s in trace.steps] == ["x = 1", "if x:\n    y = (2", "print(y)"]


def test_markdown_program_splits_prose_and_code() -> None:
    text = "We add them.\n\n```python\na = 2\nb = a + 3\n```\nThe answer is 5."
    trace = segment(text, "auto")
    assert trace.kind == "pot"
    assert [(s.kind, s.text) for s in trace.steps] == [
        ("thought", "We add them."),
        ("code", "a = 2"),
        ("code", "b = a + 3"),
        ("thought", "The answer is 5."),
    ]


def test_crlf_and_nul_bytes() -> None:
    assert [s.text for s in segment("a = 1\r\nb = 2\r\n", "pot").steps] == ["a = 1", "b = 2"]
    trace = segment("a = 1\nb = '\x00'\n", "pot")
    assert trace.segmentation is not None and trace.segmentation.status == "fallback"
    assert [s.text for s in trace.steps] == ["a = 1", "b = '\x00'"]


def test_pot_traces_from_shared_data(shared_data: Path) -> None:
    """Programs of the PoT GSM8K files split into spans that tile them; every program
    that executed upstream parses (the rest are truncated generations)."""
    programs = []
    for path in sorted((shared_data / "traces" / "pot").glob("gsm8K*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "generated" in row:
                generated = row["generated"]
                source = generated[0] if isinstance(generated, list) else generated
                programs.append((source, row.get("executed") is not None))
    assert len(programs) > 2500
    fallbacks = 0
    for source, executed in programs:
        spans, reason = split_python(source)
        fallbacks += reason is not None
        assert reason is None or not executed, reason
        covered = "".join(source[a:b] for a, b, _ in spans)
        assert "".join(covered.split()) == "".join(source.split())
    assert 0 < fallbacks < 50
