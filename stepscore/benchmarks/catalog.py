"""The benchmark catalog: ``name -> "module:attr"`` of each spec, imported only on use.

`load_benchmark` finds a split's data in this order, and says which it used in
``Benchmark.source``:

1. ``path=``: a file (read as the split), or a folder holding the split's file under
   its data-folder path (``gsm8k/test.jsonl``) or its base name (``test.jsonl``).
   A ``path`` that holds neither raises; it never falls through to the Hub.
2. The data folder, ``$STEPSCORE_DATA`` or ``../shared/data``
   (`stepscore.data_path.shared_data_dir`).
3. The Hugging Face Hub, through `datasets` (``pip install 'stepscore[train]'``),
   by the split's public id. Without a network this fails within seconds with
   `DataUnavailableError`, whose message names the offline options.

Rows are JSON Lines (``.jsonl``, optionally gzipped) or a JSON array (``.json``).
A row that cannot be read never vanishes: it becomes a message in
``Benchmark.errors`` (with its line number) and a logged warning, and the other rows
are loaded. ``limit`` keeps the first N samples and stops reading there.

>>> sorted(available_benchmarks())[:3]
['gsm8k', 'gsm8k-solutions', 'humaneval']
>>> available_benchmarks()["processbench"]
('gsm8k', 'math', 'olympiadbench', 'omnimath')
>>> load_benchmark("gsm8kk")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
stepscore.errors.UnknownNameError: unknown benchmark 'gsm8kk'; did you mean 'gsm8k'? ...
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from stepscore.benchmarks import hub
from stepscore.benchmarks.benchmark import Benchmark, BenchmarkSpec, SplitSource
from stepscore.data_path import DATA_ENV, shared_data_dir
from stepscore.errors import (
    DataUnavailableError,
    FormatError,
    MissingExtraError,
    UnknownNameError,
)
from stepscore.jsonl import iter_json_lines, read_json_records

__all__ = [
    "BENCHMARKS",
    "DataUnavailableError",
    "available_benchmarks",
    "get_benchmark_spec",
    "load_benchmark",
]

log = logging.getLogger(__name__)

_BUILTIN = "stepscore.benchmarks.builtin"
BENCHMARKS: dict[str, str] = {
    "gsm8k": f"{_BUILTIN}:GSM8K",
    "gsm8k-solutions": f"{_BUILTIN}:GSM8K_SOLUTIONS",
    "humaneval": f"{_BUILTIN}:HUMANEVAL",
    "math": f"{_BUILTIN}:MATH",
    "math-bon": f"{_BUILTIN}:MATH_BON",
    "math500": f"{_BUILTIN}:MATH500",
    "mbpp": f"{_BUILTIN}:MBPP",
    "prmbench": f"{_BUILTIN}:PRMBENCH",
    "processbench": f"{_BUILTIN}:PROCESSBENCH",
}

# Where a row came from: (1-based line or row number, the row or None, an error or None).
_Entry = tuple[int, Any, "str | None"]


def available_benchmarks() -> dict[str, tuple[str, ...]]:
    """Each catalogued benchmark's splits, the default first (imports the specs)."""
    return {name: tuple(get_benchmark_spec(name).splits) for name in sorted(BENCHMARKS)}


def get_benchmark_spec(name: str) -> BenchmarkSpec:
    """The spec called ``name`` (case and ``_``/``-`` do not matter).

    >>> get_benchmark_spec("GSM8K").source("test").hub.id
    'openai/gsm8k'
    """
    if not isinstance(name, str):
        raise TypeError(f"a benchmark name is a string, not {type(name).__name__}")
    key = name.strip().lower().replace("_", "-")
    if key not in BENCHMARKS:
        raise UnknownNameError("benchmark", name, sorted(BENCHMARKS))
    module, _, attr = BENCHMARKS[key].partition(":")
    spec: BenchmarkSpec = getattr(importlib.import_module(module), attr)
    return spec


def load_benchmark(
    name: str | BenchmarkSpec,
    split: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    limit: int | None = None,
) -> Benchmark:
    """Load one split of a benchmark as typed samples (see the module docstring).

    ``name`` is a catalogued name or a `BenchmarkSpec` of your own; ``split`` defaults
    to the benchmark's first split. Unknown names and splits raise `UnknownNameError`
    with the closest known ones.

    >>> import json, os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "test.jsonl"), "w") as f:
    ...     _ = f.write(json.dumps({"question": "1 + 1?", "answer": "#### 2"}) + "\\n")
    >>> bench = load_benchmark("gsm8k", path=folder)
    >>> bench.samples[0].answer, bench.version
    ('2', 'v1+sha256:083f27f1580f4c31')
    """
    spec = name if isinstance(name, BenchmarkSpec) else get_benchmark_spec(name)
    split = spec.default_split if split is None else split
    source = spec.source(split)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ValueError(f"limit must be None or a non-negative integer, not {limit!r}")
    file = _local_file(spec, split, source, path)
    if file is not None:
        return _load_local(spec, split, source, file, limit)
    return _load_hub(spec, split, source, limit)


# --- local files ---------------------------------------------------------------------


def _local_file(
    spec: BenchmarkSpec, split: str, source: SplitSource, path: str | os.PathLike[str] | None
) -> Path | None:
    """The file to read for ``split``, or None to go to the Hub."""
    if path is None:
        folder = shared_data_dir()
        candidate = None if folder is None else folder / source.local
        return candidate if candidate is not None and candidate.is_file() else None
    given = Path(path)
    if given.is_file():
        return given
    tried = [given / source.local, given / PurePosixPath(source.local).name]
    for candidate in tried:
        if given.is_dir() and candidate.is_file():
            return candidate
    raise DataUnavailableError(
        f"path {str(given)!r} is not a file, and no {spec.name} split {split!r} file is in it "
        f"(looked for {', '.join(str(t) for t in tried)})"
    )


def _load_local(
    spec: BenchmarkSpec, split: str, source: SplitSource, file: Path, limit: int | None
) -> Benchmark:
    samples, errors = _collect(spec, source, _file_entries(file), f"{file.name} line", limit)
    _warn(spec, split, errors)
    return Benchmark(
        name=spec.name,
        split=split,
        version=f"v{spec.loader_version}+sha256:{_digest(file)}",
        source=f"local:{file.resolve()}",
        samples=tuple(samples),
        errors=tuple(errors),
        limit=limit,
    )


def _file_entries(file: Path) -> Iterator[_Entry]:
    if file.name.endswith(".gz"):
        with gzip.open(file, "rt", encoding="utf-8", errors="replace") as stream:
            records = list(iter_json_lines(stream))
    else:
        records = read_json_records(file)
    for record in records:
        yield record.line, record.value, record.error


def _digest(file: Path) -> str:
    """The first 16 hex digits of the file's SHA-256, as the data's SOURCE.txt lists them."""
    digest = hashlib.sha256()
    with open(file, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


# --- rows to samples -----------------------------------------------------------------


def _collect(
    spec: BenchmarkSpec,
    source: SplitSource,
    entries: Iterable[_Entry],
    where: str,
    limit: int | None,
) -> tuple[list[Any], list[str]]:
    """Convert rows until ``limit`` samples are kept; one message per row that fails."""
    samples: list[Any] = []
    errors: list[str] = []
    for number, row, error in entries:
        if limit is not None and len(samples) >= limit:
            break
        if error is None and not isinstance(row, Mapping):
            error = f"a row must be a JSON object, not {type(row).__name__}"
        if error is None:
            try:
                converted = spec.convert(row, number - 1)
            except FormatError as exc:
                error = str(exc)
        if error is not None:
            errors.append(f"{where} {number}: {error}")
            continue
        keep = source.keep
        samples.extend(s for s in converted if keep is None or keep(s))
    return samples[:limit], errors


def _warn(spec: BenchmarkSpec, split: str, errors: list[str]) -> None:
    if errors:
        log.warning(
            "%s split %s: %d rows could not be read (first: %s); see Benchmark.errors",
            spec.name,
            split,
            len(errors),
            errors[0],
        )


# --- the Hub -------------------------------------------------------------------------


def _load_hub(spec: BenchmarkSpec, split: str, source: SplitSource, limit: int | None) -> Benchmark:
    if source.hub is None:
        raise DataUnavailableError(
            f"{spec.name} split {split!r} has no public dataset id; it is read from "
            f"{source.local} in the data folder ({_folder_text()}): pass path=<file or "
            f"folder> or set {DATA_ENV}"
        )
    try:
        fetched = hub.fetch_rows(source.hub)
        entries = ((n, row, None) for n, row in enumerate(fetched.rows, start=1))
        where = f"{source.hub.id} split {source.hub.split} row"
        samples, errors = _collect(spec, source, entries, where, limit)
    except MissingExtraError as exc:
        reason = "the datasets package is not installed"
        raise exc from DataUnavailableError(_offline_message(spec, split, source, reason))
    except (ConnectionError, TimeoutError) as exc:
        raise DataUnavailableError(_offline_message(spec, split, source, str(exc))) from exc
    _warn(spec, split, errors)
    config = f"/{source.hub.config}" if source.hub.config else ""
    return Benchmark(
        name=spec.name,
        split=split,
        version=f"v{spec.loader_version}+hf:{source.hub.id}{config}@{fetched.commit}",
        source=f"hub:{source.hub.id}",
        samples=tuple(samples),
        errors=tuple(errors),
        limit=limit,
    )


def _offline_message(spec: BenchmarkSpec, split: str, source: SplitSource, reason: str) -> str:
    assert source.hub is not None
    message = (
        f"cannot load {spec.name} split {split!r}: {source.local} is not in the local data "
        f"folder ({_folder_text()}) and the Hub copy {source.hub.id!r} could not be loaded "
        f"({reason}). To work offline, pass path=<file or folder> or set {DATA_ENV} to a "
        f"folder holding {source.local}; to use a copy in the datasets cache, set "
        "HF_HUB_OFFLINE=1"
    )
    folder = shared_data_dir()
    local = [s for s, src in spec.splits.items() if folder and (folder / src.local).is_file()]
    return message + (f". Splits of {spec.name} found locally: {', '.join(local)}" if local else "")


def _folder_text() -> str:
    folder = shared_data_dir()
    return str(folder) if folder is not None else f"none found; set {DATA_ENV}"
