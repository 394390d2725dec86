"""Per-invocation state shared by commands: global options and the lazily built Settings."""

from __future__ import annotations

from contextvars import Token
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from redline.config.settings import Settings
    from redline.store.session import Store


@dataclass
class CliState:
    """Global options and the objects built from them, once per process."""

    workspace: Path | None = None
    debug: bool = False
    quiet: bool = False
    signin_exempt: bool = False
    """`redline login` and `logout` open the store without a sign-in."""
    account: str | None = None
    """The account of the saved sign-in, in a workspace that requires one (`auth: required`)."""
    _settings: Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _resets: list[Token[Any]] = field(default_factory=list, repr=False)

    def begin(self) -> None:
        """Audit events of this command record the OS user who ran it."""
        self.set_acting(None)

    def set_acting(self, account: str | None) -> None:
        """Every audit event from here on records the OS user, and the signed-in account when known."""
        from redline.store import audit

        acting = {"os_user": os_user()} | ({"account": account} if account else {})
        self._resets.append(audit.ACTING.set(acting))

    def settings(self) -> Settings:
        """The one Settings object for this invocation."""
        if self._settings is None:
            from redline.config.settings import load_settings

            self._settings = load_settings(self.workspace, debug=self.debug)
        return self._settings

    def store(self) -> Store:
        """The workspace's store, opened and migrated on first use."""
        if self._store is None:
            from redline.program.workspace import open_workspace_store

            self._store = open_workspace_store(self.settings())
            if self.settings().config.auth.required and not self.signin_exempt:
                self._sign_in(self._store)
        return self._store

    def _sign_in(self, store: Store) -> None:
        from redline.cli.login import signed_in_account
        from redline.program.people.actors import SIGNED_IN

        self.account = signed_in_account(self.settings(), store)
        self._resets.append(SIGNED_IN.set(self.account))
        self.set_acting(self.account)

    def acting(self, as_user: str | None) -> str | None:
        """Who acts: the signed-in account where the workspace requires sign-in (an --as naming anyone
        else is refused), else --as (or REDLINE_USER)."""
        from redline.core.errors import PermissionDeniedError

        self.store()
        if self.account is None:
            return as_user
        if as_user and as_user != self.account:
            raise PermissionDeniedError(
                f"signed in as '{self.account}': acting as '{as_user}' is refused "
                f"(run 'redline login {as_user}')"
            )
        return self.account

    def close(self) -> None:
        """Release the database connections and forget who acted."""
        if self._store is not None:
            self._store.dispose()
            self._store = None
        while self._resets:
            token = self._resets.pop()
            token.var.reset(token)


def state(ctx: typer.Context) -> CliState:
    """The CliState of the running command."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


def os_user() -> str:
    """The operating-system user running this command."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
