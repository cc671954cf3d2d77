"""What a benchmark is: a spec (where each split's data lives, how a row becomes
samples) and a loaded `Benchmark` (the samples, and the version every result records).

Specs are plain data: the catalog reads them, the loaders in
`stepscore.benchmarks.builtin` fill them in, and a user can write one for their own
data and pass it to `load_benchmark`.

>>> spec = BenchmarkSpec(name="toy", description="a toy set",
...     splits={"test": SplitSource(local="toy/test.jsonl")}, convert=lambda row, i: ())
>>> spec.default_split, spec.source("test").local
('test', 'toy/test.jsonl')
>>> spec.source("tset")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown toy split 'tset'; did you mean 'test'? (known: test)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from stepscore.errors import UnknownNameError

if TYPE_CHECKING:
    from stepscore.benchmarks.samples import Sample

__all__ = ["Benchmark", "BenchmarkSpec", "Convert", "HubSource", "SplitSource"]

Convert = Callable[[Mapping[str, Any], int], "tuple[Sample, ...]"]
"""A row adapter: ``convert(row, position)`` -> the samples of one dataset row.

``position`` is the row's 0-based place in its file (or hub split), for datasets whose
rows carry no id. A row that does not fit raises `stepscore.errors.FormatError`.
"""


@dataclass(frozen=True, kw_only=True)
class HubSource:
    """A split on the Hugging Face Hub, as ``datasets.load_dataset(id, config,
    split=split, revision=revision)`` reads it; ``split`` may join splits
    (``"prompt+test"``)."""

    id: str
    split: str
    config: str | None = None
    revision: str | None = None


@dataclass(frozen=True, kw_only=True)
class SplitSource:
    """Where one split's rows come from.

    ``local`` is the file's path under the data folder (``/``-separated); it is also
    looked for by its base name in a folder passed as ``path=``. ``hub`` is the public
    copy, None for data that exists only as a file. ``keep`` selects this split's
    samples from a file that holds several splits (MBPP's one file holds all four).
    """

    local: str
    hub: HubSource | None = None
    keep: Callable[[Any], bool] | None = None


@dataclass(frozen=True, kw_only=True)
class BenchmarkSpec:
    """A benchmark's name, splits (the first is the default) and row adapter.

    ``loader_version`` is bumped whenever ``convert`` changes what samples a row gives
    (a different gold-answer rule, say), so results made before and after the change
    carry different versions even on identical data.
    """

    name: str
    description: str
    splits: Mapping[str, SplitSource]
    convert: Convert
    loader_version: int = 1

    def __post_init__(self) -> None:
        if not self.splits:
            raise ValueError(f"benchmark {self.name!r} needs at least one split")
        object.__setattr__(self, "splits", MappingProxyType(dict(self.splits)))

    @property
    def default_split(self) -> str:
        return next(iter(self.splits))

    def source(self, split: str) -> SplitSource:
        """The source of ``split``; an unknown split raises `UnknownNameError`."""
        if split not in self.splits:
            raise UnknownNameError(f"{self.name} split", split, self.splits)
        return self.splits[split]


@dataclass(frozen=True)
class Benchmark:
    """A loaded benchmark split: its samples and where they came from.

    ``version`` identifies the exact data and conversion, and belongs in every result:
    ``"v{loader_version}+sha256:{first 16 hex digits}"`` of the local file's bytes (the
    same digest the data folder's ``SOURCE.txt`` files list), or
    ``"v{loader_version}+hf:{id}[/{config}]@{commit}"`` for the Hub, with the commit
    `datasets` resolved. ``source`` is ``"local:{path}"`` or ``"hub:{id}"``.

    ``errors`` holds one message per row that could not be read (``"{file} line 7:
    invalid JSON: ..."``); those rows are reported here, and logged, never silently
    dropped. ``limit`` is the cap the samples were loaded under (None: all of them).
    """

    name: str
    split: str
    version: str
    source: str
    samples: tuple[Sample, ...]
    errors: tuple[str, ...] = ()
    limit: int | None = None

    def __len__(self) -> int:
        return len(self.samples)

    def __iter__(self) -> Iterator[Sample]:
        return iter(self.samples)

    @property
    def ok(self) -> bool:
        """True when every row read became samples."""
        return not self.errors

    def describe(self) -> dict[str, Any]:
        """The fields a result records about its benchmark (JSON-compatible)."""
        return {
            "benchmark": self.name,
            "split": self.split,
            "version": self.version,
            "source": self.source,
            "samples": len(self.samples),
            "errors": len(self.errors),
            "limit": self.limit,
        }
