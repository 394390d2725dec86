"""Rendering for humans (Rich) and machines (JSON); Rich is imported only when something is printed."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_console: Console | None = None


def console() -> Console:
    """The shared stdout console."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(highlight=False, soft_wrap=True)
    return _console


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout."""
    from pydantic import BaseModel

    def default(obj: Any) -> Any:
        if isinstance(obj, BaseModel):
            return obj.model_dump(mode="json")
        if isinstance(obj, set | frozenset | tuple):
            return sorted(obj) if isinstance(obj, set | frozenset) else list(obj)
        return str(obj)

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=default) + "\n")


def table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a table."""
    from rich.table import Table

    tbl = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        tbl.add_column(col, overflow="fold")
    for row in rows:
        tbl.add_row(*("" if v is None else str(v) for v in row))
    console().print(tbl)


def say(message: str) -> None:
    """Print a line for humans."""
    console().print(message)
