"""Per-invocation state shared by commands: global options and the lazily built Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from redline.settings import Settings
    from redline.store.session import Store


@dataclass
class CliState:
    """Global options and the objects built from them, once per process."""

    workspace: Path | None = None
    debug: bool = False
    quiet: bool = False
    _settings: Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """The one Settings object for this invocation."""
        if self._settings is None:
            from redline.settings import load_settings

            self._settings = load_settings(self.workspace, debug=self.debug)
        return self._settings

    def store(self) -> Store:
        """The workspace's store, opened and migrated on first use."""
        if self._store is None:
            from redline.program.workspace import open_workspace_store

            self._store = open_workspace_store(self.settings())
        return self._store

    def close(self) -> None:
        """Release the database connections."""
        if self._store is not None:
            self._store.dispose()
            self._store = None


def state(ctx: typer.Context) -> CliState:
    """The CliState of the running command."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj
