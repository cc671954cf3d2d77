"""Import the training stack on demand, with an error that names the extra to install.

``import stepscore`` stays free of torch; modules that need it call `train_stack()` at
the point of use.
"""

from __future__ import annotations

from types import ModuleType

from stepscore.errors import MissingExtraError

__all__ = ["train_stack"]


def train_stack() -> tuple[ModuleType, ModuleType]:
    """``(torch, transformers)``, or `MissingExtraError` naming ``stepscore[train]``."""
    try:
        import torch
    except ImportError as exc:
        raise MissingExtraError("torch", "train") from exc
    try:
        import transformers
    except ImportError as exc:
        raise MissingExtraError("transformers", "train") from exc
    return torch, transformers
