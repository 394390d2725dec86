"""The `trackers:` section of redline.yaml: shapes per tracker kind, and no secrets written inline."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from redline.config.settings import TrackerConfig


def tracker(**over: Any) -> TrackerConfig:
    return TrackerConfig.model_validate(
        {"name": "gh", "kind": "github", "project": "acme/chat", "token_env": "GITHUB_TOKEN", **over}
    )


def test_defaults_name_the_public_apis() -> None:
    assert tracker().api_url == "https://api.github.com"
    gl = tracker(kind="gitlab", project="group/sub/chat")
    assert gl.api_url == "https://gitlab.com/api/v4"
    assert tracker(url="https://ghe.example.com/api/v3/").api_url == "https://ghe.example.com/api/v3"
    assert tracker().risk_labels["critical"] == "risk:critical"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"project": "chat"}, "github project must be 'owner/repo'"),
        ({"kind": "jira", "project": "RED"}, "jira needs url"),
        ({"token": "ghp_abc"}, "'token' must not be written in the workspace"),
        ({"priorities": {"urgent": "Highest"}}, "unknown risk level(s) urgent"),
        ({"name": "has space"}, "String should match pattern"),
    ],
)
def test_invalid_trackers_say_why(over: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tracker(**over)
