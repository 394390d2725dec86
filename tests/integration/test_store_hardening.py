"""The store's protections: concerns kept apart from ordered writers, hidden SQL parameters, NUL bytes
refused alike on every backend, owner-only database files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from redline.core.errors import InvalidTextError
from redline.core.people.users import Role
from redline.program.channels import concerns
from redline.program.channels.concerns import ConcernDraft, SubjectKind
from redline.program.workspace import init_workspace
from redline.store import audit
from redline.store.repos import concerns as concerns_repo
from redline.store.repos import users
from redline.store.session import Store, make_engine, open_store, upgrade
from redline.store.tables import ConcernRow, UserRow

MARK = "zq-distinctive-concern-text-7f3a"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _raise(store: Store, text_: str = MARK) -> concerns.Raised:
    with store.session() as s:
        return concerns.raise_concern(
            s, ConcernDraft(subject_kind=SubjectKind.PROGRAM, text=text_), workspace_access=True
        )


def test_a_concern_never_reaches_the_main_sqlite_file_or_its_wal(tmp_path: Path) -> None:
    main = tmp_path / "redline.db"
    store = open_store(f"sqlite:///{main}")
    try:
        with store.session() as s:
            audit.append(s, actor="ada", action="test.before")
        raised = _raise(store)
        with store.session() as s:
            audit.append(s, actor="ada", action="test.after")
            assert concerns.read_claim(s, raised.claim_code).text == MARK
        files = [main, Path(f"{main}-wal")]
        assert Path(f"{main}-wal").exists(), "the main database runs in WAL mode"
        assert all(MARK.encode() not in p.read_bytes() for p in files if p.exists())
        kept = tmp_path / "redline-concerns.db"
        assert MARK.encode() in kept.read_bytes()
        # no write-ahead log and no journal left to replay the order of concern writes
        assert not Path(f"{kept}-wal").exists() and not Path(f"{kept}-journal").exists()
        with store.engine.connect() as conn:
            assert conn.execute(text("select count(*) from concerns")).scalar() == 0
    finally:
        store.dispose()


def test_concerns_go_to_the_concerns_url_so_the_main_database_holds_no_row_to_order(
    db_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL a concern row in the main cluster would carry an ordered xmin: none is written."""
    apart = f"sqlite:///{tmp_path / 'apart' / 'concerns.db'}"
    store = open_store(db_url, concerns_url=apart)
    try:
        raised = _raise(store)
        with store.engine.connect() as conn:
            assert conn.execute(text("select count(*) from concerns")).scalar() == 0
        with store.session() as s:
            assert concerns.read_claim(s, raised.claim_code).text == MARK
    finally:
        store.dispose()


def test_concerns_an_older_version_stored_in_the_main_file_move_to_the_concerns_store(
    tmp_path: Path,
) -> None:
    main = tmp_path / "redline.db"
    engine = make_engine(f"sqlite:///{main}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(ConcernRow),
            [
                {
                    "id": "cn_old",
                    "raised_on": "2026-01-02",
                    "subject_kind": "program",
                    "reference": "",
                    "text": MARK,
                    "status": "new",
                    "status_reason": "",
                    "updated_on": "2026-01-02",
                    "claim_hash": "0" * 64,
                    "audited": False,
                }
            ],
        )
    engine.dispose()
    store = open_store(f"sqlite:///{main}")
    try:
        with store.session() as s:
            assert concerns_repo.get_concern(s, "cn_old").text == MARK
        with store.engine.connect() as conn:
            assert conn.execute(text("select count(*) from concerns")).scalar() == 0
        assert all(MARK.encode() not in p.read_bytes() for p in (main, Path(f"{main}-wal")) if p.exists())
    finally:
        store.dispose()


def test_a_failed_statement_does_not_carry_its_parameters(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with store.session() as s:
            users.add_user(s, name="ada", roles={Role.ADMIN}, actor="test", email=f"{MARK}@example.org")
        with pytest.raises(IntegrityError) as caught, store.session() as s:
            s.add(UserRow(id="usr_dup", name="ada", email=f"{MARK}@example.org", roles=["admin"]))
        assert MARK not in str(caught.value)
        assert caught.value.hide_parameters
    finally:
        store.dispose()


def test_a_nul_byte_is_refused_alike_on_every_backend(db_url: str) -> None:
    store = open_store(db_url)
    try:
        with pytest.raises(InvalidTextError, match=r"concerns\.text: .*NUL"):
            _raise(store, "before\x00after")
        with pytest.raises(InvalidTextError, match="NUL"), store.session() as s:
            users.add_user(s, name="nul\x00name", roles={Role.TESTER}, actor="test")
        with store.session() as s:
            assert s.scalars(select(ConcernRow)).all() == []
    finally:
        store.dispose()


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.usefixtures("loose_umask")
def test_the_workspace_state_folder_and_database_files_are_owner_only(tmp_path: Path) -> None:
    settings = init_workspace(tmp_path / "ws", name="perm").settings
    state = settings.state_dir
    assert _mode(state) == 0o700
    store = open_store(settings.database_url)
    try:
        with store.session() as s:
            audit.append(s, actor="ada", action="test.write")
        _raise(store)
        db_files = [p for p in state.iterdir() if p.name.startswith("redline") and p.suffix != ".lock"]
        assert any(p.name.endswith("-wal") for p in db_files)
        for path in db_files:
            assert _mode(path) == 0o600, path.name
    finally:
        store.dispose()
