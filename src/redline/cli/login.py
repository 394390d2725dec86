"""`redline login` / `redline logout`: a command-line sign-in for workspaces with `auth: required`.

`redline login NAME` checks the password through the same throttled, audited check as the workbench's
sign-in and issues a command-line token (an API token of scope `cli`, which the web refuses) that lasts
`auth.login_days`. The token is kept in the user's config folder (`$XDG_CONFIG_HOME/redline/tokens.json`,
else `~/.config/redline/tokens.json`), one entry per workspace, in a file only its owner reads (0600,
written to a temporary file and renamed). While the workspace requires sign-in, every command that acts
as a user acts as that account; `redline logout` revokes the token and forgets it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from redline.cli.context import os_user, state

if TYPE_CHECKING:
    from redline.config.settings import Settings
    from redline.store.session import Store

TOKENS_FILE = "tokens.json"


def tokens_path(env: dict[str, str] | None = None) -> Path:
    """Where command-line sign-ins are kept: `$XDG_CONFIG_HOME/redline/tokens.json` or under ~/.config."""
    environ = os.environ if env is None else env
    base = environ.get("XDG_CONFIG_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".config")
    return Path(base) / "redline" / TOKENS_FILE


def _key(settings: Settings) -> str:
    return str(settings.workspace.resolve())


def _database(settings: Settings) -> str:
    """The database a sign-in belongs to, hashed (its URL may hold a password)."""
    return hashlib.sha256(settings.database_url.encode("utf-8")).hexdigest()


def _read_all(path: Path) -> dict[str, Any]:
    from redline.core.errors import ConfigError

    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the saved sign-ins: {exc}", file=str(path)) from None
    return data if isinstance(data, dict) else {}


def _write_all(path: Path, data: dict[str, Any]) -> None:
    """Replace the file atomically; the temporary file is created owner-only, so the token never is not."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tokens-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def saved_sign_in(settings: Settings) -> dict[str, Any] | None:
    """This workspace's saved sign-in (account, token, token id, expiry), if one is kept for its database."""
    entry = _read_all(tokens_path()).get(_key(settings))
    if not isinstance(entry, dict) or entry.get("database") != _database(settings):
        return None
    return entry


def signed_in_account(settings: Settings, store: Store) -> str:
    """The account this workspace's saved sign-in acts as; a one-line refusal without a live one."""
    from redline.core.errors import UsageError
    from redline.program.people import accounts

    entry = saved_sign_in(settings)
    if entry is None:
        raise UsageError(
            f"{settings.config_path} requires sign-in (auth: required): run `redline login NAME` first"
        )
    with store.session() as session:
        grant = accounts.token_grant(session, str(entry.get("token", "")), cli=True)
    if grant is None:
        account = entry.get("account", "NAME")
        raise UsageError(f"the sign-in of '{account}' expired or was revoked: run `redline login {account}`")
    return grant.user.name


def login(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Account to sign in as.")],
    stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the password from the first line of standard input.")
    ] = False,
) -> None:
    """Sign in on the command line: check the password, keep a token for this workspace (0600 file)."""
    import getpass
    import sys

    from redline.cli.output import say
    from redline.core.errors import UsageError
    from redline.program.people import accounts, signin
    from redline.program.people.throttle import LoginThrottle

    st = state(ctx)
    st.signin_exempt = True
    settings = st.settings()
    password = sys.stdin.readline().rstrip("\r\n") if stdin else getpass.getpass(f"password for {name}: ")
    if not password:
        raise UsageError("no password given")
    store = st.store()
    user = signin.verify(
        store, LoginThrottle(), name=name, password=password, client=f"cli:{os_user()}", via="cli_login"
    )
    st.set_acting(user.name)
    previous = saved_sign_in(settings)
    with store.session() as session:
        issued = accounts.issue_cli_token(
            session, user=user, label=f"redline login ({os_user()})", days=settings.config.auth.login_days
        )
    path = tokens_path()
    data = _read_all(path)
    data[_key(settings)] = {
        "account": user.name,
        "token": issued.token,
        "token_id": issued.record.id,
        "database": _database(settings),
        "expires_at": issued.record.expires_at.isoformat() if issued.record.expires_at else None,
    }
    _write_all(path, data)
    if previous is not None:
        _revoke(store, previous)
    if not st.quiet:
        until = f"{issued.record.expires_at:%Y-%m-%d}" if issued.record.expires_at else "revoked"
        say(f"signed in as {user.name} until {until}; token kept in {path}")
        if not settings.config.auth.required:
            say("note: this workspace does not require sign-in (auth: required); --as still decides")


def _revoke(store: Store, entry: dict[str, Any]) -> bool:
    from redline.core.errors import NotFoundError
    from redline.store.repos import accounts as accounts_repo

    token_id = str(entry.get("token_id", ""))
    with store.session() as session:
        try:
            found = accounts_repo.get_token(session, token_id)
        except NotFoundError:
            return False
        if found.revoked:
            return False
        accounts_repo.revoke_token(session, token_id, actor=str(entry.get("account", "cli")))
    return True


def logout(ctx: typer.Context) -> None:
    """Sign out on the command line: revoke this workspace's token and forget it."""
    from redline.cli.output import say

    st = state(ctx)
    st.signin_exempt = True
    settings = st.settings()
    entry = saved_sign_in(settings)
    if entry is None:
        if not st.quiet:
            say("not signed in to this workspace")
        return
    st.set_acting(str(entry.get("account", "")))
    _revoke(st.store(), entry)
    path = tokens_path()
    data = _read_all(path)
    data.pop(_key(settings), None)
    _write_all(path, data)
    if not st.quiet:
        say(f"signed out {entry.get('account')}: the token is revoked and removed from {path}")
