"""The Hugging Face Hub edge: rows of a public dataset split through `datasets`.

`datasets` is an optional dependency (``pip install 'stepscore[train]'``), imported
only here and only when a benchmark is not found locally.

Without a network, `datasets` retries for about half a minute before it gives up.
So unless the Hub is known to be unreachable (``HF_HUB_OFFLINE=1`` or
``HF_DATASETS_OFFLINE=1``, where `datasets` answers at once, from its cache or with an
error), one TCP connection to the Hub host is tried first, under a few seconds'
deadline, and a failure raises `ConnectionError` at once. The probe is skipped when a
proxy is configured, since the direct connection it tries says nothing then.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from stepscore.benchmarks.benchmark import HubSource
from stepscore.errors import MissingExtraError

__all__ = ["DEFAULT_ENDPOINT", "PROBE_TIMEOUT", "HubRows", "fetch_rows", "hub_endpoint"]

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT = 5.0  # seconds for the reachability probe (DNS and TCP connect)
_OFFLINE_VARS = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")
_PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


@dataclass(frozen=True)
class HubRows:
    """The rows of a hub split, and the commit of the dataset repository they are from."""

    rows: Iterable[Mapping[str, Any]]
    commit: str


def hub_endpoint() -> str:
    """The Hub address `huggingface_hub` uses (``HF_ENDPOINT``, else huggingface.co)."""
    return os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT


def fetch_rows(source: HubSource, revision: str | None = None) -> HubRows:
    """Download (or read from the `datasets` cache) the split ``source`` names.

    Raises `MissingExtraError` without `datasets`, and `ConnectionError` when the Hub
    cannot be reached: at once if the probe fails, else as `datasets` reports it.
    """
    datasets = _import_datasets()
    if not _offline_mode() and not _proxy_configured():
        endpoint = hub_endpoint()
        if not _reachable(endpoint, PROBE_TIMEOUT):
            raise ConnectionError(f"cannot connect to {endpoint} within {PROBE_TIMEOUT:g} s")
    revision = revision or source.revision
    log.info("loading %s (%s, split %s) from the Hub", source.id, source.config, source.split)
    builder = datasets.load_dataset_builder(source.id, source.config, revision=revision)
    builder.download_and_prepare()
    dataset = builder.as_dataset(split=source.split)
    commit = getattr(builder, "hash", None)
    return HubRows(dataset, commit if isinstance(commit, str) and commit else revision or "unknown")


def _import_datasets() -> Any:
    try:
        import datasets
    except ImportError as exc:
        raise MissingExtraError("datasets", "train") from exc
    return datasets


def _offline_mode() -> bool:
    return any(
        os.environ.get(name, "").upper() in {"1", "ON", "YES", "TRUE"} for name in _OFFLINE_VARS
    )


def _proxy_configured() -> bool:
    return any(os.environ.get(name) for name in _PROXY_VARS)


def _reachable(endpoint: str, timeout: float) -> bool:
    """Whether a TCP connection to ``endpoint``'s host opens within ``timeout`` seconds.

    The attempt runs in a daemon thread because name resolution ignores socket
    timeouts; a lookup that hangs is abandoned, not waited for.
    """
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    port = parts.port or (80 if parts.scheme == "http" else 443)
    outcome: list[bool] = []

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(True)
        except OSError as exc:
            log.debug("hub probe of %s:%s failed: %s", host, port, exc)
            outcome.append(False)

    thread = threading.Thread(target=attempt, name="stepscore-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(outcome and outcome[0])
