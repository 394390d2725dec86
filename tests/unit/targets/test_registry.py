"""Building targets from configuration: entry points, secrets from the environment, option errors."""

from __future__ import annotations

import pytest

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.targets.base import Target
from redline.targets.openai_compat import OpenAICompatTarget
from redline.targets.registry import resolve_secrets, target_from_config, target_kinds
from redline.targets.spec import TargetSpec

KINDS = {"openai-compat", "http-app", "gguf", "hf", "callable", "replay", "echo", "guarded"}


def test_every_adapter_is_registered() -> None:
    assert set(target_kinds()) >= KINDS


def test_missing_api_key_variable_is_named() -> None:
    config = TargetConfig(
        kind="openai-compat", base_url="http://127.0.0.1:9/v1", model="m", api_key_env="MY_KEY"
    )
    with pytest.raises(ConfigError, match="MY_KEY is not set"):
        target_from_config(config, env={}, name="prod")


def test_missing_header_variable_is_named() -> None:
    config = TargetConfig(kind="echo", headers_env={"X-Tenant": "TENANT_TOKEN"})
    with pytest.raises(ConfigError, match=r"TENANT_TOKEN is not set.*'X-Tenant'"):
        target_from_config(config, env={}, name="t")


def test_secrets_resolve_from_env_and_stay_out_of_repr() -> None:
    config = TargetConfig(
        kind="openai-compat",
        base_url="http://127.0.0.1:9/v1",
        model="m",
        api_key_env="MY_KEY",
        headers_env={"X-Org": "ORG"},
    )
    env = {"MY_KEY": "sk-test-0123456789abcdefghij", "ORG": "org-1"}
    assert resolve_secrets(config, env=env, name="p") == ("sk-test-0123456789abcdefghij", {"X-Org": "org-1"})
    target = target_from_config(config, env=env, name="prod")
    assert isinstance(target, OpenAICompatTarget) and isinstance(target, Target)
    assert target.name == "prod"
    spec = TargetSpec(name="prod", config=config, api_key=env["MY_KEY"], headers={"X-Org": "org-1"}, env=env)
    assert "sk-test" not in repr(spec) and "org-1" not in repr(spec)


def test_unknown_kind_lists_the_registered_ones() -> None:
    with pytest.raises(ConfigError, match=r"registered: .*openai-compat"):
        target_from_config(TargetConfig(kind="nope"), env={}, name="x")


def test_unknown_option_names_the_field_and_the_known_ones() -> None:
    config = TargetConfig(kind="openai-compat", base_url="http://h/v1", model="m", options={"temprature": 1})
    with pytest.raises(ConfigError, match=r"options\.temprature.*known options: .*temperature"):
        target_from_config(config, env={}, name="x")


def test_secret_looking_static_header_is_refused() -> None:
    config = TargetConfig(
        kind="openai-compat", base_url="http://h/v1", model="m", options={"headers": {"X-Api-Key": "abc"}}
    )
    with pytest.raises(ConfigError, match="headers_env"):
        target_from_config(config, env={}, name="x")


def test_required_fields_are_named() -> None:
    with pytest.raises(ConfigError, match="base_url is required"):
        target_from_config(TargetConfig(kind="openai-compat", model="m"), env={}, name="x")
    with pytest.raises(ConfigError, match="model must name the function"):
        target_from_config(TargetConfig(kind="callable"), env={}, name="x")
    with pytest.raises(ConfigError, match="session_id_path"):
        target_from_config(
            TargetConfig(kind="http-app", options={"url": "http://h/", "answer_path": "a", "session": "id"}),
            env={},
            name="x",
        )


def test_local_model_path_must_exist() -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        target_from_config(TargetConfig(kind="gguf", model="/nonexistent/model.gguf"), env={}, name="x")
