"""The one exception tree of stepscore.

Bad model output is data (a status on a result), never an exception. These
exceptions mean the caller asked for something that cannot be done::

    StepscoreError(Exception)
    ├── UnknownNameError(StepscoreError, ValueError)   an unknown format / strategy / ... name
    ├── TraceError(StepscoreError, ValueError)          a Step or Trace that breaks its invariants
    ├── FormatError(StepscoreError, ValueError)         a record that does not fit its format
    ├── DataUnavailableError(StepscoreError, OSError)   benchmark data neither local nor reachable
    ├── IsolationUnavailableError(StepscoreError, OSError)  a sandbox cannot isolate as demanded
    └── MissingExtraError(StepscoreError, ImportError)  an optional dependency is not installed

Every class also derives from the builtin a caller would expect, so
``except ValueError`` keeps working.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "DataUnavailableError",
    "FormatError",
    "IsolationUnavailableError",
    "MissingExtraError",
    "StepscoreError",
    "TraceError",
    "UnknownNameError",
]


class StepscoreError(Exception):
    """Base of every exception stepscore raises on purpose."""


class UnknownNameError(StepscoreError, ValueError):
    """A name (format, strategy, kind, ...) that is not one of the known ones.

    The message lists the known names and suggests the closest ones:

    >>> str(UnknownNameError("format", "procesbench", ["processbench", "prm800k"]))
    "unknown format 'procesbench'; did you mean 'processbench'? (known: processbench, prm800k)"
    """

    def __init__(self, what: str, name: str, known: Iterable[str]) -> None:
        self.what = what
        self.name = name
        self.known = tuple(known)
        close = difflib.get_close_matches(str(name), self.known, n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown {what} {name!r}{hint} (known: {', '.join(self.known)})")


class TraceError(StepscoreError, ValueError):
    """A `Step` or `Trace` whose fields contradict each other (e.g. a span off the text)."""


class FormatError(StepscoreError, ValueError):
    """A record that cannot be read as (or a trace that cannot be written to) a format.

    ``line`` is the 1-based line of the input file when known.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class DataUnavailableError(StepscoreError, OSError):
    """A benchmark split's data is neither in a local file nor reachable on the Hub;
    the message names the offline options (``path=``, ``STEPSCORE_DATA``)."""


class IsolationUnavailableError(StepscoreError, OSError):
    """The machine cannot give the isolation a caller demanded (the message says why)."""


class MissingExtraError(StepscoreError, ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{module!r} is not installed; install it with: pip install 'stepscore[{extra}]'"
        )
