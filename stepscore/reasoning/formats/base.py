"""What every record format shares: the `TraceFormat` protocol and its building blocks.

A format is a pure conversion between one record (a JSON object) and a `Trace` whose
steps carry the record's labels. `RecordFormat` is the frozen base class the built-in
formats derive from: its dataclass fields are the format's options, so
``fmt.from_record(row, neutral="half")`` is ``replace(fmt, neutral="half").from_record(row)``
with the option name and value checked first. It also turns every way a record can
fail (missing key, wrong type, a span that breaks a `Trace` invariant) into a
`FormatError`, so nothing else leaks out of a reader.

>>> text, steps = given_steps(["a = 1", "b = 2"], [1.0, None], "\\n")
>>> text, [(s.start, s.end, s.label) for s in steps]
('a = 1\\nb = 2', [(0, 5, 1.0), (6, 11, None)])
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from stepscore.errors import FormatError, TraceError, UnknownNameError
from stepscore.reasoning.trace import Step, Trace

__all__ = [
    "RecordFormat",
    "TraceFormat",
    "expect",
    "given_steps",
    "label_value",
    "meta_part",
    "require",
]

_F = TypeVar("_F", bound="RecordFormat")


@runtime_checkable
class TraceFormat(Protocol):
    """A record format: ``from_record`` builds a `Trace`, ``to_record`` writes one back."""

    @property
    def name(self) -> str: ...

    def from_record(self, record: Mapping[str, Any], **options: Any) -> Trace: ...

    def to_record(self, trace: Trace, **options: Any) -> dict[str, Any]: ...


@dataclass(frozen=True, kw_only=True)
class RecordFormat:
    """Base of the built-in formats; subclasses add options as fields and implement
    ``_read`` and ``_write``. Option values are checked in ``__post_init__``."""

    name: ClassVar[str] = ""

    def with_options(self: _F, **options: Any) -> _F:
        """A copy with ``options`` set; an unknown option raises `UnknownNameError`.

        >>> from stepscore.reasoning.formats.trl import FORMAT
        >>> FORMAT.with_options(separator=" ").separator
        ' '
        """
        known = [f.name for f in fields(self)]
        for key in options:
            if key not in known:
                raise UnknownNameError(f"{self.name} option", key, known)
        return replace(self, **options) if options else self

    def from_record(self, record: Mapping[str, Any], **options: Any) -> Trace:
        """Read one record; anything that does not fit the format raises `FormatError`."""
        fmt = self.with_options(**options)
        if not isinstance(record, Mapping):
            raise FormatError(f"a {self.name} record must be a JSON object, not {_kind(record)}")
        try:
            return fmt._read(record)
        except TraceError as exc:
            raise FormatError(f"{self.name} record breaks the trace model: {exc}") from exc

    def to_record(self, trace: Trace, **options: Any) -> dict[str, Any]:
        """Write one trace; a trace the format cannot express raises `FormatError`."""
        if not isinstance(trace, Trace):
            raise TypeError(f"to_record needs a Trace, not {type(trace).__name__}")
        return self.with_options(**options)._write(trace)

    def _read(self, record: Mapping[str, Any]) -> Trace:
        raise NotImplementedError

    def _write(self, trace: Trace) -> dict[str, Any]:
        raise NotImplementedError


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    names = {bool: "a boolean", str: "a string", int: "a number", float: "a number"}
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return names.get(type(value), type(value).__name__)


def expect(value: Any, kinds: type | tuple[type, ...], where: str) -> Any:
    """``value`` if it is one of ``kinds`` (a bool never passes as an int), else `FormatError`.

    >>> expect(3, int, "label")
    3
    >>> expect(True, int, "label")
    Traceback (most recent call last):
    ...
    stepscore.errors.FormatError: label must be int, not a boolean
    """
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    if isinstance(value, bool) and bool not in kinds:
        ok = False
    elif value is None:
        ok = type(None) in kinds
    else:
        ok = isinstance(value, kinds)
    if not ok:
        wanted = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise FormatError(f"{where} must be {wanted}, not {_kind(value)}")
    return value


def require(record: Mapping[str, Any], key: str, kinds: type | tuple[type, ...]) -> Any:
    """``record[key]`` checked by `expect`; a missing key raises `FormatError`.

    >>> require({"steps": []}, "problem", str)
    Traceback (most recent call last):
    ...
    stepscore.errors.FormatError: missing key 'problem'
    """
    if key not in record:
        raise FormatError(f"missing key {key!r}")
    return expect(record[key], kinds, repr(key))


def label_value(value: Any, where: str) -> float | None:
    """A record's label as a float in [0, 1] (bools and 0/1 ints accepted) or None.

    >>> label_value(True, "label 0"), label_value(0.25, "label 1"), label_value(None, "label 2")
    (1.0, 0.25, None)
    """
    if value is None:
        return None
    expect(value, (bool, int, float), where)
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise FormatError(f"{where} is {value!r}, outside [0, 1]")
    return float(value)


def given_steps(
    texts: Sequence[str], labels: Sequence[float | None], separator: str
) -> tuple[str, tuple[Step, ...]]:
    """Join ``texts`` with ``separator``; one step spans each text exactly.

    >>> given_steps(["x", "y"], [0.0, 1.0], " | ")[0]
    'x | y'
    """
    if len(texts) != len(labels):
        raise FormatError(f"{len(labels)} labels for {len(texts)} steps")
    for index, text in enumerate(texts):
        expect(text, str, f"step {index}")
    trace = Trace.from_steps(texts, labels=labels, separator=separator)
    return trace.text, trace.steps


def meta_part(trace: Trace, key: str) -> dict[str, Any]:
    """A deep copy of ``trace.meta[key]`` (the fields a format keeps to write a record
    back), ``{}`` when absent; anything but an object there raises `FormatError`.

    >>> meta_part(Trace(text="", meta={"trl": {"id": 7}}), "trl")
    {'id': 7}
    """
    part = trace.meta.get(key)
    if part is None:
        return {}
    expect(part, Mapping, f"trace.meta[{key!r}]")
    return copy.deepcopy(dict(part))
