"""Playbook lint: threats must exist; registered names are checked once the registries have entries."""

from __future__ import annotations

from pathlib import Path

from redline.catalog.loader import load_catalog
from redline.catalog.playbooks import Registry, lint_playbooks, load_playbooks

BOOK = """\
name: ops-check
title: A workspace playbook
objective: Check the custom things.
threats: [injection.direct, jailbreak.encoding]
guidance: Harmless markers only.
automated:
  - technique: direct-injection
    seeds: app-tasks
    scorers: [leak]
    sample_size: 10
manual:
  - instruction: Try it by hand.
stop_conditions: [a real secret appears]
"""


def _lint(folder: Path, registry: Registry) -> list[tuple[str, str]]:
    report = lint_playbooks(folder, catalog=load_catalog(), registry=registry)
    return [(p.level.value, p.message) for p in report.problems if p.subject in (None, "ops-check")]


def test_workspace_playbook_overrides_and_adds(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(BOOK, encoding="utf-8")
    books = load_playbooks(tmp_path)
    assert books.entries["ops-check"].source == "workspace"
    assert "prompt-injection" in books.entries


def test_empty_registries_warn_instead_of_failing(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(BOOK, encoding="utf-8")
    empty = frozenset[str]()
    found = _lint(tmp_path, Registry(techniques=empty, seed_sets=empty, scorers=empty))
    assert (
        "warning",
        "no technique is registered yet: technique names in playbooks are not checked",
    ) in found
    assert all(level == "warning" for level, _ in found)
    assert ("warning", "'jailbreak.encoding' is an alias; write 'jailbreak.obfuscation'") in found


def test_unknown_names_fail_once_registries_have_entries(tmp_path: Path) -> None:
    (tmp_path / "ops.yaml").write_text(BOOK, encoding="utf-8")
    registry = Registry(
        techniques=frozenset({"role-play"}), seed_sets=frozenset({"app-tasks"}), scorers=frozenset({"leak"})
    )
    errors = [m for level, m in _lint(tmp_path, registry) if level == "error"]
    assert errors == ["unknown technique 'direct-injection' (not in redline.attacks)"]


def test_unknown_threat_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ops.yaml"
    path.write_text(BOOK.replace("injection.direct", "injection.nowhere"), encoding="utf-8")
    report = lint_playbooks(tmp_path, catalog=load_catalog(), registry=Registry())
    (err,) = report.errors
    assert err.message == "threat 'injection.nowhere' is not in the catalog"
    assert err.file == str(path) and err.line == 4
