"""Plain-text tables for the terminal (the CLI's readable output).

>>> print(render_table([{"id": "a", "steps": 3}, {"id": "bb", "steps": 12}]))
id  steps
--  -----
a       3
bb     12
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["render_table"]


def render_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, *, max_width: int = 40
) -> str:
    """Rows as aligned columns; numbers right-aligned, long cells cut with an ellipsis."""
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    cells = [[_cell(row.get(col), max_width) for col in columns] for row in rows]
    numeric = [all(isinstance(row.get(col), (int, float)) for row in rows) for col in columns]
    widths = [max(len(col), *(len(line[i]) for line in cells)) for i, col in enumerate(columns)]

    def fmt(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [fmt(columns), fmt(["-" * w for w in widths])]
    lines += [fmt(line) for line in cells]
    return "\n".join(lines)


def _cell(value: Any, max_width: int) -> str:
    if value is None:
        return "-"
    # one line per row
    text = f"{value:.3g}" if isinstance(value, float) else " ".join(str(value).split())
    return text if len(text) <= max_width else text[: max_width - 1] + "…"
