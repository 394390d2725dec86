"""Redline: run an ethical red-teaming program on AI models.

The public API is re-exported here lazily, so importing `redline` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_catalog": "redline.catalog.loader",
    "load_settings": "redline.config.settings",
    "Settings": "redline.config.settings",
    "RedlineError": "redline.core.errors",
    "risk_of": "redline.core.register.risk",
    "Evidence": "redline.core.analysis.evidence",
    "init_workspace": "redline.program.workspace",
    "run_round": "redline.engine.round",
    "RoundSpec": "redline.engine.spec",
    "RoundResult": "redline.engine.result",
}

__all__ = [
    "Evidence",
    "RedlineError",
    "RoundResult",
    "RoundSpec",
    "Settings",
    "__version__",
    "init_workspace",
    "load_catalog",
    "load_settings",
    "risk_of",
    "run_round",
]

if TYPE_CHECKING:
    from redline.catalog.loader import load_catalog
    from redline.config.settings import Settings, load_settings
    from redline.core.analysis.evidence import Evidence
    from redline.core.errors import RedlineError
    from redline.core.register.risk import risk_of
    from redline.engine.result import RoundResult
    from redline.engine.round import run_round
    from redline.engine.spec import RoundSpec
    from redline.program.workspace import init_workspace


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'redline' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
