"""`redline concern raise` takes the concern from stdin or $EDITOR, so it never sits in `ps` or history."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from redline.config.settings import load_settings
from redline.program.workspace import open_workspace_store
from redline.store.repos import concerns as concerns_repo
from tests.e2e.inprocess import cli, workspace_with_people


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _texts(ws: Path) -> list[str]:
    store = open_workspace_store(load_settings(ws, env={}))
    try:
        with store.session() as s:
            return sorted(c.text for c in concerns_repo.list_concerns(s))
    finally:
        store.dispose()


def test_piped_text_is_read_from_stdin_without_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_with_people(tmp_path / "ws", capsys)
    monkeypatch.setattr("sys.stdin", io.StringIO("The gate was signed before the round ended.\n"))
    code, out, err = cli(capsys, ws, "concern", "raise", "--json")
    assert code == 0 and json.loads(out)["claim_code"]
    assert "warning" not in err
    assert _texts(ws) == ["The gate was signed before the round ended."]


def test_at_a_terminal_the_editor_writes_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_with_people(tmp_path / "ws", capsys)
    monkeypatch.setattr("sys.stdin", _Terminal(""))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", 'sh -c \'printf "Written in the editor." > "$0"\'')
    code, _, err = cli(capsys, ws, "concern", "raise", "--about", "other")
    assert code == 0 and "warning" not in err
    assert _texts(ws) == ["Written in the editor."]


def test_text_as_an_argument_still_works_with_a_one_line_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace_with_people(tmp_path / "ws", capsys)
    code, _, err = cli(capsys, ws, "concern", "raise", "Said out loud.")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("warning:") and "ps" in err and "history" in err
    assert _texts(ws) == ["Said out loud."]
