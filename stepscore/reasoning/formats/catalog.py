"""The format catalog: a name -> ``"module:attr"`` table, imported only on use.

Looking a format up imports its module then; importing the catalog imports none of
them, so adding a format costs nothing to users of the others.

>>> get_format("processbench").name
'processbench'
>>> get_format("procesbench")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown format 'procesbench'; did you mean 'processbench'? ...
"""

from __future__ import annotations

import importlib

from stepscore.errors import UnknownNameError
from stepscore.reasoning.formats.base import TraceFormat

__all__ = ["FORMATS", "available_formats", "get_format"]

FORMATS: dict[str, str] = {
    "jsonl": "stepscore.reasoning.formats.jsonl:FORMAT",
    "math_shepherd": "stepscore.reasoning.formats.math_shepherd:FORMAT",
    "prm800k": "stepscore.reasoning.formats.prm800k:FORMAT",
    "processbench": "stepscore.reasoning.formats.processbench:FORMAT",
    "trl": "stepscore.reasoning.formats.trl:FORMAT",
}


def available_formats() -> list[str]:
    """The catalog's format names, sorted.

    >>> available_formats()
    ['jsonl', 'math_shepherd', 'prm800k', 'processbench', 'trl']
    """
    return sorted(FORMATS)


def get_format(name: str | TraceFormat) -> TraceFormat:
    """The format called ``name``; a format object is returned as it is.

    An unknown name raises `UnknownNameError` listing the known ones.

    >>> get_format("trl").to_record(get_format("trl").from_record(
    ...     {"prompt": "p", "completions": ["a"], "labels": [True]}))
    {'prompt': 'p', 'completions': ['a'], 'labels': [True]}
    """
    if not isinstance(name, str):
        if isinstance(name, TraceFormat):
            return name
        raise TypeError(f"a format is a name or a TraceFormat, not {type(name).__name__}")
    if name not in FORMATS:
        raise UnknownNameError("format", name, available_formats())
    module, _, attr = FORMATS[name].partition(":")
    fmt: TraceFormat = getattr(importlib.import_module(module), attr)
    return fmt
