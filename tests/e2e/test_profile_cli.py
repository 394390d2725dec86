"""Profiles on the real CLI: shown for a system, given or inferred by scan, and stored with the round."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.round_cli import make_workspace, redline, write_prompts
from tests.integration.targets.servers import mock_openai

CHEAP = ("--scorer", "refusal.phrases")


def _profiles(ws: Path) -> list[dict[str, Any] | None]:
    db = sqlite3.connect(ws / ".redline" / "redline.db", timeout=30)
    try:
        return [
            json.loads(c).get("profile")
            for (c,) in db.execute("SELECT config FROM rounds ORDER BY created_at")
        ]
    finally:
        db.close()


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_system_show_prints_the_profile_and_json_gives_it_whole(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    config = ws / "redline.yaml"
    block = (
        "    profile:\n      pack: telecom\n      purpose: Broadband fault helper\n"
        "      forbidden_actions: [send an engineer without a booking]\n"
    )
    text = config.read_text()
    config.write_text(text.replace("    target:\n", block + "    target:\n", 1))
    shown = redline("-w", str(ws), "system", "show", "fake", cwd=tmp_path, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "pack telecom" in shown.stdout and "Broadband fault helper" in shown.stdout
    whole = json.loads(redline("-w", str(ws), "system", "show", "fake", "--json", cwd=tmp_path).stdout)
    assert whole["profile"]["forbidden_actions"] == ["send an engineer without a booking"]
    assert len(whole["profile"]["harmful_asks"]) >= 8 and len(whole["profile_hash"]) == 64
    config.write_text(text.replace("    target:\n", "    profile: {pack: nope}\n    target:\n", 1))
    bad = redline("-w", str(ws), "system", "show", "fake", cwd=tmp_path, timeout=60)
    assert bad.returncode == 2 and "field 'pack': no domain pack named 'nope'" in bad.stderr


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_scan_keeps_a_purpose_and_a_profile_file_with_its_round(tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "p.txt", 2)
    profile = tmp_path / "profile.yaml"
    profile.write_text("pack: insurance\npurpose: Pet insurance claims\n")
    with mock_openai("--latency-ms", "1") as url:
        base = ("scan", "--url", url, "--model", "mock-model", "--prompts", str(prompts), *CHEAP)
        first = redline(
            *base, "--purpose", "I answer questions about phone bills and roaming charges", cwd=tmp_path
        )
        assert first.returncode == 0, first.stderr
        assert "profile: inferred pack 'telecom'" in first.stdout + first.stderr
        second = redline(*base, "--profile", str(profile), cwd=tmp_path)
        assert second.returncode == 0, second.stderr
    stored = _profiles(tmp_path / "redline-scan")
    assert [p["pack"] for p in stored if p] == ["telecom", "insurance"]
    assert (
        stored[0] is not None and stored[0]["source"] == "purpose" and stored[0]["inference"]["telecom"] > 0
    )
    assert stored[1] is not None and stored[1]["purpose"] == "Pet insurance claims"
    ws = tmp_path / "redline-scan"
    db = sqlite3.connect(ws / ".redline" / "redline.db")
    last = db.execute("SELECT id FROM rounds ORDER BY created_at DESC").fetchone()[0]
    db.close()
    shown = redline("-w", str(ws), "round", "show", last, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Profile: pack insurance; purpose: Pet insurance claims" in shown.stdout


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_scan_infers_the_pack_from_the_targets_answers(tmp_path: Path) -> None:
    reply = (
        "I'm the help assistant of Skylark Mobile: I explain your monthly bill and roaming charges, "
        "order a replacement SIM, move your number to us and check for mast outages near you."
    )
    with mock_openai("--latency-ms", "1", "--reply", reply) as url:
        res = redline(
            "scan",
            "--url",
            url,
            "--model",
            "mock-model",
            "--playbook",
            "jailbreak",
            "--sample-size",
            "1",
            *CHEAP,
            cwd=tmp_path,
        )
    assert res.returncode == 0, res.stderr
    assert "profile: inferred pack 'telecom' (similarity 0." in res.stdout + res.stderr
    stored = _profiles(tmp_path / "redline-scan")
    assert (
        stored
        and stored[-1] is not None
        and stored[-1]["source"] == "inferred"
        and stored[-1]["pack"] == "telecom"
    )
