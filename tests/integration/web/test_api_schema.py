"""The OpenAPI schema: every JSON operation, fed generated requests, never answers with a server error."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis.core.result import Ok

from redline.program.people import accounts
from tests.world import WebWorld

EXAMPLES = 6


def test_schema_lists_the_json_twins_only(world: WebWorld) -> None:
    client = world.client("vic")
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert paths and all(p.startswith("/api/") for p in paths)
    assert {"/api/findings", "/api/plans/{plan_id}/vote", "/api/intake", "/api/dashboard"} <= paths
    assert world.client(None).get("/api/openapi.json").status_code == 401


@pytest.mark.slow
@pytest.mark.parametrize("user", ["ada", "lena"])
def test_generated_requests_cause_no_server_errors(world: WebWorld, user: str) -> None:
    with world.store.session() as s:
        token = accounts.issue_token(s, name=user, label="schema test", acting=user).token
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", world.app, headers=auth)
    errors: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        operations += 1

        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def run(case: schemathesis.Case[Any]) -> None:
            response = case.call(headers=auth)
            if response.status_code >= 500:
                errors.append(f"{case.operation.label} -> {response.status_code}: {response.text[:300]}")

        run()
    assert operations > 40
    assert not errors, "\n".join(errors[:20])
