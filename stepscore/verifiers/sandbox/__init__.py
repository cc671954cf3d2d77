"""Sandboxes that run untrusted programs: one `Sandbox` protocol, several backends.

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
from stepscore.verifiers.sandbox.local import LocalSandbox

__all__ = [
    "ExecResult",
    "Isolation",
    "IsolationUnavailableError",
    "Job",
    "Limits",
    "LocalSandbox",
    "Sandbox",
    "Status",
]
