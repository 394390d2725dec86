"""Request bodies, sign-in throttling, claim-code throttling, anti-forgery and access logs over HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from redline.core.audit import AuditEvent
from redline.program.people.throttle import LoginThrottle
from redline.store import audit
from redline.web.app import create_app
from tests.world import PASSWORD, WebWorld, form_token

REPORT = {
    "reporter_contact": "r@example.org",
    "affected_system": "chat",
    "affected_version": "1.0",
    "category": "jailbreak",
    "title": "Role-play unlocks refused topics",
    "reproduction_steps": "Ask it to play a character without rules.",
    "accept_terms": True,
}
CHUNK = 64 * 1024


class Upload:
    """An ASGI request whose body arrives in chunks, counting what the application reads of it."""

    def __init__(self, total: int, *, chunk: int = CHUNK) -> None:
        self.total, self.chunk, self.read = total, chunk, 0

    async def receive(self) -> dict[str, Any]:
        if self.read >= self.total:
            return {"type": "http.disconnect"}
        size = min(self.chunk, self.total - self.read)
        self.read += size
        return {"type": "http.request", "body": b" " * size, "more_body": self.read < self.total}


def _post(
    app: FastAPI, path: str, upload: Upload, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """POST `upload` to `app` at `path` straight through ASGI: no client library buffers the body."""
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw = [
        (k.lower().encode(), v.encode())
        for k, v in {"content-type": "application/json", **(headers or {})}.items()
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw,
        "client": ("198.51.100.20", 40000),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, upload.receive, send))  # type: ignore[arg-type]  # hand-written ASGI messages are plain dicts
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def test_a_chunked_body_is_cut_off_at_the_limit_as_it_arrives(world: WebWorld) -> None:
    limit = world.app.state.web.max_body
    upload = Upload(40 * 1024 * 1024)  # no Content-Length: the body's size is known only as it arrives
    status, headers, body = _post(world.app, "/api/intake", upload)
    assert status == 413 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "too_large"
    assert upload.read <= limit + CHUNK, f"read {upload.read} bytes of a body over the {limit}-byte limit"


def test_a_declared_length_over_the_limit_is_refused_before_reading(world: WebWorld) -> None:
    upload = Upload(200 * 1024 * 1024)
    status, _, body = _post(world.app, "/api/intake", upload, {"content-length": str(upload.total)})
    assert status == 413 and json.loads(body)["code"] == "too_large" and upload.read == 0
    bad = Upload(10)
    status, _, _ = _post(world.app, "/api/intake", bad, {"content-length": "ten"})
    assert status == 413 and bad.read == 0


def test_anonymous_posts_to_routes_that_need_an_account_are_refused_before_reading(world: WebWorld) -> None:
    upload = Upload(512 * 1024)
    status, headers, body = _post(world.app, "/api/concerns/links", upload)
    assert status == 401 and headers["www-authenticate"] == "Bearer" and upload.read == 0
    assert json.loads(body)["code"] == "login_required"
    page = Upload(512 * 1024)
    status, headers, _ = _post(
        world.app, "/findings/x/comments", page, {"content-type": "application/x-www-form-urlencoded"}
    )
    assert status == 303 and headers["location"].startswith("/login?next=") and page.read == 0
    # a request that carries credentials still reaches the route's own check (bounded by the limit)
    with_cookie = Upload(1024)
    status, _, _ = _post(world.app, "/api/concerns/links", with_cookie, {"cookie": "redline_session=junk"})
    assert status in (401, 422) and with_cookie.read == 1024


def test_bodies_within_the_limit_still_reach_the_routes(world: WebWorld) -> None:
    client = TestClient(world.app)
    assert client.post("/api/intake", json=REPORT).status_code == 201
    assert world.client("ada").post("/api/concerns/links", json={"days": 2}).status_code == 201


# -- sign-in throttling ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def patient_throttle(world: WebWorld) -> None:
    """A throttle whose first wait (a minute) outlasts any pause of a slow test machine."""
    world.app.state.login_throttle = LoginThrottle(base=timedelta(minutes=1))


def _login(client: TestClient, name: str, password: str) -> Any:
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"username": name, "password": password, "csrf_token": token})


def _failed_logins(world: WebWorld) -> list[AuditEvent]:
    with world.store.session() as s:
        return [e for e in audit.iter_events(s) if e.action == "auth.login_failed"]


def test_wrong_passwords_are_audited_and_back_off_per_account(world: WebWorld) -> None:
    first = TestClient(world.app, follow_redirects=False, client=("198.51.100.1", 1000))
    for _ in range(5):
        assert _login(first, "lena", "not the password at all").status_code == 401
    events = _failed_logins(world)
    assert len(events) == 5 and all(e.payload == {"user": "lena", "via": "login"} for e in events)
    assert all("not the password" not in str(e.payload) for e in events)
    refused = _login(first, "lena", PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    # the account backs off for every address, not only the one that guessed
    other = TestClient(world.app, follow_redirects=False, client=("203.0.113.50", 1000))
    assert _login(other, "lena", PASSWORD).status_code == 429
    # an unknown name is audited without the name typed (it may be a password typed in the wrong field)
    _login(other, "correct horse in the name field", "x" * 12)
    assert _failed_logins(world)[-1].payload == {"user": None, "via": "login"}
    assert _login(other, "cora", PASSWORD).status_code == 303


def test_one_address_guessing_many_accounts_backs_off(world: WebWorld) -> None:
    guesser = TestClient(world.app, follow_redirects=False, client=("2001:db8:7:7::1", 1000))
    statuses = [_login(guesser, f"user{i}", "wrong password!").status_code for i in range(25)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429
    # another address in the same /64 is the same client
    neighbour = TestClient(world.app, follow_redirects=False, client=("2001:db8:7:7::2", 1000))
    assert _login(neighbour, "cora", PASSWORD).status_code == 429
    elsewhere = TestClient(world.app, follow_redirects=False, client=("2001:db8:7:8::1", 1000))
    assert _login(elsewhere, "cora", PASSWORD).status_code == 303


def test_a_wrong_current_password_is_audited_and_throttled(world: WebWorld) -> None:
    lena = world.client("lena")
    body = {"current_password": "guess number one", "new_password": "a brand new password"}
    statuses = [lena.post("/api/account/password", json=body).status_code for _ in range(6)]
    assert statuses[:5] == [403] * 5 and statuses[5] == 429
    events = _failed_logins(world)
    assert len(events) == 5 and events[0].payload == {"user": "lena", "via": "password_change"}


# -- claim codes ----------------------------------------------------------------------------------------

CONCERN = {"subject_kind": "program", "text": "Findings from the bias round are being left out of reports."}


def test_wrong_claim_codes_do_not_lock_out_the_right_code(world: WebWorld) -> None:
    code = world.client("tess").post("/api/concerns", json=CONCERN).json()["claim_code"]
    guesser = TestClient(world.app, client=("2001:db8:1:1::10", 1000))
    statuses = [
        guesser.post("/api/concerns/claim", json={"code": f"WRONG-{i}"}).status_code for i in range(12)
    ]
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429, 429]
    assert guesser.post("/api/concerns/claim", json={"code": code}).status_code == 200
    same_net = TestClient(world.app, client=("2001:db8:1:1::99", 1000))
    assert same_net.post("/api/concerns/claim", json={"code": "WRONG"}).status_code == 429
    other_net = TestClient(world.app, client=("2001:db8:1:2::10", 1000))
    assert other_net.post("/api/concerns/claim", json={"code": "WRONG"}).status_code == 404


def test_many_clients_guessing_do_not_close_the_channel(world: WebWorld) -> None:
    for n in range(25):
        client = TestClient(world.app, client=(f"198.51.100.{n}", 1000))
        for i in range(10):
            client.post("/api/concerns/claim", json={"code": f"WRONG-{i}"})
    fresh = TestClient(world.app, client=("192.0.2.77", 1000))
    assert fresh.post("/api/concerns/claim", json={"code": "WRONG"}).status_code == 404


@pytest.fixture
def proxied(world: WebWorld) -> Iterator[FastAPI]:
    config = world.settings.config.model_copy(
        update={"web": world.settings.config.web.model_copy(update={"trusted_proxies": ("10.0.0.0/24",)})}
    )
    settings = world.settings.model_copy(update={"config": config})
    yield create_app(settings, store=world.store, embed=None)


def test_forwarded_addresses_count_only_from_trusted_proxies(world: WebWorld, proxied: FastAPI) -> None:
    via_proxy = TestClient(proxied, client=("10.0.0.5", 1000))
    for i in range(10):
        via_proxy.post(
            "/api/concerns/claim", json={"code": f"W{i}"}, headers={"x-forwarded-for": "192.0.2.1"}
        )
    blocked = via_proxy.post(
        "/api/concerns/claim", json={"code": "W"}, headers={"x-forwarded-for": "192.0.2.1"}
    )
    assert blocked.status_code == 429
    # another reporter behind the same proxy is another client
    other = via_proxy.post(
        "/api/concerns/claim", json={"code": "W"}, headers={"x-forwarded-for": "192.0.2.2"}
    )
    assert other.status_code == 404
    # a client that is not a trusted proxy cannot choose its address by sending the header
    direct = TestClient(proxied, client=("192.0.2.9", 1000))
    for i in range(10):
        spoofed = {"x-forwarded-for": f"203.0.113.{i}"}
        direct.post("/api/concerns/claim", json={"code": f"W{i}"}, headers=spoofed)
    assert (
        direct.post(
            "/api/concerns/claim", json={"code": "W"}, headers={"x-forwarded-for": "203.0.113.200"}
        ).status_code
        == 429
    )


# -- anti-forgery -----------------------------------------------------------------------------------------


def test_capitalised_form_types_and_junk_bearer_headers_do_not_skip_the_anti_forgery_check(
    world: WebWorld,
) -> None:
    client = TestClient(world.app)
    client.get("/intake")  # the anonymous cookie a browser would hold
    form = {**REPORT, "accept_terms": "true"}
    capital = client.post(
        "/intake", content=_urlencode(form), headers={"content-type": "Application/X-WWW-Form-Urlencoded"}
    )
    assert capital.status_code == 403 and "did not come from this site" in capital.text
    junk = client.post("/intake", data=form, headers={"authorization": "Bearer junk"})
    assert junk.status_code == 403
    token = form_token(client.get("/intake").text)
    ok = client.post(
        "/intake",
        content=_urlencode({**form, "csrf_token": token}),
        headers={"content-type": "Application/x-www-form-urlencoded; Charset=UTF-8"},
    )
    assert ok.status_code == 200, ok.text


def _urlencode(data: dict[str, Any]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(data).encode()


# -- access logs --------------------------------------------------------------------------------------------


def _access_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    access = logging.getLogger("uvicorn.access")
    saved = (access.disabled, access.level, access.propagate)
    access.disabled, access.propagate = False, True
    access.setLevel(logging.DEBUG)
    caplog.clear()
    try:
        with caplog.at_level(logging.INFO, logger="uvicorn.access"):
            for path in ("/findings", "/static/app.css", "/concerns/new"):
                access.info('%s - "%s %s HTTP/%s" %d', "192.0.2.44:50123", "GET", path, "1.1", 200)
    finally:
        access.disabled, access.propagate = saved[0], saved[2]
        access.setLevel(saved[1])
    # one record per log call, even when an earlier test left the capture handler on this logger as
    # well as on the root (the same record is then handled twice)
    records = {id(r): r for r in caplog.records if r.name == "uvicorn.access"}
    return [r.getMessage() for r in records.values()]


def test_access_logs_carry_no_client_addresses_by_default(
    world: WebWorld, caplog: pytest.LogCaptureFixture
) -> None:
    messages = _access_messages(caplog)
    assert len(messages) == 2 and not any("192.0.2.44" in m for m in messages), messages
    assert any("/findings" in m for m in messages) and any("/static/app.css" in m for m in messages)


def test_client_addresses_in_access_logs_are_an_opt_in_and_never_for_assets(
    world: WebWorld, caplog: pytest.LogCaptureFixture
) -> None:
    config = world.settings.config.model_copy(
        update={"web": world.settings.config.web.model_copy(update={"log_client_addresses": True})}
    )
    create_app(world.settings.model_copy(update={"config": config}), store=world.store, embed=None)
    try:
        messages = _access_messages(caplog)
    finally:
        create_app(world.settings, store=world.store, embed=None)  # back to the default for other tests
    assert [("192.0.2.44" in m) for m in messages] == [True, False], messages
