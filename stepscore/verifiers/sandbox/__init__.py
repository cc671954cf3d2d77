"""Sandboxes that run untrusted programs: one `Sandbox` protocol, three backends:
`LocalSandbox` (a fresh process per job in its own namespaces), `ForkServerSandbox` (a
warm server forks each job), `DockerSandbox` (warm containers running the fork server).

>>> from stepscore.verifiers.sandbox import LocalSandbox
>>> LocalSandbox().run("print('hi')", timeout_s=5, memory_mb=256).status
'ok'

`warm_sandbox` picks the fastest of the first two that this machine allows.
"""

from collections.abc import Iterable

from stepscore.verifiers.sandbox.base import (
    ExecResult,
    Isolation,
    IsolationUnavailableError,
    Job,
    Limits,
    Sandbox,
    Status,
)
from stepscore.verifiers.sandbox.docker import DockerSandbox
from stepscore.verifiers.sandbox.forkserver import ForkServerSandbox
from stepscore.verifiers.sandbox.local import LocalSandbox

__all__ = [
    "DockerSandbox",
    "ExecResult",
    "ForkServerSandbox",
    "Isolation",
    "IsolationUnavailableError",
    "Job",
    "Limits",
    "LocalSandbox",
    "Sandbox",
    "Status",
    "warm_sandbox",
]


def warm_sandbox(expose: Iterable[str] = ()) -> Sandbox:
    """The warm fork server where this machine allows it (Linux, as root or in a user
    namespace), else a `LocalSandbox` (a fresh process per job, with what isolation it can get)."""
    try:
        return ForkServerSandbox(expose=expose)
    except IsolationUnavailableError:
        return LocalSandbox(expose=expose)
