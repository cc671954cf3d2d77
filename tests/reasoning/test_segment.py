"""The invariant every segmenter keeps, on random and hostile text."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepscore import UnknownNameError
from stepscore.reasoning import COT_STRATEGIES, segment
from stepscore.reasoning.trace import Trace

_PIECES = st.sampled_from(
    [
        "\n", "\n\n", " ", "\t", "Step 1:", "**Step 2**", "## Step 3\n", "1. ", "2) ", "ки",
        "```", "```python\n", "$$", "\\[", "\\]", "\\begin{align}", "\\end{align}",
        "Draft:", "Feedback:", "Revision:", "x = 1", "def f():\n    return 1\n", "3 + 4 = 7. ",
        "Mr. ", "e.g. ", "The answer is 5.", "\r\n", "\ufffd", "é", "#",
    ]
)  # fmt: skip
_PLAIN = st.characters(blacklist_characters="$\\`~", blacklist_categories=("Cs",))
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40).map("".join)


def assert_tiles(trace: Trace) -> None:
    """Spans in order, disjoint, equal to their text; what lies between is separator only."""
    text, cursor = trace.text, 0
    tag = trace.segmentation.separator if trace.segmentation else None
    for position, step in enumerate(trace.steps):
        assert step.index == position
        assert step.start >= cursor and step.text == text[step.start : step.end]
        assert step.text.strip() == step.text != ""
        _assert_separator(text[cursor : step.start], tag, trace)
        cursor = step.end
    _assert_separator(text[cursor:], tag, trace)


def _assert_separator(gap: str, tag: str | None, trace: Trace) -> None:
    if tag:
        gap = gap.replace(tag, "")
    if trace.kind == "refine":  # marker headings are separators there
        return
    if trace.kind == "pot":  # code fences are separators there
        gap = gap.replace("```python", "").replace("```", "")
    assert gap.strip() == "", (gap, trace.kind)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from(["auto", "cot", "pot", "refine"]))
def test_auto_strategy_tiles_any_text(text: str, kind: str) -> None:
    assert_tiles(segment(text, kind))


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.sampled_from(COT_STRATEGIES))
def test_every_cot_strategy_tiles_any_text(text: str, strategy: str) -> None:
    assert_tiles(segment(text, "cot", strategy))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet=_PLAIN, min_size=1, max_size=30).filter(str.strip), min_size=1, max_size=8
    )
)
def test_double_newline_gives_back_joined_paragraphs(paragraphs: list[str]) -> None:
    """Paragraphs without math or code markers (those may span paragraphs on purpose)."""
    paragraphs = [" ".join(p.split()) for p in paragraphs]  # one line each, no blank lines
    text = "\n\n".join(paragraphs)
    assert segment(text, "cot", "double_newline").step_texts == paragraphs


@pytest.mark.parametrize("text", ["", "   \n\t ", "\n\n\n"])
def test_empty_text_gives_no_steps_and_says_so(text: str) -> None:
    trace = segment(text)
    assert trace.steps == ()
    assert trace.segmentation is not None and trace.segmentation.status == "empty"


def test_text_with_no_markers_is_one_step() -> None:
    assert segment("forty-two").step_texts == ["forty-two"]


def test_replacement_characters_are_ordinary_text() -> None:
    trace = segment("caf\ufffd costs 3.\n\n\ufffd\ufffd then 4")
    assert trace.step_texts == ["caf\ufffd costs 3.", "\ufffd\ufffd then 4"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["auto", "cot", "pot", "refine"])
def test_ten_megabytes_is_linear(kind: str) -> None:
    unit = "Step 1: 3 + 4 = 7. Then $$x$$ and \\[ y\n\nz \\] ki ```\n\nDraft: a\nFeedback: b\n"
    text = unit * (10_000_000 // len(unit))
    started = time.perf_counter()
    trace = segment(text, kind)
    elapsed = time.perf_counter() - started
    assert trace.steps and elapsed < 60  # a hang guard, not a speed target (see perf/segment.py)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["auto", "refine"])
def test_unclosed_fences_are_linear(kind: str) -> None:
    """Fence lines at line starts that never close (each used to rescan the rest of the
    text: 8,000 took 10 s); a hang guard, not a speed target."""
    text = "Draft: 1 + 1 = 2.\n" + "```python\nx = 1\n" * 120_000 + "Feedback: ok.\nRevision: 2."
    started = time.perf_counter()
    trace = segment(text, kind)
    assert trace.steps and time.perf_counter() - started < 60
    if kind == "refine":  # the checker finds the programs of a refinement the same way
        from stepscore.verifiers.steps import check_steps

        started = time.perf_counter()
        assert len(check_steps(trace)) == len(trace.steps)
        assert time.perf_counter() - started < 120


def test_bad_arguments_raise() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'cot'"):
        segment("a", kind="cott")
    with pytest.raises(UnknownNameError):
        segment("a", kind="pot", strategy="sentence")
    with pytest.raises(TypeError):
        segment(42)  # type: ignore[arg-type]


def test_metadata_is_carried() -> None:
    trace = segment("a\nb", prompt="Q", reference="b", id="x1", meta={"source": "t"})
    assert (trace.prompt, trace.reference, trace.id, dict(trace.meta)) == (
        "Q",
        "b",
        "x1",
        {"source": "t"},
    )
