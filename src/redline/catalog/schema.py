"""Catalog record types (defined in core so lower layers can use them) and the JSON Schema export."""

from __future__ import annotations

from typing import Any

from redline.core.catalog.threats import (
    AutomatedStep,
    ManualStep,
    Playbook,
    StandardRef,
    Threat,
    ThreatStatus,
)

__all__ = [
    "AutomatedStep",
    "ManualStep",
    "Playbook",
    "StandardRef",
    "Threat",
    "ThreatStatus",
    "threat_json_schema",
]


def threat_json_schema() -> dict[str, Any]:
    """JSON Schema of a threat file, for editors."""
    return Threat.model_json_schema()
