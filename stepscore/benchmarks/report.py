"""Benchmark reports: per-sample JSONL, a JSON summary, a Markdown table, PNG plots.

A run writes ``samples.jsonl`` (one record per sample), ``summary.json`` (the
`BenchResult`: metrics, benchmark version, stepscore version, config, seed, wall time)
and from the summary ``report.md`` and ``*.png``. `rebuild` redraws the table and
the plots from a folder, so ``stepscore report DIR`` needs nothing but the files.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stepscore.jsonl import write_jsonl

__all__ = ["BenchResult", "rebuild", "render_markdown", "write_report"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BenchResult:
    """What a benchmark run measured, and everything needed to reproduce it.

    ``metrics`` holds the headline figures (fractions in [0, 1] unless the name says
    otherwise); ``anchors`` published figures to show beside ours, per system name;
    ``curves`` named series over N (e.g. best-of-N accuracy) as ``{name: {N: value}}``;
    ``calibration`` a scalar scorer's reliability bins: (mean score, fraction of those
    steps labelled correct, number of steps).
    """

    benchmark: str
    split: str | None
    version: str
    stepscore_version: str
    n: int
    metrics: Mapping[str, float | int | None]
    config: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    wall_s: float = 0.0
    anchors: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    curves: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    calibration: tuple[tuple[float, float, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["curves"] = {k: {str(n): v for n, v in c.items()} for k, c in self.curves.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BenchResult:
        curves = {k: {int(n): v for n, v in c.items()} for k, c in data.get("curves", {}).items()}
        calibration = tuple(tuple(b) for b in data.get("calibration", ()))
        return cls(**{**data, "curves": curves, "calibration": calibration})


def write_report(
    out: Path, result: BenchResult, samples: Iterable[Mapping[str, Any]]
) -> list[Path]:
    """Write the run's files to ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    write_jsonl(samples, out / "samples.jsonl")
    summary = out / "summary.json"
    summary.write_text(
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [out / "samples.jsonl", summary, *rebuild(out)]


def rebuild(out: Path) -> list[Path]:
    """(Re)write ``report.md`` and the plots from ``summary.json`` in ``out``."""
    result = BenchResult.from_dict(json.loads((out / "summary.json").read_text(encoding="utf-8")))
    markdown = out / "report.md"
    markdown.write_text(render_markdown(result), encoding="utf-8")
    return [markdown, *_plots(out, result)]


def render_markdown(result: BenchResult) -> str:
    """A Markdown table of our metrics, with published anchors as further rows."""
    split = f" / {result.split}" if result.split else ""
    lines = [
        f"# {result.benchmark}{split}",
        "",
        f"{result.n} samples; benchmark version `{result.version}`; "
        f"stepscore {result.stepscore_version}; {result.wall_s:.1f} s",
        "",
    ]
    names = list(result.metrics)
    lines += ["| system | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    label = str(result.config.get("scorer") or result.config.get("system") or "stepscore")
    lines.append(f"| {label} | " + " | ".join(_fmt(result.metrics[m]) for m in names) + " |")
    for system, figures in result.anchors.items():
        lines.append(
            f"| {system} (published) | " + " | ".join(_fmt(figures.get(m)) for m in names) + " |"
        )
    for name, curve in result.curves.items():
        lines += [
            "",
            f"**{name}**: " + ", ".join(f"N={n}: {_fmt(v)}" for n, v in sorted(curve.items())),
        ]
    return "\n".join(lines) + "\n"


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _plots(out: Path, result: BenchResult) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("matplotlib is not installed (pip install 'stepscore[plots]'); no plots")
        return []
    paths = [_bar_plot(plt, out, result)]
    if result.curves:
        paths.append(_curve_plot(plt, out, result))
    if result.calibration:
        paths.append(_calibration_plot(plt, out, result))
    return paths


def _bar_plot(plt: Any, out: Path, result: BenchResult) -> Path:
    """Our rate metrics (fractions, not counts) as bars; each published anchor beside
    ours where it reports the same metric."""
    names = [m for m, v in result.metrics.items() if _is_rate(v)]
    ours = str(result.config.get("scorer") or result.config.get("system") or "stepscore")
    systems = {ours: result.metrics, **result.anchors}
    fig, ax = plt.subplots(figsize=(max(6.0, 2.2 * len(names) + 2), 4.2))
    width = 0.8 / max(1, len(systems))
    for k, (system, figures) in enumerate(systems.items()):
        drawn = [(i, float(figures[m])) for i, m in enumerate(names) if _is_rate(figures.get(m))]
        if not drawn:
            continue
        bars = ax.bar([i + k * width for i, _ in drawn], [v for _, v in drawn], width, label=system)
        ax.bar_label(
            bars, labels=[f"{v:.3f}" for _, v in drawn], fontsize=7, rotation=90, padding=2
        )
    ax.set_xticks([i + width * (len(systems) - 1) / 2 for i in range(len(names))], names)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("fraction")
    ax.set_title(
        f"{result.benchmark}" + (f" / {result.split}" if result.split else "") + f" (n={result.n})"
    )
    ax.legend(fontsize=7, loc="upper left")
    return _save(plt, fig, out / "metrics.png")


def _save(plt: Any, fig: Any, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _is_rate(value: object) -> bool:
    return isinstance(value, float) and 0.0 <= value <= 1.0


def _calibration_plot(plt: Any, out: Path, result: BenchResult) -> Path:
    """Reliability diagram: mean step score per bin against how often such steps are right."""
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    scores = [b[0] for b in result.calibration]
    ax.plot(scores, [b[1] for b in result.calibration], marker="o", label="steps")
    for score, frac, count in result.calibration:
        ax.annotate(
            str(count), (score, frac), textcoords="offset points", xytext=(4, -10), fontsize=7
        )
    ax.set_xlabel("step score (bin mean)")
    ax.set_ylabel("fraction of steps labelled correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"{result.benchmark}: calibration")
    ax.legend(fontsize=8, loc="upper left")
    return _save(plt, fig, out / "calibration.png")


def _curve_plot(plt: Any, out: Path, result: BenchResult) -> Path:
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, curve in result.curves.items():
        ns = sorted(curve)
        ax.plot(ns, [curve[n] for n in ns], marker="o", label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("N (samples per problem)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"{result.benchmark}: selection over N")
    ax.legend(fontsize=8)
    return _save(plt, fig, out / "curves.png")
