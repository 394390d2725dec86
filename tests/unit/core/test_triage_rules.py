from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from redline.core.register.risk import RiskLevel
from redline.core.register.triage import FindingLink, LinkKind, PostMortem, SlaPolicy


def test_default_slas_follow_the_documented_days() -> None:
    sla = SlaPolicy()
    opened = date(2026, 11, 27)
    assert sla.due_for(RiskLevel.CRITICAL, opened=opened) == date(2026, 12, 4)
    assert [sla.days_for(level) for level in RiskLevel] == [180, 90, 30, 7]


def test_sla_is_configurable_and_positive() -> None:
    assert SlaPolicy(critical=2).due_for(RiskLevel.CRITICAL, opened=date(2026, 1, 1)) == date(2026, 1, 3)
    with pytest.raises(ValidationError):
        SlaPolicy(high=0)


def test_links_and_postmortems_need_content() -> None:
    assert FindingLink(kind=LinkKind.COMPONENT, ref="output-filter").kind is LinkKind.COMPONENT
    with pytest.raises(ValidationError):
        FindingLink(kind=LinkKind.COMPONENT, ref="")
    with pytest.raises(ValidationError):
        PostMortem(what_happened="x", why_missed="")
