"""Masking and audited unmasking over the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from redline.config.settings import Settings
from redline.core.errors import NotFoundError, PermissionDeniedError
from redline.core.people.users import Role
from redline.program.people import privacy, wellbeing
from redline.program.people.content import finding_exemplars, round_exchanges
from redline.store import audit
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import users as users_repo
from redline.store.session import Store
from tests.integration.web.pii import CARD, EMAIL, leaked, plant
from tests.onboarded import onboard


def _people(store: Store, settings: Settings) -> None:
    with store.session() as s:
        users_repo.add_user(s, name="ada", roles={Role.ADMIN}, actor="test")
        users_repo.add_user(s, name="cora", roles={Role.COMMITTEE}, actor="test")
    onboard(store, settings, "ada", "cora")


def test_exchanges_are_masked_and_a_cleared_person_unmasks_one(store: Store, workspace: Settings) -> None:
    _people(store, workspace)
    planted = plant(store)
    with store.session() as s:
        assert rounds_repo.get_attempt(s, planted.leak_attempt).round_id == planted.round_id
        with pytest.raises(NotFoundError):
            rounds_repo.get_attempt(s, "att_missing")
    items = round_exchanges(store, workspace, round_id=planted.round_id, viewer="cora")
    shown = [p.text for e in items if e.content for p in e.content.parts]
    assert shown and all(leaked(t) == [] for t in shown)
    assert any("[EMAIL-1]" in t for t in shown)

    subject = f"attempt:{planted.leak_attempt}"
    with pytest.raises(PermissionDeniedError, match="cora may not see personal data unmasked"):
        privacy.unmask(store, workspace, user="cora", subject=subject)
    got = privacy.unmask(store, workspace, user="ada", subject=subject, via="api")
    assert EMAIL in got.content.parts[1].text and got.viewer == "ada"
    with store.session() as s:
        events = audit.list_events(s, action=privacy.UNMASK_ACTION)
        assert [(e.actor, e.subject, e.payload) for e in events] == [("ada", subject, {"via": "api"})]
        assert audit.verify(s)[1] is None


def test_flagged_items_need_consent_and_clearance_follows_the_workspace(
    store: Store, workspace: Settings
) -> None:
    _people(store, workspace)
    planted = plant(store)
    exemplar = f"exemplar:{planted.finding_id}:0"
    with pytest.raises(PermissionDeniedError, match="Show this content"):
        privacy.unmask(store, workspace, user="ada", subject=exemplar)
    consent = wellbeing.consent(store, workspace, user="ada", subject=exemplar)
    assert EMAIL not in consent.content.parts[0].text
    kept = finding_exemplars(store, workspace, finding_id=planted.finding_id, viewer="ada")
    assert kept[0].content is not None and kept[0].masked == 1
    assert EMAIL in privacy.unmask(store, workspace, user="ada", subject=exemplar).content.parts[0].text

    committee = workspace.model_copy(
        update={
            "config": workspace.config.model_copy(
                update={
                    "privacy": workspace.config.privacy.model_copy(
                        update={"cleared_roles": (Role.COMMITTEE,)}
                    )
                }
            )
        }
    )
    flagged = f"attempt:{planted.flagged_attempt}"
    wellbeing.consent(store, committee, user="cora", subject=flagged)
    assert CARD in privacy.unmask(store, committee, user="cora", subject=flagged).content.parts[1].text
    with pytest.raises(PermissionDeniedError):
        privacy.unmask(store, committee, user="ada", subject=flagged)
