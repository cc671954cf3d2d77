"""The lazy format catalog, its did-you-mean errors and the package's exports."""

from __future__ import annotations

import subprocess
import sys

import pytest

import stepscore.reasoning.formats as formats
from stepscore.errors import UnknownNameError
from stepscore.reasoning.formats import (
    FORMATS,
    RecordFormat,
    TraceFormat,
    available_formats,
    get_format,
)

NAMES = ["jsonl", "math_shepherd", "prm800k", "processbench", "trl"]


def test_available_formats() -> None:
    assert available_formats() == NAMES == sorted(FORMATS)


@pytest.mark.parametrize("name", NAMES)
def test_every_format_loads_and_follows_the_protocol(name: str) -> None:
    fmt = get_format(name)
    assert fmt.name == name
    assert isinstance(fmt, TraceFormat)
    assert isinstance(fmt, RecordFormat)
    assert get_format(fmt) is fmt


@pytest.mark.parametrize(
    ("name", "hint"),
    [("procesbench", "'processbench'"), ("math-shepherd", "'math_shepherd'"), ("TRL", None)],
)
def test_an_unknown_name_suggests_the_closest(name: str, hint: str | None) -> None:
    with pytest.raises(UnknownNameError) as caught:
        get_format(name)
    message = str(caught.value)
    assert f"unknown format {name!r}" in message
    assert "known: jsonl, math_shepherd, prm800k, processbench, trl" in message
    assert (f"did you mean {hint}" in message) if hint else ("did you mean" not in message)
    assert caught.value.known == tuple(NAMES)


def test_get_format_rejects_other_objects() -> None:
    with pytest.raises(TypeError, match="a name or a TraceFormat"):
        get_format(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_option_is_named(name: str) -> None:
    with pytest.raises(UnknownNameError, match=f"unknown {name} option 'colour'"):
        get_format(name).from_record({}, colour="red")


@pytest.mark.parametrize(
    ("name", "option", "value"),
    [
        ("prm800k", "neutral", ["positive"]),
        ("prm800k", "separator", 1),
        ("math_shepherd", "tag", " "),
        ("math_shepherd", "first_step", None),
        ("trl", "soft_labels", 1),
        ("trl", "separator", None),
        ("processbench", "separator", b"\n"),
    ],
)
def test_a_bad_option_value_is_a_value_error(name: str, option: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"{name} {option}"):
        get_format(name).from_record({}, **{option: value})


def test_importing_the_package_loads_no_format() -> None:
    code = (
        "import sys, stepscore.reasoning.formats as f; "
        "print(sorted(m for m in sys.modules if m.startswith('stepscore.reasoning.formats.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = eval(out.stdout)
    assert loaded == [
        "stepscore.reasoning.formats.base",
        "stepscore.reasoning.formats.catalog",
        "stepscore.reasoning.formats.files",
    ]


def test_all_is_sorted_and_matches_the_public_names() -> None:
    public = {
        name
        for name, value in vars(formats).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith(formats.__name__)
    }
    assert formats.__all__ == sorted(formats.__all__)
    assert set(formats.__all__) == public | {"FORMATS"}
