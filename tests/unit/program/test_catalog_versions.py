"""The living catalog: edits and syncs become versions with author and reason; diffs read them back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.catalog.threat_versions import ChangeKind, RevisionKind
from redline.core.errors import ConfigError, PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.catalog import catalog_versions as cv
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import users
from redline.store.session import Store

CUSTOM = """\
id: ops.custom
title: A workspace threat
description: Specific to this product.
harm_category: security
owner: security
review_by: 2027-01-31
"""


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    st = open_workspace_store(workspace)
    with st.session() as s:
        users.add_user(s, name="lee", roles={Role.LEAD}, actor="setup")
        users.add_user(s, name="tia", roles={Role.TESTER}, actor="setup")
        users.add_user(s, name="cam", roles={Role.COMMITTEE}, actor="setup")
    yield st
    st.dispose()


def test_edit_diff_and_versions_round_trip(store: Store, workspace: Settings) -> None:
    with store.session() as s:
        first = cv.sync_catalog(s, settings=workspace, user="lee", reason="baseline")
    assert first is not None and first.kind is RevisionKind.SYNC and len(first.changes) == len(load_catalog())
    with store.session() as s:
        result = cv.edit_threat(
            s,
            "injection.direct",
            settings=workspace,
            user="cam",
            assignments=["max_failure_rate=0.05", "affected_groups=[operators, children]"],
            reason="incident 42 showed children use the product",
        )
    assert result.revision.kind is RevisionKind.EDIT and result.revision.changes == {"injection.direct": 2}
    on_disk = load_catalog(workspace.workspace / "catalog").entry("injection.direct")
    assert on_disk.source == "workspace" and on_disk.threat.max_failure_rate == 0.05
    with store.session() as s:
        history = cv.threat_history(s, "injection.direct", settings=workspace)
        assert [(v.version, v.author, v.reason) for v in history] == [
            (1, "lee", "baseline"),
            (2, "cam", "incident 42 showed children use the product"),
        ]
        assert history[0].content_hash != history[1].content_hash
        (diff,) = cv.diff_catalog(
            s, settings=workspace, threat_id="injection.direct", from_version=1, to_version=2
        )
        assert {f.field: (f.before, f.after) for f in diff.fields} == {
            "affected_groups": (["operators", "end users"], ["operators", "children"]),
            "max_failure_rate": (0.1, 0.05),
        }
        assert cv.diff_catalog(s, settings=workspace) == []  # files match the newest versions
        whole = cv.diff_catalog(s, settings=workspace, from_version=1, to_version=2)
        assert [d.threat_id for d in whole] == ["injection.direct"]
        actions = [e.action for e in audit.list_events(s, subject="injection.direct")]
        assert actions == ["catalog.version", "catalog.version"]
        assert audit.verify(s)[1] is None


def test_sync_records_added_changed_and_removed_workspace_threats(store: Store, workspace: Settings) -> None:
    folder = workspace.workspace / "catalog"
    with store.session() as s:
        cv.sync_catalog(s, settings=workspace, user="lee", reason="baseline")
        assert cv.sync_catalog(s, settings=workspace, user="lee", reason="again") is None
    (folder / "ops.custom.yaml").write_text(CUSTOM, encoding="utf-8")
    with store.session() as s:
        (pending,) = cv.diff_catalog(s, settings=workspace)
        assert (pending.threat_id, pending.change) == ("ops.custom", ChangeKind.ADDED)
        added = cv.sync_catalog(s, settings=workspace, user="lee", reason="our own threat")
    assert added is not None and added.changes == {"ops.custom": 1}
    (folder / "ops.custom.yaml").write_text(CUSTOM.replace("owner: security", "owner: ops"), encoding="utf-8")
    with store.session() as s:
        changed = cv.sync_catalog(s, settings=workspace, user="lee", reason="new owner")
    assert changed is not None and changed.changes == {"ops.custom": 2}
    (folder / "ops.custom.yaml").unlink()
    with store.session() as s:
        removed = cv.sync_catalog(s, settings=workspace, user="lee", reason="merged into another")
        history = cv.threat_history(s, "ops.custom", settings=workspace)
    assert removed is not None and [v.change for v in history] == [
        ChangeKind.ADDED,
        ChangeKind.CHANGED,
        ChangeKind.REMOVED,
    ]
    assert history[-1].content is None


def test_edit_records_the_files_first_when_they_were_never_synced(store: Store, workspace: Settings) -> None:
    with store.session() as s:
        cv.edit_threat(
            s, "harmful.cbrn", settings=workspace, user="lee", assignments=["owner=cbrn-experts"], reason="r"
        )
        history = cv.threat_history(s, "harmful.cbrn", settings=workspace)
        revisions = cv.revisions(s)
    assert [v.version for v in history] == [1, 2] and history[0].content is not None
    assert history[0].content["owner"] == "safety"
    assert [r.kind for r in revisions] == [RevisionKind.EDIT, RevisionKind.SYNC]


def test_edits_need_a_reason_an_editor_and_a_valid_value(store: Store, workspace: Settings) -> None:
    with store.session() as s, pytest.raises(UsageError, match="needs a --reason"):
        cv.edit_threat(
            s, "injection.direct", settings=workspace, user="lee", assignments=["owner=x"], reason=" "
        )
    with store.session() as s, pytest.raises(PermissionDeniedError, match="tia may not edit"):
        cv.edit_threat(
            s, "injection.direct", settings=workspace, user="tia", assignments=["owner=x"], reason="r"
        )
    with store.session() as s, pytest.raises(ConfigError, match="max_failure_rate"):
        cv.edit_threat(
            s,
            "injection.direct",
            settings=workspace,
            user="lee",
            assignments=["max_failure_rate=2"],
            reason="r",
        )
    with store.session() as s, pytest.raises(UsageError, match="no field 'colour'"):
        cv.edit_threat(
            s, "injection.direct", settings=workspace, user="lee", assignments=["colour=red"], reason="r"
        )
    with store.session() as s, pytest.raises(UsageError, match="cannot be edited"):
        cv.edit_threat(
            s, "injection.direct", settings=workspace, user="lee", assignments=["id=x.y"], reason="r"
        )


def test_assignments_read_values_as_yaml_but_keep_text_fields_text() -> None:
    assert cv.parse_assignment("sample=[a, b]") == ("sample", ["a", "b"])
    assert cv.parse_assignment("owner=") == ("owner", None)
    threat = load_catalog().get("injection.direct")
    edited = cv.apply_changes(
        threat, ["owner=2027", "review_by=2028-01-31", "zero_tolerance=true", "max_failure_rate="]
    )
    assert edited.owner == "2027" and edited.review_by is not None and edited.review_by.year == 2028
    assert edited.zero_tolerance and edited.max_failure_rate is None


def test_gate_tolerances_change_only_by_the_risk_acceptors(store: Store, workspace: Settings) -> None:
    for change in ("max_failure_rate=0.5", "zero_tolerance=true"):
        with (
            store.session() as s,
            pytest.raises(PermissionDeniedError, match="lee may not change a threat's gate"),
        ):
            cv.edit_threat(
                s, "injection.direct", settings=workspace, user="lee", assignments=[change], reason="r"
            )
    with store.session() as s:
        cv.edit_threat(
            s, "injection.direct", settings=workspace, user="lee", assignments=["owner=appsec"], reason="r"
        )
        done = cv.edit_threat(
            s,
            "injection.direct",
            settings=workspace,
            user="cam",
            assignments=["max_failure_rate=0.2"],
            reason="r",
        )
    assert done.threat.max_failure_rate == 0.2
