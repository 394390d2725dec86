"""Onboarding consents on SQLite and PostgreSQL: versions per section, the latest per person, withdrawal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from redline.core.errors import UsageError
from redline.store import audit
from redline.store.repos import onboarding as onboarding_repo
from redline.store.repos.onboarding import SectionVersion
from redline.store.session import Store

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
V1 = (SectionVersion(id="code-of-conduct", version="1.0", digest="a" * 64),)
V2 = (
    SectionVersion(id="code-of-conduct", version="2.0", digest="b" * 64),
    SectionVersion(id="warning.privacy", version="1.0", digest="c" * 64),
)


def test_consents_keep_their_versions_and_the_latest_counts(store: Store) -> None:
    with store.session() as s:
        assert onboarding_repo.latest(s, "tess") is None
        onboarding_repo.record_consent(s, user="tess", sections=V1, at=NOW)
        onboarding_repo.record_consent(s, user="lena", sections=V1, at=NOW)
    with store.session() as s:
        onboarding_repo.record_consent(s, user="tess", sections=V2, at=NOW + timedelta(days=1))
    with store.session() as s:
        latest = onboarding_repo.latest(s, "tess")
        assert latest is not None and latest.sections == V2 and latest.withdrawn_at is None
        assert latest.consented_at == NOW + timedelta(days=1)
        assert latest.digests() == {"code-of-conduct": "b" * 64, "warning.privacy": "c" * 64}
        everyone = onboarding_repo.latest_by_user(s)
        assert {n: c.sections for n, c in everyone.items()} == {"tess": V2, "lena": V1}
        assert [c.sections for c in onboarding_repo.history(s, "tess")] == [V1, V2]


def test_withdrawal_marks_the_latest_consent_and_is_audited(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(UsageError):
            onboarding_repo.withdraw(s, user="tess", reason="", at=NOW)
        onboarding_repo.record_consent(s, user="tess", sections=V1, at=NOW)
    with store.session() as s:
        gone = onboarding_repo.withdraw(s, user="tess", reason="a break", at=NOW + timedelta(hours=1))
        assert gone.withdrawn_at == NOW + timedelta(hours=1) and gone.withdraw_reason == "a break"
    with store.session() as s:
        with pytest.raises(UsageError, match="no consent in force"):
            onboarding_repo.withdraw(s, user="tess", reason="", at=NOW)
        events = [e for e in audit.list_events(s) if e.action.startswith("onboarding.")][::-1]
        assert [e.action for e in events] == ["onboarding.consent", "onboarding.withdraw"]
        assert events[0].payload["sections"] == [v.model_dump() for v in V1]
        assert audit.verify(s)[1] is None
