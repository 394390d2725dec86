"""Catalog edits under concurrency: readers never see a half-written file, and no spurious revision
appears when editors race (files replaced atomically, under the workspace's catalog lock)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.catalog.threat_versions import RevisionKind
from redline.core.people.users import Role
from redline.program.catalog import catalog_versions as cv
from redline.program.workspace import open_workspace_store
from redline.store.repos import users
from redline.store.session import Store
from redline.store.tables import CatalogRevisionRow

WRITERS, EDITS, READERS = 3, 5, 3
LONG = "word " * 4000  # a long description: writing it in place takes long enough to be read half-way


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    with st.session() as s:
        users.add_user(s, name="lee", roles={Role.LEAD}, actor="setup")
    with st.session() as s:
        cv.sync_catalog(s, settings=workspace, user="lee", reason="baseline")
    yield st
    st.dispose()


def test_concurrent_editors_and_readers(store: Store, workspace: Settings) -> None:
    folder = cv.catalog_dir(workspace)
    errors: list[str] = []
    done = threading.Event()

    def edit(writer: int) -> None:
        try:
            for i in range(EDITS):
                with store.session() as s:
                    cv.edit_threat(
                        s,
                        "injection.direct",
                        settings=workspace,
                        user="lee",
                        assignments=[f"description={LONG}{writer}-{i}"],
                        reason=f"edit {writer}-{i}",
                    )
        except Exception as exc:  # the test reports every failure below
            errors.append(f"writer: {type(exc).__name__}: {exc}")

    def read() -> None:
        while not done.is_set():
            try:
                load_catalog(folder).entry("injection.direct")
            except Exception as exc:
                errors.append(f"reader: {type(exc).__name__}: {str(exc)[:120]}")
                return

    readers = [threading.Thread(target=read) for _ in range(READERS)]
    writers = [threading.Thread(target=edit, args=(w,)) for w in range(WRITERS)]
    for t in (*readers, *writers):
        t.start()
    for t in writers:
        t.join()
    done.set()
    for t in readers:
        t.join()
    assert errors == []
    with store.session() as s:
        kinds = [RevisionKind(k) for k in s.scalars(select(CatalogRevisionRow.kind))]
    assert kinds.count(RevisionKind.EDIT) == WRITERS * EDITS
    assert kinds.count(RevisionKind.SYNC) == 1, "only the baseline: no 'files as found' revision"
    assert not list(folder.glob(".*.tmp"))
