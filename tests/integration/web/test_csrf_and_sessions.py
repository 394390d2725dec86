"""Anti-forgery tokens on every form, session cookie flags, API tokens, sign-in and sign-out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from redline.program.people import accounts
from redline.store.repos import findings as findings_repo
from redline.web.security import CSRF_HEADER, SESSION_COOKIE
from tests.world import PASSWORD, WebWorld, form_token


def _notes(world: WebWorld) -> int:
    with world.store.session() as s:
        return len(findings_repo.list_notes(s, world.finding_id))


def test_a_form_post_without_the_token_is_rejected_and_changes_nothing(world: WebWorld) -> None:
    client = world.client("lena")
    del client.headers[CSRF_HEADER]
    before = _notes(world)
    response = client.post(f"/findings/{world.finding_id}/comments", data={"text": "forged"})
    assert response.status_code == 403
    assert 'data-code="csrf"' in response.text
    assert _notes(world) == before
    wrong = client.post(
        f"/findings/{world.finding_id}/comments", data={"text": "forged", "csrf_token": "not-the-token"}
    )
    assert wrong.status_code == 403
    assert _notes(world) == before


def test_a_form_post_with_the_page_token_goes_through(world: WebWorld) -> None:
    client = world.client("lena")
    del client.headers[CSRF_HEADER]
    token = form_token(client.get(f"/findings/{world.finding_id}").text)
    response = client.post(
        f"/findings/{world.finding_id}/comments", data={"text": "real", "csrf_token": token}
    )
    assert response.status_code == 303
    with world.store.session() as s:
        assert findings_repo.list_notes(s, world.finding_id)[-1].text == "real"


def test_sign_in_form_needs_the_anonymous_token(world: WebWorld) -> None:
    client = TestClient(world.app, follow_redirects=False)
    forged = client.post("/login", data={"username": "lena", "password": PASSWORD})
    assert forged.status_code == 403
    token = form_token(client.get("/login").text)
    ok = client.post(
        "/login", data={"username": "lena", "password": PASSWORD, "csrf_token": token, "next": "/plans"}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/plans"
    cookie = next(
        v for k, v in ok.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/plans").status_code == 200


def test_session_cookie_is_secure_over_https(world: WebWorld) -> None:
    client = TestClient(world.app, base_url="https://testserver", follow_redirects=False)
    token = form_token(client.get("/login").text)
    ok = client.post("/login", data={"username": "lena", "password": PASSWORD, "csrf_token": token})
    cookie = next(
        v for k, v in ok.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE)
    )
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_read_the_same(world: WebWorld) -> None:
    client = TestClient(world.app, follow_redirects=False)
    token = form_token(client.get("/login").text)
    bad = client.post("/login", data={"username": "lena", "password": "nope nope nope", "csrf_token": token})
    ghost = client.post(
        "/login", data={"username": "ghost", "password": "nope nope nope", "csrf_token": token}
    )
    assert bad.status_code == ghost.status_code == 401
    assert "wrong user name or password" in bad.text and "wrong user name or password" in ghost.text
    assert SESSION_COOKIE not in client.cookies
    next_abroad = client.post(
        "/login",
        data={"username": "lena", "password": PASSWORD, "csrf_token": token, "next": "//evil.example"},
    )
    assert next_abroad.headers["location"] == "/"


def test_json_with_a_session_needs_the_header_but_a_bearer_token_does_not(world: WebWorld) -> None:
    client = world.client("lena")
    del client.headers[CSRF_HEADER]
    assert client.post(f"/api/findings/{world.finding_id}/comments", json={"text": "x"}).status_code == 403
    with world.store.session() as s:
        issued = accounts.issue_token(
            s, name="lena", label="ci", acting="lena", scope=accounts.TokenScope.WRITE
        )
    bot = TestClient(world.app)
    headers = {"Authorization": f"Bearer {issued.token}"}
    assert (
        bot.post(
            f"/api/findings/{world.finding_id}/comments", json={"text": "ci"}, headers=headers
        ).status_code
        == 204
    )
    assert bot.get("/api/account", headers=headers).json()["user"]["name"] == "lena"
    with world.store.session() as s:
        accounts.revoke_token(s, token_id=issued.record.id, acting="lena")
    assert bot.get("/api/account", headers=headers).status_code == 401


def test_tokens_are_stored_as_hashes_and_shown_once(world: WebWorld) -> None:
    client = world.client("eli")
    shown = client.post("/api/account/tokens", json={"label": "nightly"}).json()
    assert shown["token"].startswith("rl_")
    listed = client.get("/api/account").json()["tokens"]
    assert [t["label"] for t in listed] == ["nightly"]
    assert shown["token"] not in client.get("/api/account").text
    from sqlalchemy import text

    with world.store.session() as s:
        stored = s.execute(text("select token_hash from api_tokens")).scalars().all()
    assert shown["token"] not in stored and accounts.digest(shown["token"]) in stored


def test_sign_out_ends_the_session(world: WebWorld) -> None:
    client = world.client("vic")
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 303


def test_changing_a_password_ends_other_sessions(world: WebWorld) -> None:
    other = world.client("tess")
    me = world.client("tess")
    response = me.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "a much longer secret"}
    )
    assert response.status_code == 303
    assert other.get("/").status_code == 303  # signed out
    assert me.get("/account").status_code == 200  # the browser that changed it got a fresh session
    wrong = me.post(
        "/api/account/password", json={"current_password": "nope", "new_password": "another long one"}
    )
    assert wrong.status_code == 403


def test_security_headers_forbid_inline_script(world: WebWorld) -> None:
    response = world.client("lena").get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
