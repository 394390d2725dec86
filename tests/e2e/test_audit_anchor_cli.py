"""`redline audit keygen / checkpoint / verify --checkpoints`: the chain anchored outside the database.

Someone with write access to the database rewrites an event and recomputes every hash after it, or
deletes the newest events: plain `audit verify` still passes, the signed checkpoints do not.
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import create_engine, text

from redline.config.settings import load_settings
from redline.core.audit import AuditCheckpoint, event_hash
from tests.e2e.inprocess import cli, workspace_with_people
from tests.unit.program.webhook_server import webhook_server


def _db(ws: Path) -> str:
    return load_settings(ws, env={}).database_url


def _rewrite_from(ws: Path, seq: int, *, actor: str) -> None:
    """Change one event's actor and recompute the chain from there, as an attacker with DB access would."""
    engine = create_engine(_db(ws))
    with engine.begin() as conn:
        rows = conn.execute(text("select * from audit_events order by seq")).mappings().all()
        prev = rows[seq - 2]["hash"] if seq > 1 else "0" * 64
        for row in rows[seq - 1 :]:
            new_actor = actor if row["seq"] == seq else row["actor"]
            digest = event_hash(
                seq=row["seq"],
                at=row["at"],
                actor=new_actor,
                action=row["action"],
                subject=row["subject"],
                payload=json.loads(row["payload"]),
                prev_hash=prev,
            )
            conn.execute(
                text("update audit_events set actor = :a, prev_hash = :p, hash = :h where seq = :s"),
                {"a": new_actor, "p": prev, "h": digest, "s": row["seq"]},
            )
            prev = digest
    engine.dispose()


def _truncate_from(ws: Path, seq: int) -> None:
    engine = create_engine(_db(ws))
    with engine.begin() as conn:
        conn.execute(text("delete from audit_events where seq >= :s"), {"s": seq})
    engine.dispose()


@pytest.fixture
def anchored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """A workspace with a key, one checkpoint in a file; (workspace, key, checkpoint file)."""
    ws = workspace_with_people(tmp_path / "ws", capsys)
    key = tmp_path / "keys" / "audit.key"
    code, out, _ = cli(capsys, ws, "audit", "keygen", "--key", str(key))
    assert code == 0 and str(key) in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and Path(f"{key}.pub").is_file()
    checkpoints = tmp_path / "anchor" / "checkpoints.jsonl"
    code, out, err = cli(capsys, ws, "audit", "checkpoint", "--to", str(checkpoints), "--key", str(key))
    assert code == 0, err
    assert "checkpoint event" in out
    return ws, key, checkpoints


def _verify(capsys: pytest.CaptureFixture[str], ws: Path, key: Path, cps: Path) -> tuple[int, str, str]:
    return cli(capsys, ws, "audit", "verify", "--checkpoints", str(cps), "--public-key", f"{key}.pub")


def test_the_checkpoint_is_signed_and_the_intact_chain_matches_it(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ws, key, cps = anchored
    [line] = cps.read_text(encoding="utf-8").splitlines()
    cp = AuditCheckpoint.model_validate_json(line)
    public = load_pem_public_key(Path(f"{key}.pub").read_bytes())
    assert isinstance(public, Ed25519PublicKey)
    public.verify(base64.b64decode(cp.signature), cp.signed_bytes())
    assert cp.seq == 3 and cp.workspace == "ws"
    code, out, _ = _verify(capsys, ws, key, cps)
    assert code == 0 and "matches 1 signed checkpoint" in out
    code, out, _ = cli(capsys, ws, "audit", "log", "--action", "audit.checkpoint", "--json")
    assert json.loads(out)[0]["payload"]["checkpoint"]["head"] == cp.head


def test_a_rewritten_event_before_a_checkpoint_fails_with_one_line(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ws, key, cps = anchored
    _rewrite_from(ws, 2, actor="mallory")
    assert cli(capsys, ws, "audit", "verify")[0] == 0  # the recomputed chain alone still verifies
    code, _, err = _verify(capsys, ws, key, cps)
    assert code == 1
    assert err.count("\n") == 1 and "event 3 does not match the checkpoint" in err and "rewritten" in err


def test_truncation_below_the_latest_checkpoint_fails(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ws, key, cps = anchored
    assert cli(capsys, ws, "audit", "checkpoint", "--to", str(cps), "--key", str(key))[0] == 0
    latest = AuditCheckpoint.model_validate_json(cps.read_text(encoding="utf-8").splitlines()[-1])
    _truncate_from(ws, latest.seq)
    assert cli(capsys, ws, "audit", "verify")[0] == 0
    code, _, err = _verify(capsys, ws, key, cps)
    assert code == 1 and err.count("\n") == 1
    assert f"ends at event {latest.seq - 1}" in err and "events were removed" in err


def test_a_forged_checkpoint_line_is_refused(
    anchored: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    ws, key, cps = anchored
    cp = AuditCheckpoint.model_validate_json(cps.read_text(encoding="utf-8").strip())
    forged = cp.model_copy(update={"seq": 1})
    cps.write_text(forged.line() + "\n", encoding="utf-8")
    code, _, err = _verify(capsys, ws, key, cps)
    assert code == 2 and "checkpoints.jsonl:1" in err and "signature does not verify" in err


def test_a_checkpoint_posted_to_a_webhook_and_the_key_made_on_first_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace_with_people(tmp_path / "ws", capsys)
    key = tmp_path / "fresh" / "signing.key"
    with webhook_server() as (url, got):
        code, out, err = cli(capsys, ws, "audit", "checkpoint", "--webhook", url, "--key", str(key))
        assert code == 0, err
        assert "created signing key" in out and stat.S_IMODE(key.stat().st_mode) == 0o600
        [body] = got.bodies
        assert got.headers[0]["Content-Type"] == "application/json"
        cp = AuditCheckpoint.model_validate(body)
        cps = tmp_path / "from-webhook.jsonl"
        cps.write_text(cp.line() + "\n", encoding="utf-8")
        assert _verify(capsys, ws, key, cps)[0] == 0
        got.status = 500
        code, _, err = cli(capsys, ws, "audit", "checkpoint", "--webhook", url, "--key", str(key))
        assert code == 3 and "answered 500" in err and err.count("\n") == 1
