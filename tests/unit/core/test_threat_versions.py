"""Field-level diffs between states of threats and of the whole catalog."""

from __future__ import annotations

from redline.core.catalog.threat_versions import ChangeKind, diff_states, diff_threat

A = {"id": "x.a", "title": "A", "mappings": [{"standard": "s", "id": "1"}], "owner": "sec"}


def test_equal_states_have_no_diff() -> None:
    assert diff_threat("x.a", A, dict(A), before_label="v1", after_label="v2") is None


def test_changed_fields_are_listed_with_both_values() -> None:
    after = {**A, "owner": "appsec", "mappings": [{"standard": "s", "id": "2"}]}
    diff = diff_threat("x.a", A, after, before_label="v1", after_label="v2")
    assert diff is not None and diff.change is ChangeKind.CHANGED
    assert [(f.field, f.before, f.after) for f in diff.fields] == [
        ("mappings", [{"standard": "s", "id": "1"}], [{"standard": "s", "id": "2"}]),
        ("owner", "sec", "appsec"),
    ]


def test_catalog_states_report_added_and_removed_threats() -> None:
    diffs = diff_states({"x.a": A}, {"x.b": {**A, "id": "x.b"}}, before_label="r1", after_label="files")
    assert [(d.threat_id, d.change) for d in diffs] == [
        ("x.a", ChangeKind.REMOVED),
        ("x.b", ChangeKind.ADDED),
    ]
    assert diffs[0].before_label == "r1" and diffs[1].after_label == "files"
