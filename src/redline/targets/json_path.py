"""A small JSON path for reading answers out of application replies.

Accepted forms: `choices.0.message.content`, `$.data.answer`, `$.choices[0].message.content` and
`$['data']['answer']`. A number selects a list item (negative counts from the end) or, in an object,
the key of that name.
"""

from __future__ import annotations

import re
from typing import Any

from redline.core.errors import ConfigError

PathPart = str | int
_TOKEN = re.compile(r"""\[\s*(?:(-?\d+)|'([^']*)'|"([^"]*)")\s*\]|\.?([^.\[\]]+)""")


def compile_path(path: str) -> tuple[PathPart, ...]:
    """Split a path into keys and indexes; an unreadable path is a ConfigError naming it."""
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    parts: list[PathPart] = []
    pos = 0
    while pos < len(text):
        if text[pos] == "." and pos + 1 < len(text) and text[pos + 1] == "[":
            pos += 1
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ConfigError(f"cannot read JSON path {path!r} at position {pos + 1}")
        index, single, double, bare = m.groups()
        if index is not None:
            parts.append(int(index))
        elif single is not None or double is not None:
            parts.append(single if single is not None else str(double))
        else:
            parts.append(int(bare) if re.fullmatch(r"-?\d+", bare) else bare)
        pos = m.end()
    if not parts:
        raise ConfigError(f"JSON path {path!r} selects nothing; name at least one key")
    return tuple(parts)


def lookup(data: Any, path: tuple[PathPart, ...]) -> Any:
    """The value at `path`, or None when any step is missing."""
    current = data
    for part in path:
        if isinstance(current, list) and isinstance(part, int):
            if not -len(current) <= part < len(current):
                return None
            current = current[part]
        elif isinstance(current, dict):
            key = str(part)
            if key not in current:
                return None
            current = current[key]
        else:
            return None
    return current
