from __future__ import annotations

import pytest

from stepscore.reasoning import RefineMarkers, segment


def _view(trace) -> list[tuple[str, int | None, str]]:
    return [(s.kind, s.round, s.text) for s in trace.steps]


def test_marker_rounds() -> None:
    text = (
        "Draft: 12 * 3 = 38.\nSo 38.\n"
        "Feedback: 12 * 3 is 36.\n"
        "Revision: 12 * 3 = 36.\nSo 36.\n"
        "Feedback: Looks right.\n"
    )
    trace = segment(text)
    assert trace.kind == "refine"
    assert _view(trace) == [
        ("draft", 0, "12 * 3 = 38."),
        ("draft", 0, "So 38."),
        ("feedback", 1, "12 * 3 is 36."),
        ("revision", 1, "12 * 3 = 36."),
        ("revision", 1, "So 36."),
        ("feedback", 2, "Looks right."),
    ]


def test_markdown_and_bold_markers_and_alternative_words() -> None:
    text = "**Initial answer:** 5\n\n## Critique\nWrong sign.\n\n### Improved answer\n-5"
    assert _view(segment(text)) == [
        ("draft", 0, "5"),
        ("feedback", 1, "Wrong sign."),
        ("revision", 1, "-5"),
    ]


def test_custom_markers() -> None:
    markers = RefineMarkers(draft=("Try",), feedback=("Check",), revision=("Fix",))
    trace = segment("Try: 1\nCheck: no\nFix: 2", "refine", markers=markers)
    assert _view(trace) == [("draft", 0, "1"), ("feedback", 1, "no"), ("revision", 1, "2")]
    with pytest.raises(ValueError):
        RefineMarkers(feedback=())


def test_code_sections_split_into_statements() -> None:
    text = (
        "Draft:\ndef f(x):\n    return x + 1\nprint(f(1))\n"
        "Feedback: off by one.\nRevision:\ndef f(x):\n    return x\n"
    )
    trace = segment(text, "refine")
    assert _view(trace) == [
        ("draft", 0, "def f(x):\n    return x + 1"),
        ("draft", 0, "print(f(1))"),
        ("feedback", 1, "off by one."),
        ("revision", 1, "def f(x):\n    return x"),
    ]


def test_without_markers_the_text_is_one_draft_and_it_says_so() -> None:
    trace = segment("Just an answer: 4.", "refine")
    assert trace.segmentation is not None and trace.segmentation.status == "fallback"
    assert {s.kind for s in trace.steps} == {"draft"}


def test_chat_turns() -> None:
    turns = [
        {"role": "system", "content": "Be careful."},
        {"role": "user", "content": "What is 6 * 7?"},
        {"role": "assistant", "content": "6 * 7 = 48."},
        {"role": "user", "content": "Check the product."},
        {"role": "assistant", "content": "6 * 7 = 42.\nThe answer is 42."},
    ]
    trace = segment(turns)
    assert trace.kind == "refine"
    assert trace.prompt == "Be careful.\n\nWhat is 6 * 7?"
    assert _view(trace) == [
        ("draft", 0, "6 * 7 = 48."),
        ("feedback", 1, "Check the product."),
        ("revision", 1, "6 * 7 = 42."),
        ("revision", 1, "The answer is 42."),
    ]
    assert [s.kind for s in segment(["a", "b", "c"]).steps] == ["draft", "feedback", "revision"]
    with pytest.raises(TypeError):
        segment([{"role": "user"}])
