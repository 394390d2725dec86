"""The workbench's store records on SQLite and PostgreSQL: sessions, tokens, intake, exposure, playground."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from redline.core.people.users import Role
from redline.store import audit
from redline.store.repos import accounts as accounts_repo
from redline.store.repos import intake as intake_repo
from redline.store.repos import users as users_repo
from redline.store.repos import wellbeing as wellbeing_repo
from redline.store.session import Store

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_sessions_and_tokens_round_trip(store: Store) -> None:
    with store.session() as s:
        user = users_repo.add_user(s, name="ada", roles={Role.ADMIN}, actor="t")
        accounts_repo.add_session(
            s, user=user, token_hash="h" * 64, csrf="c", now=NOW, expires_at=NOW + timedelta(days=7)
        )
        token = accounts_repo.add_token(
            s, name="ada", label="ci", token_hash="t" * 64, prefix="rl_abc", actor="ada"
        )
    with store.session() as s:
        found = accounts_repo.get_session(s, "h" * 64)
        assert found is not None and found.user.name == "ada" and found.csrf == "c"
        assert accounts_repo.token_user(s, "t" * 64, now=NOW) is not None
        accounts_repo.revoke_token(s, token.id, actor="ada")
        assert accounts_repo.token_user(s, "t" * 64, now=NOW) is None
        assert accounts_repo.end_session(s, "h" * 64, actor="ada")
        actions = [e.action for e in audit.list_events(s)]
    assert {"auth.login", "token.issue", "token.revoke", "auth.logout"} <= set(actions)


def test_intake_windows_and_exposure_counts(store: Store) -> None:
    record = intake_repo.StoredSubmission(
        id="ack_1",
        received_at=NOW,
        status="received",
        category="jailbreak",
        severity_claim="high",
        title="t",
        body={"title": "t"},
        disclosure_due=date(2027, 2, 25),
    )
    with store.session() as s:
        intake_repo.add_submission(s, record, client="k", actor="intake")
        intake_repo.add_submission(
            s,
            record.model_copy(update={"id": "ack_2", "received_at": NOW - timedelta(hours=2)}),
            client="k",
            actor="intake",
        )
        assert intake_repo.count_since(s, client="k", since=NOW - timedelta(hours=1)) == 1
        oldest = intake_repo.oldest_since(s, client="k", since=NOW - timedelta(hours=3))
        assert oldest is not None and oldest.replace(tzinfo=UTC) == NOW - timedelta(hours=2)
        wellbeing_repo.add_view(s, viewer="tess", subject="attempt:a", category="x", day="2026-11-27", at=NOW)
        wellbeing_repo.add_override(
            s, viewer="tess", day="2026-11-27", extra=3, granted_by="lena", reason="r", at=NOW
        )
        assert wellbeing_repo.views_on(s, viewer="tess", day="2026-11-27") == 1
        assert wellbeing_repo.extra_on(s, viewer="tess", day="2026-11-27") == 3
        seen = wellbeing_repo.viewed_since(
            s, viewer="tess", subjects=["attempt:a", "attempt:b"], since=NOW - timedelta(minutes=5)
        )
        assert seen == {"attempt:a"}
        assert wellbeing_repo.set_opted_out(s, "tess", ["b", "a", "a"]) == ["a", "b"]
        assert wellbeing_repo.opted_out(s, "tess") == ["a", "b"]
