from __future__ import annotations

import pytest

from redline.core.errors import ConfigError
from redline.core.secrets import REDACTED, read_secret, read_secret_headers, redact_secrets, redact_text


def test_values_under_secret_keys_are_redacted_but_env_names_kept() -> None:
    clean = redact_secrets(
        {"api_key": "abc", "api_key_env": "OPENAI_API_KEY", "nested": [{"Authorization": "x"}]}
    )
    assert clean == {
        "api_key": REDACTED,
        "api_key_env": "OPENAI_API_KEY",
        "nested": [{"Authorization": REDACTED}],
    }


def test_url_passwords_and_bearer_tokens_are_redacted() -> None:
    text = "postgresql://bob:hunter2@db/x and Bearer abcdefghijkl and sk-ABCDEFGHIJKLMNOPQRSTUV"
    out = redact_text(text)
    assert "hunter2" not in out and "abcdefghijkl" not in out and "sk-ABCD" not in out
    assert "bob:" in out


def test_numeric_settings_with_secret_looking_names_are_kept() -> None:
    clean = redact_secrets(
        {"params": {"max_tokens": 128, "top_logprobs": 0}, "tokens_per_minute": 9e4, "token": "t"}
    )
    assert clean == {
        "params": {"max_tokens": 128, "top_logprobs": 0},
        "tokens_per_minute": 9e4,
        "token": REDACTED,
    }


def test_a_secret_is_read_from_the_environment_mapping_and_a_missing_one_names_its_variable() -> None:
    env = {"API_KEY": "sk-abc", "EMPTY": "", "TOKEN": "t0k"}
    assert read_secret(env, "API_KEY", holds="the API key", field="api_key_env") == "sk-abc"
    for var in ("EMPTY", "UNSET"):
        with pytest.raises(ConfigError) as caught:
            read_secret(
                env, var, holds="the API key", field="api_key_env", where="target 'a' (openai-compat)"
            )
        assert str(caught.value) == (
            "field 'api_key_env': target 'a' (openai-compat): "
            f"environment variable {var} is not set; it should hold the API key"
        )
        assert caught.value.field == "api_key_env"
    assert read_secret_headers(env, {"X-Token": "TOKEN"}, field="headers_env") == {"X-Token": "t0k"}
    with pytest.raises(ConfigError, match="UNSET is not set; it should hold the 'X-Other' header") as hdr:
        read_secret_headers(env, {"X-Token": "TOKEN", "X-Other": "UNSET"}, field="notifications.headers_env")
    assert hdr.value.field == "notifications.headers_env.X-Other"
