"""Where the offline benchmark and trace data lives.

One setting: the ``STEPSCORE_DATA`` environment variable; without it, ``../shared/data``
beside the current project checkout. Code that needs the data asks `shared_data_dir`
and tells the user how to point at it when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DATA_ENV", "shared_data_dir"]

DATA_ENV = "STEPSCORE_DATA"


def shared_data_dir() -> Path | None:
    """The data folder if it exists, else None."""
    configured = os.environ.get(DATA_ENV)
    candidates = (
        [Path(configured)]
        if configured
        else [
            Path.cwd() / ".." / "shared" / "data",
            Path(__file__).resolve().parents[2] / "shared" / "data",
        ]
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return None
