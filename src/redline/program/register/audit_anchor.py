"""Anchor the audit log outside the database: signed checkpoints of the chain's head.

The hash chain shows an edit only to someone who kept an earlier hash: anyone who can write the
database can recompute every hash after an edit, or delete the newest events, and the chain still
verifies. A checkpoint is the chain's last sequence number and hash with the time, signed with an
Ed25519 key that lives in a file outside the database (never in it, never in the workspace's store).
It is appended to a checkpoint file (one JSON line each) or POSTed to a webhook, and also recorded in
the chain as an `audit.checkpoint` event so that reports and bundles print the newest one.

`verify_checkpoints` then checks the chain against checkpoints read back from that file: a rewritten
event at or before a checkpoint's sequence number, or a log shorter than it, fails; a checkpoint whose
signature does not verify with the public key is refused, so a forged file does not pass either.

Where the key lives: `--key`, else REDLINE_AUDIT_KEY, else `audit.key` in redline.yaml, else
`~/.config/redline/audit-signing.key`. `redline audit keygen` creates it (0600, with the public key
next to it as `<key>.pub`); `redline audit checkpoint` creates it on first use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.orm import Session

from redline.core.audit import (
    CHECKPOINT_ACTION,
    AuditCheckpoint,
    ChainBreak,
    CheckpointMismatch,
    check_against,
)
from redline.core.errors import ConfigError, RedlineError, UsageError
from redline.store import audit
from redline.store.files import write_private_file

KEY_ENV = "REDLINE_AUDIT_KEY"
PUBLIC_SUFFIX = ".pub"
WEBHOOK_TIMEOUT_S = 10.0


class AnchorError(RedlineError):
    """A checkpoint could not be written, or a key could not be read."""

    exit_code = 3


def default_key_path(env: Mapping[str, str]) -> Path:
    """`~/.config/redline/audit-signing.key` (XDG_CONFIG_HOME honoured): outside every workspace."""
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "redline" / "audit-signing.key"


def key_path(explicit: Path | None, *, env: Mapping[str, str], configured: str | None) -> Path:
    """The signing key's path: the option, then REDLINE_AUDIT_KEY, then redline.yaml, then the default."""
    chosen = explicit or (Path(env[KEY_ENV]) if env.get(KEY_ENV) else None)
    chosen = chosen or (Path(configured) if configured else None)
    return (chosen or default_key_path(env)).expanduser()


def public_path(key: Path) -> Path:
    """Where the public key goes: next to the private one."""
    return key.with_name(key.name + PUBLIC_SUFFIX)


def generate_key(path: Path) -> Path:
    """Create an Ed25519 key at `path` (0600, atomically; refuses to overwrite) and its public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        write_private_file(path, pem, exist_ok=False)
    except FileExistsError:
        raise UsageError(f"{path} exists already; keep it, or move it away to make a new key") from None
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_path(path).write_bytes(public)
    return public_path(path)


def _load_private(path: Path) -> object:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"cannot read the audit signing key: {type(exc).__name__}", file=str(path)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("not an Ed25519 private key", file=str(path))
    if path.stat().st_mode & 0o077:
        raise ConfigError("the audit signing key is readable by others; chmod 600 it", file=str(path))
    return key


def load_public_key(path: Path) -> object:
    """An Ed25519 public key from a PEM file."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the public key: {type(exc).__name__}", file=str(path)) from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("not an Ed25519 public key", file=str(path))
    return key


def key_id(public_key: object) -> str:
    """First 16 hex digits of the SHA-256 of the raw public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    assert isinstance(public_key, Ed25519PublicKey)
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class Written:
    """A checkpoint and where it went."""

    checkpoint: AuditCheckpoint
    destination: str
    key_created: bool


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _post(url: str, checkpoint: AuditCheckpoint) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--webhook must be an http(s) URL, got '{parts.scheme}://{parts.hostname or ''}'")
    body = json.dumps(checkpoint.model_dump()).encode("utf-8")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as answer:
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AnchorError(f"checkpoint webhook {parts.hostname} unreachable: {reason}") from None
    if not 200 <= status < 300:
        raise AnchorError(f"checkpoint webhook {parts.hostname} answered {status}")


def write_checkpoint(
    session: Session,
    *,
    key: Path,
    workspace: str,
    actor: str,
    to_file: Path | None = None,
    webhook: str | None = None,
    now: datetime | None = None,
) -> Written:
    """Sign the chain's current head, send it to the file or webhook, and record it in the chain."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if (to_file is None) == (webhook is None):
        raise UsageError("say where the checkpoint goes: --to FILE or --webhook URL (one of them)")
    created = False
    if not key.exists():
        generate_key(key)
        created = True
    private = _load_private(key)
    assert isinstance(private, Ed25519PrivateKey)
    seq, head = audit.head(session)
    unsigned = AuditCheckpoint(
        workspace=workspace,
        seq=seq,
        head=head,
        at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        key_id=key_id(private.public_key()),
    )
    signature = base64.b64encode(private.sign(unsigned.signed_bytes())).decode("ascii")
    checkpoint = unsigned.model_copy(update={"signature": signature})
    if to_file is not None:
        _append_line(to_file, checkpoint.line())
        destination = f"file {to_file.name}"
    else:
        assert webhook is not None
        _post(webhook, checkpoint)
        destination = f"webhook {urlsplit(webhook).hostname}"
    audit.append(
        session,
        actor=actor,
        action=CHECKPOINT_ACTION,
        subject=str(seq),
        payload={"checkpoint": checkpoint.model_dump(), "destination": destination.split(" ")[0]},
    )
    return Written(checkpoint=checkpoint, destination=destination, key_created=created)


def read_checkpoints(path: Path, public_key_file: Path) -> list[AuditCheckpoint]:
    """Every checkpoint in a file, each signature checked with the public key (one-line errors)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = load_public_key(public_key_file)
    assert isinstance(public, Ed25519PublicKey)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read the checkpoints: {exc.strerror}", file=str(path)) from None
    found: list[AuditCheckpoint] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            cp = AuditCheckpoint.model_validate_json(raw)
            public.verify(base64.b64decode(cp.signature, validate=True), cp.signed_bytes())
        except (ValidationError, ValueError):
            raise ConfigError("not a checkpoint line", file=str(path), line=number) from None
        except InvalidSignature:
            raise ConfigError(
                "the checkpoint's signature does not verify with the public key", file=str(path), line=number
            ) from None
        found.append(cp)
    if not found:
        raise ConfigError("no checkpoint in the file", file=str(path))
    return found


@dataclass(frozen=True)
class AnchoredCheck:
    """The chain walked and compared with checkpoints."""

    verified: int
    brk: ChainBreak | None
    mismatch: CheckpointMismatch | None
    checkpoints: int

    @property
    def ok(self) -> bool:
        """True when the chain holds and matches every checkpoint."""
        return self.brk is None and self.mismatch is None


def verify_checkpoints(session: Session, checkpoints: list[AuditCheckpoint]) -> AnchoredCheck:
    """Walk the chain and compare it with the checkpoints."""
    heads: dict[int, str] = {cp.seq: "" for cp in checkpoints}
    verified, brk = audit.verify(session, heads=heads)
    if brk is not None:
        return AnchoredCheck(verified=verified, brk=brk, mismatch=None, checkpoints=len(checkpoints))
    found = {seq: h for seq, h in heads.items() if h}
    mismatch = check_against(checkpoints, found, verified)
    return AnchoredCheck(verified=verified, brk=None, mismatch=mismatch, checkpoints=len(checkpoints))
