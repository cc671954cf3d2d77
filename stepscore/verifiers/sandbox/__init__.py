"""Sandboxes that run untrusted programs: one `Sandbox` protocol, three backends:
`LocalSandbox` (a fresh process per job in its own namespaces), `ForkServerSandbox` (a
warm server forks each job), `DockerSandbox` (warm containers running the fork server).

>>> from stepscore.verifiers.sandbox import LocalSandbox
>>> LocalSandbox().run("print('hi')", timeout_s=5, memory_mb=256).status
'ok'
"""

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
]
