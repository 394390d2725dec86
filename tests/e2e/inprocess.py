"""Helpers for end-to-end tests that run the CLI in this process: the call itself, and a workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.cli.main import run


def cli(capsys: pytest.CaptureFixture[str], ws: Path, *args: str) -> tuple[int, str, str]:
    """Run `redline --workspace WS ARGS...`; the exit code, stdout and stderr of that call alone."""
    capsys.readouterr()
    code = run(["--workspace", str(ws), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def workspace_with_people(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new workspace with an admin (ada) and a tester (tess)."""
    assert run(["-q", "init", str(folder)]) == 0
    assert cli(capsys, folder, "user", "add", "ada", "--role", "admin")[0] == 0
    assert cli(capsys, folder, "user", "add", "tess", "--role", "tester", "--as", "ada")[0] == 0
    return folder
