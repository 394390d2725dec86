"""Simulated applications with planted vulnerabilities, for measuring how much a scan finds.

Each app is OpenAI-compatible (``server.py``), standard library only, deterministic and loopback only,
and logs every exchange with the planted vulnerability its own code path fired (``oracle.py`` reads it).
"""

from __future__ import annotations

from .common import App

APP_NAMES = (
    "banking",
    "pharmacy",
    "recruiting",
    "telecom",
    "assistant",
    "travel",
    "helpdesk_agent",
    "payables_agent",
    "lettings_agent",
    "clinic_agent",
    "claims_agent",
    "orders_agent",
    "energy_agent",
    "peopleops_agent",
    "council_agent",
    "campus_agent",
    "airline_agent",
    "carhire_agent",
    "courier_agent",
    "fitness_agent",
    "hotel_agent",
    "cards_agent",
    "broadband_agent",
    "pension_agent",
    "events_agent",
    "mobile_agent",
    "vet_agent",
)


def load(name: str) -> App:
    """The application called NAME (one of APP_NAMES)."""
    if name == "banking":
        from .banking import APP
    elif name == "pharmacy":
        from .pharmacy import APP
    elif name == "recruiting":
        from .recruiting import APP
    elif name == "telecom":
        from .telecom import APP
    elif name == "assistant":
        from .assistant import APP
    elif name == "travel":
        from .travel import APP
    elif name == "helpdesk_agent":
        from .helpdesk_agent import APP
    elif name == "payables_agent":
        from .payables_agent import APP
    elif name == "lettings_agent":
        from .lettings_agent import APP
    elif name == "clinic_agent":
        from .clinic_agent import APP
    elif name == "claims_agent":
        from .claims_agent import APP
    elif name == "orders_agent":
        from .orders_agent import APP
    elif name == "energy_agent":
        from .energy_agent import APP
    elif name == "peopleops_agent":
        from .peopleops_agent import APP
    elif name == "council_agent":
        from .council_agent import APP
    elif name == "campus_agent":
        from .campus_agent import APP
    elif name == "airline_agent":
        from .airline_agent import APP
    elif name == "carhire_agent":
        from .carhire_agent import APP
    elif name == "courier_agent":
        from .courier_agent import APP
    elif name == "fitness_agent":
        from .fitness_agent import APP
    elif name == "hotel_agent":
        from .hotel_agent import APP
    elif name == "cards_agent":
        from .cards_agent import APP
    elif name == "broadband_agent":
        from .broadband_agent import APP
    elif name == "pension_agent":
        from .pension_agent import APP
    elif name == "events_agent":
        from .events_agent import APP
    elif name == "mobile_agent":
        from .mobile_agent import APP
    elif name == "vet_agent":
        from .vet_agent import APP
    else:
        raise SystemExit(f"unknown app {name!r}: choose one of {', '.join(APP_NAMES)}")
    return APP


__all__ = ["APP_NAMES", "App", "load"]
