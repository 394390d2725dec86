"""Test helper: people consent to the onboarding material in force, as a tester would after reading it."""

from __future__ import annotations

from redline.config.settings import Settings
from redline.program.people import onboarding
from redline.store.session import Store


def onboard(store: Store, settings: Settings, *names: str) -> None:
    """Record each person's consent to the material they are shown."""
    for name in names:
        shown = onboarding.packet(store, settings, user=name)
        onboarding.consent(store, settings, user=name, agree=True, material=shown.material)
