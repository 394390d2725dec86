"""Keep secrets out of every record: redact values under secret-looking keys and in URLs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from redline.core.errors import ConfigError

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(r"(api[_-]?key|password|passwd|secret|token|authorization|cookie|credential)", re.I)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]+):(?P<pw>[^@/\s]+)@", re.I)
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_KEY_SHAPED = re.compile(r"\b(sk-[A-Za-z0-9_-]{16,}|ghp_[A-Za-z0-9]{20,}|xox[baprs]-[A-Za-z0-9-]{10,})\b")


def is_secret_key(key: str) -> bool:
    """True for keys whose values are secrets (api_key, password, Authorization, ...)."""
    return bool(_SECRET_KEY.search(key)) and not key.lower().endswith(("_env", "_env_var"))


def redact_text(text: str) -> str:
    """Remove passwords in URLs, bearer tokens and key-shaped strings from free text."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    return _KEY_SHAPED.sub(REDACTED, text)


def redact_secrets(value: Any) -> Any:
    """A copy of a JSON-like value with secrets replaced by '[redacted]'."""
    if isinstance(value, dict):
        # Numbers are never secrets: `max_tokens` or `tokens_per_minute` must survive for replay.
        return {
            k: (
                REDACTED
                if isinstance(k, str) and is_secret_key(k) and v and not isinstance(v, int | float)
                else redact_secrets(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_secrets(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def read_secret(env: Mapping[str, str], var: str, *, holds: str, field: str, where: str | None = None) -> str:
    """The value of the environment variable `var` in `env`, which should hold `holds` (e.g. 'the API key').

    Secrets are named in the workspace by variable and read here, the one place that reads them; an
    unset or empty variable is a ConfigError naming it, what it should hold and the configuration `field`.
    """
    value = env.get(var)
    if not value:
        prefix = f"{where}: " if where else ""
        raise ConfigError(
            f"{prefix}environment variable {var} is not set; it should hold {holds}", field=field
        )
    return value


def read_secret_headers(
    env: Mapping[str, str], headers_env: Mapping[str, str], *, field: str, where: str | None = None
) -> dict[str, str]:
    """Header name -> value for each header whose value is named by variable in `headers_env`."""
    return {
        header: read_secret(env, var, holds=f"the '{header}' header", field=f"{field}.{header}", where=where)
        for header, var in headers_env.items()
    }
