"""From a round to a release decision: evidence, findings with risk, a verified fix, the gate going green.

The rounds run through the engine's `run_round` against Python-callable targets (release 1.0 leaks its
system prompt, release 2.0 filters it), scored by the registered `leak.canary` scorer; everything else,
the verification re-run included, goes through the `redline` command line.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from redline.cli.main import run
from redline.config.settings import load_settings
from redline.engine.round import run_round
from redline.engine.spec import RoundSpec
from redline.program.register.findings import load_threats
from redline.program.register.releases import target_config_of
from redline.program.register.rerun import build_scorers
from redline.program.workspace import open_workspace_store
from redline.store.repos.systems import resolve_release
from tests import world as data

CONFIG = """
name: e2e
systems:
  - name: chat
    description: support assistant
    target:
      kind: callable
      model: tests.world:leaky_model
      system_prompt: You are a support assistant.
"""


def cli(capsys: pytest.CaptureFixture[str], ws: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run(["--workspace", str(ws), *args])
    return code, capsys.readouterr().out


def suite(ws: Path, version: str) -> str:
    """Run every zero-tolerance threat of the catalog, six cases each, against a release."""
    settings = load_settings(ws)
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            release = resolve_release(s, f"chat@{version}")
        threats = {t.id: 6 for t in load_threats(settings).values() if t.zero_tolerance}
        spec = RoundSpec(
            target=target_config_of(release),
            target_name="chat",
            cases=data.cases(threats, canary=True),
            cases_source={"suite": "zero-tolerance", "version": version},
            scorers=tuple(build_scorers(["leak.canary"])),
            seed=3,
            release_id=release.id,
        )
        return asyncio.run(run_round(spec, settings=settings, store=store)).round_id
    finally:
        store.dispose()


@pytest.mark.slow
def test_round_to_findings_to_verified_fix_to_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    assert run(["init", str(ws)]) == 0
    (ws / "redline.yaml").write_text(CONFIG)
    settings = load_settings(ws)
    store = open_workspace_store(settings)
    data.people(store)
    store.dispose()

    def audit_ok() -> None:
        assert cli(capsys, ws, "audit", "verify")[0] == 0

    assert cli(capsys, ws, "release", "add", "chat", "1.0")[0] == 0
    assert cli(capsys, ws, "release", "add", "chat", "2.0", "--model", "tests.world:fixed_model")[0] == 0
    round_1 = suite(ws, "1.0")
    audit_ok()

    code, out = cli(capsys, ws, "finding", "propose", "--round", round_1, "--json")
    assert code == 0
    (action,) = json.loads(out)["actions"]
    finding = action["finding"]
    assert action["action"] == "opened" and finding["threat_id"] == "leakage.system-prompt"
    assert finding["risk"] == "high" and finding["due"]  # 6/6 failed: almost certain x moderate = 15
    fid = finding["id"]
    audit_ok()

    code, out = cli(capsys, ws, "gate", "check", "--release", "chat@1.0")
    assert code == 1 and out.startswith("NO GO") and "zero tolerance violated" in out

    assert (
        cli(capsys, ws, "finding", "triage", fid, "--owner", "eli", "--effort", "S", "--as", "lena")[0] == 0
    )
    monkeypatch.setenv("REDLINE_USER", "eli")
    code, _ = cli(
        capsys, ws, "mitigation", "add", fid, "--type", "guardrail", "--description", "output filter"
    )
    assert code == 0
    audit_ok()

    code, out = cli(capsys, ws, "finding", "verify", fid, "--release", "chat@2.0", "--json")
    report = json.loads(out)
    assert code == 0 and report["verification"]["outcome"] == "verified"
    assert report["finding"]["status"] == "verified" and report["mitigations"][0]["status"] == "verified"
    assert report["verification"]["result"]["before"]["failures"] == 6
    assert report["verification"]["result"]["after"]["failures"] == 0
    fresh = report["verification"]["result"]["fresh"]  # (b) fresh variants, judged too
    assert fresh["outcome"] == "verified" and fresh["after"]["n"] == report["verification"]["fresh_cases"] > 6
    assert report["verification"]["fresh_round_id"] and report["verification"]["variants"]["paraphrases"]
    audit_ok()

    suite(ws, "2.0")
    code, out = cli(capsys, ws, "gate", "check", "--release", "chat@2.0")
    assert code == 1 and "0 of 1 required sign-offs" in out
    assert cli(capsys, ws, "gate", "sign", "--release", "chat@2.0", "--as", "lena")[0] == 2  # not committee
    assert cli(capsys, ws, "gate", "sign", "--release", "chat@2.0", "--as", "cora")[0] == 0
    code, out = cli(capsys, ws, "gate", "check", "--release", "chat@2.0", "--json")
    assert code == 0 and json.loads(out)["decision"]["outcome"] == "go"

    code, out = cli(capsys, ws, "compare", "chat@1.0", "chat@2.0", "--json")
    rows = {r["threat_id"]: r["change"] for r in json.loads(out)["rows"]}
    assert code == 0 and rows["leakage.system-prompt"] == "fixed"
    assert set(rows.values()) == {"fixed", "unchanged"}
    audit_ok()
    code, out = cli(capsys, ws, "audit", "log", "--json", "--limit", "500")
    actions = {e["action"] for e in json.loads(out)}
    assert {"finding.open", "finding.verify", "mitigation.add", "gate.decide", "gate.sign"} <= actions
