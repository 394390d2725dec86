from __future__ import annotations

from redline.core.secrets import REDACTED, redact_secrets, redact_text


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
