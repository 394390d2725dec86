"""Every route x every role gets exactly the access the permission table grants.

The cases are generated from the app's own route list, so a route added without an entry in the
table fails here (and is refused to everyone at run time).
"""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from redline.core.users import Role
from redline.web.permissions import ROUTES, allowed
from tests.integration.web.world import ROLES, World

ANONYMOUS = "anonymous"
PEOPLE = [*ROLES, ANONYMOUS]


def _routes(world: World) -> list[tuple[str, str, str]]:
    """(method, path, name) of every route the app serves, from its own route list."""
    routers = world.app.state.routers
    found: list[APIRoute] = []
    for route in world.app.routes:
        if isinstance(route, Mount):
            assert route.path == "/static", f"unexpected mount {route.path}"
        elif isinstance(route, APIRoute):
            found.append(route)
        else:  # an included router: its routes carry the app-wide guard
            assert getattr(route, "original_router", None) in routers, f"{route} would bypass the guard"
    for router in routers:
        found += [r for r in router.routes if isinstance(r, APIRoute)]
    return [(m, r.path, r.name) for r in found for m in sorted(r.methods)]


def _fill(world: World, path: str) -> str:
    values = {
        "round_id": world.round_id,
        "plan_id": world.plan_id,
        "finding_id": world.finding_id,
        "threat_id": "confabulation.false-premise",
        "name": "jailbreak",
        "release": world.release,
        "pg_id": world.playground_id,
        "sub_id": world.submission_id,
        "token_id": "tok_missing",
        "concern_id": "cn_missing",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_has_exactly_one_table_entry(world: World) -> None:
    routes = _routes(world)
    names = [name for _, _, name in routes]
    missing = sorted({n for n in names if n not in ROUTES})
    assert not missing, f"routes without a permission entry: {missing}"
    assert sorted(set(ROUTES) - set(names)) == [], "permission entries for routes that do not exist"
    assert len(routes) > 80


def test_anonymous_users_reach_only_sign_in_intake_and_concerns(world: World) -> None:
    table = world.app.state.web.table
    public = sorted({name for _, _, name in _routes(world) if allowed(table, ROUTES[name], None)})
    concerns = [
        "api.concerns.claim",
        "api.concerns.follow_up",
        "api.concerns.raise",
        "concerns.claim",
        "concerns.claim.form",
        "concerns.follow_up",
        "concerns.new",
        "concerns.raise",
    ]
    intake = ["api.intake.submit", "intake.form", "intake.submit", "login.form", "login.submit"]
    assert public == sorted(concerns + intake)


@pytest.mark.parametrize("person", PEOPLE)
def test_each_route_grants_exactly_the_table(world: World, person: str) -> None:
    table = world.app.state.web.table
    user = None if person == ANONYMOUS else person
    roles = frozenset() if user is None else frozenset({ROLES[user]})
    wrong: list[str] = []
    for method, path, name in _routes(world):
        grant = table[ROUTES[name]]
        expected = grant is None or (user is not None and not roles.isdisjoint(grant))
        client = world.client(user)  # a fresh session: sign-out and password routes may end it
        url = _fill(world, path)
        if method == "GET":
            response = client.get(url)
        elif path.startswith("/api/"):
            response = client.post(url, json={})
        else:
            response = client.post(url, data={})
        denied = _denied(response, user, path)
        if denied == expected:
            verdict = "denied" if denied else "granted"
            wrong.append(f"{method} {path} ({name}): {verdict}, status {response.status_code}")
    assert not wrong, f"{person} got the wrong access:\n" + "\n".join(wrong)


def _denied(response, user: str | None, path: str) -> bool:  # type: ignore[no-untyped-def]
    if user is None:
        if path.startswith("/api/"):
            return response.status_code == 401
        return response.status_code == 303 and response.headers["location"].startswith("/login")
    if response.status_code != 403:
        return False
    code = response.json().get("code") if path.startswith("/api/") else _html_code(response.text)
    return code == "route_forbidden"


def _html_code(html: str) -> str:
    found = re.search(r'data-code="([^"]+)"', html)
    return found.group(1) if found else ""


def test_table_follows_the_workspace_decision_rights(world: World) -> None:
    from redline.settings import DecisionRights
    from redline.web.permissions import Action, permission_table

    table = permission_table(
        DecisionRights(plan_approvers=(Role.LEAD,), critical_plan_approvers=(Role.LEAD,))
    )
    assert table[Action.PLAN_VOTE] == frozenset({Role.LEAD})
    assert world.app.state.web.table[Action.PLAN_VOTE] == frozenset({Role.COMMITTEE, Role.ADMIN})
