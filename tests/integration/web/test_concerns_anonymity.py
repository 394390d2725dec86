"""A concern raised through the web leaves nothing that identifies its reporter, on SQLite and PostgreSQL.

The reporter's own account rows (users, their sessions, their sign-in event) hold their identity
by nature; what matters is what the concern flow adds or changes. So the test snapshots every table
after both people have signed in, runs the whole flow (raise, anonymous follow-up, committee answer),
and then checks every row that is new or changed, every audit event written since, and every log
record captured at DEBUG, for the reporter's user id, name, e-mail, client address, user agent,
session token and session id. Every value in every table, old or new, is checked for a time of day
inside the moments of the raise and the follow-up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text, update

from redline.config.settings import Settings
from redline.core.people.users import Role
from redline.program.people import accounts
from redline.store import audit
from redline.store.repos import users as users_repo
from redline.store.session import Store
from redline.store.tables import WebSessionRow
from redline.targets.echo import EchoTarget
from redline.web.app import create_app
from redline.web.security import CSRF_HEADER, SESSION_COOKIE
from tests.world import form_token

REPORTER = "rhea-reporter"
EMAIL = "rhea.reporter@example.org"
ADDRESS = "203.0.113.77"
AGENT = "RedlineAnonymityProbe/9.9 (distinctive; X11)"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?")


@pytest.fixture
def app_on(store: Store, workspace: Settings) -> Iterator[Any]:
    """The workbench on the backend-parametrised store."""
    app = create_app(workspace, store=store, embed=None, target_factory=lambda name: EchoTarget(name))
    yield app


def _engines(store: Store) -> list[Engine]:
    """The main database and, where concerns are kept apart, the concerns store."""
    return [e for e in (store.engine, store.concerns_engine) if e is not None]


def _dump(store: Store) -> dict[str, set[str]]:
    tables: dict[str, set[str]] = {}
    for engine in _engines(store):
        with engine.connect() as conn:
            for name in inspect(engine).get_table_names():
                if name == "alembic_version":
                    continue
                rows = conn.execute(text(f'select * from "{name}"')).all()
                tables.setdefault(name, set()).update(repr(tuple(r)) for r in rows)
    return tables


def _values(store: Store) -> Iterator[tuple[str, Any]]:
    for engine in _engines(store):
        with engine.connect() as conn:
            for name in inspect(engine).get_table_names():
                for row in conn.execute(text(f'select * from "{name}"')).all():
                    for value in row:
                        yield name, value


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _moments(value: Any) -> list[datetime]:
    """The times of day a value holds: a datetime, or ISO-looking text inside it."""
    if isinstance(value, datetime):
        return [_aware(value)]
    if isinstance(value, date) or value is None:
        return []
    found = []
    for match in STAMP.finditer(str(value)):
        try:
            found.append(_aware(datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))))
        except ValueError:
            continue
    return found


def _inside(moment: datetime, windows: list[tuple[datetime, datetime]]) -> bool:
    return any(start <= moment <= end for start, end in windows)


def test_nothing_stored_logged_or_audited_identifies_the_reporter(
    app_on: Any, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with store.session() as s:
        reporter = users_repo.add_user(s, name=REPORTER, roles={Role.TESTER}, email=EMAIL, actor="test")
        users_repo.add_user(s, name="cora", roles={Role.COMMITTEE}, actor="test")
        grant = accounts.open_session(s, user=reporter)
        handler = accounts.open_session(s, user=users_repo.get_user(s, "cora"))
        # The session was last seen ten minutes ago, so any page that noted the visit would write now.
        s.execute(
            update(WebSessionRow)
            .where(WebSessionRow.id == accounts.digest(grant.token))
            .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=10))
        )
    secrets_of_reporter = [
        reporter.id,
        REPORTER,
        EMAIL,
        ADDRESS,
        AGENT,
        grant.token,
        accounts.digest(grant.token),
        grant.csrf,
    ]
    browser = TestClient(
        app_on, follow_redirects=False, client=(ADDRESS, 50123), headers={"user-agent": AGENT}
    )
    browser.cookies.set(SESSION_COOKIE, grant.token)
    committee = TestClient(app_on, follow_redirects=False)
    committee.cookies.set(SESSION_COOKIE, handler.token)
    committee.headers[CSRF_HEADER] = handler.csrf
    before = _dump(store)
    with store.session() as s:
        events_before = audit.count(s)
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    start = datetime.now(UTC)
    form = browser.get("/concerns/new")
    assert form.status_code == 200 and 'id="concern-form"' in form.text
    raised = browser.post(
        "/concerns/new",
        data={
            "subject_kind": "release_decision",
            "reference": "chat@1.0",
            "text": "The release was signed before the jailbreak round finished.",
            "csrf_token": grant.csrf,
        },
    )
    raise_window = (start, datetime.now(UTC))
    assert raised.status_code == 200, raised.text
    code = re.search(r'id="claim-code">([^<]+)<', raised.text)
    assert code, raised.text
    claim = code.group(1).strip()

    token = form_token(browser.get("/concerns/claim").text)
    start = datetime.now(UTC)
    followed = browser.post(
        "/concerns/claim/follow-up",
        data={"code": claim, "text": "It was the round of the 12th.", "csrf_token": token},
        headers={CSRF_HEADER: token},
    )
    follow_window = (start, datetime.now(UTC))
    assert followed.status_code == 200 and "It was the round of the 12th." in followed.text

    queue = committee.get("/api/concerns").json()
    assert len(queue) == 1 and queue[0]["awaiting_reply"]
    concern_id = queue[0]["concern"]["id"]
    answered = committee.post(
        f"/api/concerns/{concern_id}/respond", json={"text": "We are checking the gate record."}
    )
    assert answered.status_code == 200, answered.text
    read = browser.post(
        "/concerns/claim", data={"code": claim, "csrf_token": token}, headers={CSRF_HEADER: token}
    )
    assert "We are checking the gate record." in read.text and ">committee ·" in read.text

    # The server's access log would have named the client: uvicorn's records for these paths are dropped.
    # (logging set up earlier in the process, by uvicorn or another library, may have disabled this
    # logger or stopped it propagating: make it reach caplog's handler, then put it back)
    access = logging.getLogger("uvicorn.access")
    saved = (access.disabled, access.level, access.propagate)
    access.disabled, access.propagate = False, True
    access.setLevel(logging.DEBUG)
    try:
        access.info('%s - "%s %s HTTP/%s" %d', f"{ADDRESS}:50123", "POST", "/concerns/new", "1.1", 200)
        access.info('%s - "%s %s HTTP/%s" %d', "192.0.2.1:4000", "GET", "/findings", "1.1", 200)
    finally:
        access.disabled, access.propagate = saved[0], saved[2]
        access.setLevel(saved[1])
    assert any("/findings" in r.getMessage() for r in caplog.records)

    after = _dump(store)
    added = {name: rows - before.get(name, set()) for name, rows in after.items()}
    assert added["concerns"] and added["concern_messages"]
    for name, rows in added.items():
        for row in rows:
            for secret in secrets_of_reporter:
                assert secret not in row, f"{name} holds the reporter's {secret!r}: {row}"
    with store.session() as s:
        new_events = [e for e in audit.iter_events(s) if e.seq > events_before]
        assert audit.verify(s) == (audit.count(s), None)
    assert [(e.actor, e.action) for e in new_events] == [
        ("anonymous", "concern.raise"),
        ("anonymous", "concern.follow_up"),
        ("cora", "concern.status"),
        ("cora", "concern.respond"),
    ]
    for event in new_events:
        dumped = event.model_dump_json()
        for secret in secrets_of_reporter:
            assert secret not in dumped, f"audit event {event.action} holds {secret!r}"
    for record in caplog.records:
        dumped = f"{record.name} {record.getMessage()} {record.__dict__!r}"
        for secret in secrets_of_reporter:
            assert secret not in dumped, f"log record {record.name} holds {secret!r}: {dumped}"
        for moment in _moments(record.getMessage()):
            assert not _inside(moment, [raise_window, follow_window]), dumped

    windows = [raise_window, follow_window]
    for name, value in _values(store):
        for moment in _moments(value):
            assert not _inside(moment, windows), f"{name} holds {value!r}, a time of the raise or follow-up"
    with store.session() as s:
        for event in audit.iter_events(s):
            assert not _inside(_aware(datetime.fromisoformat(event.at)), windows), event
            for moment in _moments(event.payload):
                assert not _inside(moment, windows), event
