"""A missing optional part is one line naming the extra to install, exit 2, never an internal error."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from redline.cli.extras import PROVIDERS, UMBRELLAS, extras_by_distribution, missing_extra_message
from redline.cli.main import run

ROOT = Path(__file__).resolve().parents[2]


def _optional_distributions() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found: dict[str, list[str]] = {}
    for extra, requirements in project["optional-dependencies"].items():
        if extra in UMBRELLAS:
            continue
        for req in requirements:
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
            assert name is not None
            found.setdefault(re.sub(r"[-_.]+", "-", name.group(0)).lower(), []).append(extra)
    return found


def test_every_optional_distribution_has_an_import_name() -> None:
    provided = {re.sub(r"[-_.]+", "-", d).lower() for d in PROVIDERS.values()}
    missing = sorted(set(_optional_distributions()) - provided - {"jinja2"})  # Jinja2 is also core
    assert missing == [], f"add the import names of {missing} to redline.cli.extras.PROVIDERS"


def test_extras_are_read_from_the_installed_metadata() -> None:
    by_dist = extras_by_distribution()
    assert by_dist["argon2-cffi"] == ("web",)
    assert by_dist["llama-cpp-python"] == ("local",)
    assert set(by_dist["torch"]) == {"embeddings", "whitebox"}


def test_message_names_the_extra() -> None:
    message = missing_extra_message(ModuleNotFoundError("No module named 'argon2'", name="argon2"))
    assert message == (
        "this command needs the optional part 'web' (argon2 is not installed); "
        "install it with: pip install 'redline[web]'"
    )
    assert missing_extra_message(ModuleNotFoundError("x", name="not_a_known_part")) is None


def test_a_command_missing_the_web_part_exits_2_naming_it(tmp_path: Path) -> None:
    """As after an install without the web extra: `redline user password` names the extra, exit 2."""
    assert run(["init", str(tmp_path / "ws")]) == 0
    code = (
        "import sys; sys.modules['argon2'] = None; "  # import argon2 -> ModuleNotFoundError
        "from redline.cli.main import run; "
        "assert run(['user', 'add', 'ada', '--role', 'admin']) == 0; "
        "sys.exit(run(['user', 'password', 'ada', '--stdin']))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path / "ws",
        input="a long enough password\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: this command needs the optional part 'web' (argon2 is not installed); "
        "install it with: pip install 'redline[web]'"
    ]
