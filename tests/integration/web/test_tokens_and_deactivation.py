"""API tokens (scope, expiry, revoked with a password reset, named in the audit log) and deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redline.core.errors import PermissionDeniedError, UsageError
from redline.program.people import accounts, users
from redline.program.people.accounts import TokenScope
from redline.store import audit
from tests.world import PASSWORD, WebWorld


def _bearer(world: WebWorld, token: str) -> TestClient:
    client = TestClient(world.app, follow_redirects=False)
    world.clients.append(client)
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _issue(world: WebWorld, name: str, scope: TokenScope = TokenScope.READ, **kw: Any) -> str:
    with world.store.session() as s:
        return accounts.issue_token(s, name=name, label="ci", acting=name, scope=scope, **kw).token


def test_tokens_are_read_only_by_default_and_cannot_mint_tokens(world: WebWorld) -> None:
    read = _bearer(world, _issue(world, "lena"))
    assert read.get("/api/findings").status_code == 200
    moved = read.post(f"/api/findings/{world.finding_id}/comments", json={"text": "hi"})
    assert moved.status_code == 403 and moved.json()["code"] == "route_forbidden"
    write = _bearer(world, _issue(world, "ada", TokenScope.WRITE))
    assert write.post("/api/account/tokens", json={"label": "more"}).status_code == 403
    assert write.post("/api/users", json={"name": "mal", "roles": ["admin"]}).status_code == 403
    assert write.get("/api/users").status_code == 403
    assert write.post(f"/api/findings/{world.finding_id}/comments", json={"text": "from CI"}).status_code in (
        200,
        201,
        204,
    )


def test_a_write_token_is_named_by_its_prefix_in_the_audit_log(world: WebWorld) -> None:
    token = _issue(world, "lena", TokenScope.WRITE)
    response = _bearer(world, token).post(f"/api/findings/{world.finding_id}/comments", json={"text": "ci"})
    assert response.status_code < 300, response.text
    with world.store.session() as s:
        event = max(
            (e for e in audit.list_events(s, subject=world.finding_id) if e.action == "finding.comment"),
            key=lambda e: e.seq,
        )
    assert event.actor == "lena" and event.payload["acted_with"] == token[:10]
    assert token not in str(event.payload)


def test_tokens_expire(world: WebWorld) -> None:
    past = datetime.now(UTC) - timedelta(days=2)
    token = _issue(world, "lena", days=1, now=past)
    assert _bearer(world, token).get("/api/findings").status_code == 401
    with pytest.raises(UsageError, match="1 to 366 days"):
        _issue(world, "lena", days=400)


def test_a_password_reset_revokes_every_token(world: WebWorld) -> None:
    token = _issue(world, "lena")
    assert _bearer(world, token).get("/api/findings").status_code == 200
    with world.store.session() as s:
        accounts.set_password(s, name="lena", password=PASSWORD + "!", acting="ada")
    assert _bearer(world, token).get("/api/findings").status_code == 401


def test_deactivation_ends_sessions_and_tokens_and_is_audited(world: WebWorld) -> None:
    browser = world.client("tess")
    token = _issue(world, "tess")
    assert browser.get("/api/findings").status_code == 200
    admin = world.client("ada")
    response = admin.post("/api/users/tess/deactivate")
    assert response.status_code == 200, response.text
    assert response.json()["sessions_ended"] >= 1 and response.json()["tokens_revoked"] == 1
    assert browser.get("/api/findings").status_code == 401
    assert _bearer(world, token).get("/api/findings").status_code == 401
    with world.store.session() as s:
        with pytest.raises(PermissionDeniedError):
            accounts.sign_in(s, name="tess", password=PASSWORD)
        with pytest.raises(PermissionDeniedError, match="deactivated"):
            users.deactivate_user(s, name="vic", acting="tess")  # nor act through --as
        events = [e for e in audit.list_events(s) if e.action == "user.deactivate"]
    assert [e.actor for e in events] == ["ada"] and events[0].payload["name"] == "tess"


def test_only_admins_deactivate_and_the_last_admin_stays(world: WebWorld) -> None:
    with world.store.session() as s:
        with pytest.raises(PermissionDeniedError, match="lena may not deactivate"):
            users.deactivate_user(s, name="tess", acting="lena")
        with pytest.raises(PermissionDeniedError, match="last admin"):
            users.deactivate_user(s, name="ada", acting="ada")
