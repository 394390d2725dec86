"""Tester wellbeing: consent releases flagged content, counts views, warns, and stops at the daily limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from redline.config.settings import Settings
from redline.core.errors import NotFoundError, PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.people import content, wellbeing
from redline.program.people.wellbeing import ExposureLevel, ExposureLimitError, OptedOutError
from redline.program.workspace import open_workspace_store
from redline.store.repos import users
from redline.store.session import Store
from tests import world as data
from tests.onboarded import onboard

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def small_limit(workspace: Settings) -> Settings:
    cfg = workspace.config.wellbeing.model_copy(update={"daily_exposure_limit": 3, "warn_fraction": 0.6})
    return workspace.model_copy(update={"config": workspace.config.model_copy(update={"wellbeing": cfg})})


@pytest.fixture
def world(small_limit: Settings) -> Iterator[tuple[Store, list[str]]]:
    store = open_workspace_store(small_limit)
    with store.session() as s:
        users.add_user(s, name="tess", roles={Role.TESTER}, actor="test")
        users.add_user(s, name="lena", roles={Role.LEAD}, actor="test")
        users.add_user(s, name="lou", roles={Role.LEAD}, actor="test")
    onboard(store, small_limit, "tess", "lena", "lou")
    rid = data.stored_round(
        store, release_id=None, outcomes={"injection.direct": [*data.n("fail", 5), "pass"]}
    )
    with store.session() as s:
        from redline.store.repos import rounds

        attempts = [f"attempt:{a.id}" for a in rounds.list_attempts(s, rid)]
    yield store, attempts
    store.dispose()


def test_consent_releases_the_text_and_counts_once_per_window(
    world: tuple[Store, list[str]], small_limit: Settings
) -> None:
    store, subjects = world
    first = wellbeing.consent(store, small_limit, user="tess", subject=subjects[0], now=NOW)
    assert first.counted and first.status.views == 1
    assert [p.label for p in first.content.parts] == ["prompt", "response"]
    again = wellbeing.consent(
        store, small_limit, user="tess", subject=subjects[0], now=NOW + timedelta(minutes=1)
    )
    assert not again.counted and again.status.views == 1
    later = wellbeing.consent(
        store, small_limit, user="tess", subject=subjects[0], now=NOW + timedelta(minutes=30)
    )
    assert later.counted and later.status.views == 2


def test_warning_then_the_limit_then_a_leads_override(
    world: tuple[Store, list[str]], small_limit: Settings
) -> None:
    store, subjects = world
    levels = [
        wellbeing.consent(store, small_limit, user="tess", subject=s, now=NOW).status.level
        for s in subjects[:3]
    ]
    assert levels == [ExposureLevel.OK, ExposureLevel.WARN, ExposureLevel.AT_LIMIT]
    with pytest.raises(ExposureLimitError):
        wellbeing.consent(store, small_limit, user="tess", subject=subjects[3], now=NOW)
    with pytest.raises(PermissionDeniedError):
        wellbeing.grant_override(store, small_limit, user="tess", viewer="tess", extra=5, reason="x", now=NOW)
    with pytest.raises(UsageError):
        wellbeing.grant_override(store, small_limit, user="lena", viewer="tess", extra=5, reason=" ", now=NOW)
    status = wellbeing.grant_override(
        store, small_limit, user="lena", viewer="tess", extra=2, reason="triage", now=NOW
    )
    assert status.allowed == 5
    assert wellbeing.consent(store, small_limit, user="tess", subject=subjects[3], now=NOW).counted
    tomorrow = NOW + timedelta(days=1)
    assert wellbeing.status(store, small_limit, viewer="tess", now=tomorrow).views == 0


def test_leads_cannot_override_their_own_limit(world: tuple[Store, list[str]], small_limit: Settings) -> None:
    store, _ = world
    with pytest.raises(PermissionDeniedError):
        wellbeing.grant_override(
            store, small_limit, user="lena", viewer="lena", extra=1, reason="me", now=NOW
        )
    assert wellbeing.grant_override(
        store, small_limit, user="lou", viewer="lena", extra=1, reason="r", now=NOW
    )


def test_opted_out_categories_stay_hidden(world: tuple[Store, list[str]], small_limit: Settings) -> None:
    store, subjects = world
    with store.session() as s:
        category = content.resolve(s, small_limit, subjects[0]).category
    wellbeing.set_opt_outs(store, user="tess", categories=[category])
    with pytest.raises(OptedOutError):
        wellbeing.consent(store, small_limit, user="tess", subject=subjects[0], now=NOW)
    assert wellbeing.status(store, small_limit, viewer="tess", now=NOW).views == 0


def test_team_counts_are_for_leads(world: tuple[Store, list[str]], small_limit: Settings) -> None:
    store, subjects = world
    wellbeing.consent(store, small_limit, user="tess", subject=subjects[0], now=NOW)
    team = {s.viewer: s.views for s in wellbeing.team(store, small_limit, user="lena", now=NOW)}
    assert team["tess"] == 1 and team["lena"] == 0
    with pytest.raises(PermissionDeniedError):
        wellbeing.team(store, small_limit, user="tess", now=NOW)


def test_round_exchanges_withhold_failures_until_consent(
    world: tuple[Store, list[str]], small_limit: Settings
) -> None:
    store, _ = world
    from redline.store.repos import rounds

    with store.session() as s:
        rid = rounds.list_rounds(s)[0].id
    items = content.round_exchanges(store, small_limit, round_id=rid, viewer="tess", now=NOW)
    flagged = [e for e in items if e.flagged]
    assert len(flagged) == 5 and all(e.content is None for e in flagged)
    assert next(e for e in items if not e.flagged).content is not None
    wellbeing.consent(store, small_limit, user="tess", subject=flagged[0].subject, now=NOW)
    again = content.round_exchanges(store, small_limit, round_id=rid, viewer="tess", now=NOW)
    assert sum(1 for e in again if e.flagged and e.content is not None) == 1


def test_unknown_subjects_are_not_found(world: tuple[Store, list[str]], small_limit: Settings) -> None:
    store, _ = world
    for subject in ("attempt:nope", "exemplar:fnd_x:0", "bogus", "exemplar::x"):
        with pytest.raises(NotFoundError):
            wellbeing.consent(store, small_limit, user="tess", subject=subject, now=NOW)
