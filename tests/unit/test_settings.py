from __future__ import annotations

from pathlib import Path

import pytest

from redline.config.settings import find_workspace, load_settings
from redline.core.errors import ConfigError, WorkspaceNotFoundError


def _ws(folder: Path, text: str = "name: t\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "redline.yaml").write_text(text)
    return folder


def test_flag_wins_over_environment(tmp_path: Path) -> None:
    a, b = _ws(tmp_path / "a"), _ws(tmp_path / "b")
    assert find_workspace(a, env={"REDLINE_WORKSPACE": str(b)}, cwd=tmp_path) == a.resolve()


def test_environment_used_without_flag(tmp_path: Path) -> None:
    b = _ws(tmp_path / "b")
    assert find_workspace(None, env={"REDLINE_WORKSPACE": str(b)}, cwd=tmp_path) == b.resolve()


def test_nearest_parent_is_found(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    deep = ws / "x" / "y"
    deep.mkdir(parents=True)
    assert find_workspace(None, env={}, cwd=deep) == ws.resolve()


def test_missing_workspace_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceNotFoundError, match="redline init"):
        find_workspace(None, env={}, cwd=tmp_path)


def test_bad_field_names_file_line_and_field(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", "name: t\ndefaults:\n  seed: 1\n  concurrency: zero\n")
    with pytest.raises(ConfigError) as info:
        load_settings(ws, env={})
    assert info.value.line == 4
    assert info.value.field == "defaults.concurrency"
    assert str(info.value).startswith(f"{ws / 'redline.yaml'}:4: field 'defaults.concurrency'")


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", "name: t\nsystems:\n  - name: a\n   target: {kind: gguf\n")
    with pytest.raises(ConfigError) as info:
        load_settings(ws, env={})
    assert info.value.line is not None and info.value.line >= 3


def test_inline_api_key_is_refused(tmp_path: Path) -> None:
    text = "name: t\nsystems:\n  - name: a\n    target:\n      kind: openai-compat\n      api_key: sk-xyz\n"
    with pytest.raises(ConfigError, match="environment variable") as info:
        load_settings(_ws(tmp_path / "ws", text), env={})
    assert info.value.line == 4


def test_environment_database_url_overrides(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    settings = load_settings(ws, env={"REDLINE_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_default_database_lives_in_state_folder(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws")
    assert load_settings(ws, env={}).database_url.endswith("/ws/.redline/redline.db")


_SYSTEMS = "systems:\n  - name: local-smol\n    target: {kind: gguf}\n"


def test_attacker_and_judge_name_configured_systems(tmp_path: Path) -> None:
    ws = _ws(tmp_path / "ws", f"name: t\n{_SYSTEMS}attacker: local-smol\njudge: local-smol\n")
    config = load_settings(ws, env={}).config
    assert config.attacker == config.judge == "local-smol"
    assert load_settings(_ws(tmp_path / "bare"), env={}).config.attacker is None


@pytest.mark.parametrize("field", ["attacker", "judge"])
def test_an_unknown_attacker_or_judge_is_a_one_line_error_naming_the_field(
    tmp_path: Path, field: str
) -> None:
    ws = _ws(tmp_path / "ws", f"name: t\n{_SYSTEMS}{field}: nowhere\n")
    with pytest.raises(ConfigError) as info:
        load_settings(ws, env={})
    message = str(info.value)
    assert "\n" not in message
    assert f"field '{field}': no system named 'nowhere'" in message and "known: local-smol" in message
    assert info.value.field == field
