"""Every route x every role gets exactly the access the permission table grants.

The cases are generated from the app's own route list, so a route added without an entry in the
table fails here (and is refused to everyone at run time).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from redline.core.people.users import Role
from redline.web.permissions import ROUTES, allowed
from tests.world import WEB_ROLES, WebWorld

if TYPE_CHECKING:
    from httpx2 import Response  # what the test client returns

ANONYMOUS = "anonymous"
PEOPLE = [*WEB_ROLES, ANONYMOUS]


def _routes(world: WebWorld) -> list[tuple[str, str, str]]:
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
    return [(m, r.path, r.name) for r in found for m in sorted(r.methods or ())]


def _fill(world: WebWorld, path: str) -> str:
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
        "item_id": "rvi_missing",
        "mitigation_id": "mit_missing",
        "condition_id": "cnd_missing",
        "run_id": "mon_missing",
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_has_exactly_one_table_entry(world: WebWorld) -> None:
    routes = _routes(world)
    names = [name for _, _, name in routes]
    missing = sorted({n for n in names if n not in ROUTES})
    assert not missing, f"routes without a permission entry: {missing}"
    assert sorted(set(ROUTES) - set(names)) == [], "permission entries for routes that do not exist"
    assert len(routes) > 80


def test_anonymous_users_reach_only_sign_in_intake_and_concerns(world: WebWorld) -> None:
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
    intake += ["api.report.status", "report.status", "report.status.form"]  # reporters look up status
    signed = ["api.trackers.webhook"]  # a tracker proves itself with the shared secret's signature
    assert public == sorted(concerns + intake + signed)


@pytest.mark.parametrize("person", PEOPLE)
def test_each_route_grants_exactly_the_table(world: WebWorld, person: str) -> None:
    table = world.app.state.web.table
    user = None if person == ANONYMOUS else person
    roles = frozenset() if user is None else frozenset({WEB_ROLES[user]})
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


def _denied(response: Response, user: str | None, path: str) -> bool:
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


def test_table_follows_the_workspace_decision_rights(world: WebWorld) -> None:
    from redline.config.settings import DecisionRights
    from redline.web.permissions import Action, permission_table

    table = permission_table(
        DecisionRights(plan_approvers=(Role.LEAD,), critical_plan_approvers=(Role.LEAD,))
    )
    assert table[Action.PLAN_VOTE] == frozenset({Role.LEAD})
    assert world.app.state.web.table[Action.PLAN_VOTE] == frozenset({Role.COMMITTEE, Role.ADMIN})


# --- Subjects: the same matrix over stored items, whatever door asks for them -------------------------

PLAYGROUND_READERS = {"ada", "lena", "tess"}  # the tester who held it, leads and admins
INTERNAL = {name for name, role in WEB_ROLES.items() if role is not Role.EXTERNAL_REVIEWER}


def _playground_turn(world: WebWorld) -> tuple[str, str]:
    """(round id, attempt id) of one turn tess sent in her playground conversation."""
    from redline.store.repos import playground as playground_repo
    from redline.store.repos import rounds as rounds_repo

    sent = world.client("tess").post(f"/api/playground/{world.playground_id}/turns", json={"text": "hello"})
    assert sent.status_code == 201, sent.text
    with world.store.session() as s:
        round_id = playground_repo.get(s, world.playground_id).round_id
        (attempt,) = rounds_repo.list_attempts(s, round_id)
    return round_id, attempt.id


def _subjects(world: WebWorld) -> dict[str, set[str]]:
    """Subject key -> the people who may read it."""
    _, pg_attempt = _playground_turn(world)
    return {
        f"attempt:{world.attempt_id}": INTERNAL,
        f"attempt:{pg_attempt}": PLAYGROUND_READERS,
        f"exemplar:{world.finding_id}:0": INTERNAL,
        f"intake:{world.submission_id}": {"ada", "lena"},
    }


def test_consent_reveals_each_subject_only_to_its_readers(world: WebWorld) -> None:
    wrong: list[str] = []
    for subject, readers in _subjects(world).items():
        for person in WEB_ROLES:
            response = world.client(person).post("/api/content/consent", json={"subject": subject})
            if (response.status_code == 200) != (person in readers):
                wrong.append(f"{person} {subject}: {response.status_code}")
            if person not in readers:
                assert response.status_code == 403 and "parts" not in response.text
    assert not wrong, "consent reached the wrong people:\n" + "\n".join(wrong)


def test_unmask_follows_the_same_read_rule(world: WebWorld) -> None:
    from redline.config.settings import PrivacyConfig
    from redline.core.errors import PermissionDeniedError
    from redline.program.people import privacy, wellbeing

    config = world.settings.config.model_copy(update={"privacy": PrivacyConfig(cleared_roles=tuple(Role))})
    everyone_cleared = world.settings.model_copy(update={"config": config})
    wrong: list[str] = []
    for subject, readers in _subjects(world).items():
        for person in WEB_ROLES:
            try:
                wellbeing.consent(world.store, everyone_cleared, user=person, subject=subject)
                privacy.unmask(world.store, everyone_cleared, user=person, subject=subject, via="api")
                granted = True
            except PermissionDeniedError:
                granted = False
            if granted != (person in readers):
                wrong.append(f"{person} {subject}: {'granted' if granted else 'denied'}")
    assert not wrong, "clearance stood in for the right to read:\n" + "\n".join(wrong)


def test_playground_rounds_are_shown_and_listed_only_to_their_readers(world: WebWorld) -> None:
    round_id, _ = _playground_turn(world)
    wrong: list[str] = []
    for person in WEB_ROLES:
        client = world.client(person)
        readable = person in PLAYGROUND_READERS
        for url in (
            f"/rounds/{round_id}",
            f"/api/rounds/{round_id}",
            f"/api/rounds/{round_id}/progress",
            f"/api/rounds/{round_id}/analyses",
        ):
            status = client.get(url).status_code
            if (status == 200) != readable:
                wrong.append(f"{person} GET {url}: {status}")
        listed = client.get("/api/rounds")
        if listed.status_code == 200 and (round_id in listed.text) != readable:
            wrong.append(f"{person} /api/rounds lists it: {round_id in listed.text}")
        page = client.get("/rounds")
        if page.status_code == 200 and (round_id in page.text) != readable:
            wrong.append(f"{person} /rounds lists it: {round_id in page.text}")
        if person in INTERNAL and client.get(f"/rounds/{world.round_id}").status_code != 200:
            wrong.append(f"{person} cannot read the round of playbooks")
    assert not wrong, "playground round reached the wrong people:\n" + "\n".join(wrong)


# --- API tokens: a token acts within its scope, never administers users nor issues tokens ------------


@pytest.mark.parametrize("scope", ["read", "write"])
def test_each_route_grants_a_token_exactly_its_scope(world: WebWorld, scope: str) -> None:
    from fastapi.testclient import TestClient

    from redline.program.people import accounts
    from redline.program.people.accounts import TokenScope
    from redline.web.permissions import Action, token_allows

    with world.store.session() as s:
        token = accounts.issue_token(s, name="ada", label="ci", acting="ada", scope=TokenScope(scope)).token
    table = world.app.state.web.table
    wrong: list[str] = []
    for method, path, name in _routes(world):
        action = ROUTES[name]
        grant = table[action]
        if grant is None or action is Action.SIGN_OUT:
            continue  # public routes ignore who asks; sign-out of a token has no session to end
        expected = Role.ADMIN in grant and token_allows(scope, action, method)
        client = TestClient(world.app, follow_redirects=False)
        client.headers["Authorization"] = f"Bearer {token}"
        url = _fill(world, path)
        response = client.get(url) if method == "GET" else client.post(url, json={})
        client.close()
        denied = response.status_code == 403 and "route_forbidden" in response.text
        if denied == expected:
            wrong.append(
                f"{method} {path} ({name}): {'denied' if denied else 'granted'} {response.status_code}"
            )
    assert not wrong, f"a {scope} token got the wrong access:\n" + "\n".join(wrong)
    never = {n for m, _, n in _routes(world) if ROUTES[n] is Action.USER_ADMIN}
    assert never and all(not token_allows(scope, ROUTES[n], "GET") for n in never)


# --- Reports: the route table, then onboarding and the read rule, per audience and subject -----------


def test_report_downloads_follow_the_table_and_the_read_rule(world: WebWorld) -> None:
    from redline.web.permissions import Action

    table = world.app.state.web.table
    pg_round, _ = _playground_turn(world)
    action = {"internal": Action.REPORT_INTERNAL, "committee": Action.REPORT_COMMITTEE}
    action["external"] = Action.REPORT_EXTERNAL
    subjects = {
        f"round={world.round_id}": None,
        f"release={world.release}": None,
        f"round={pg_round}": PLAYGROUND_READERS,
    }
    wrong: list[str] = []
    for person, role in WEB_ROLES.items():
        client = world.client(person)
        for query, readers in subjects.items():
            for audience, needed in action.items():
                expected = role in (table[needed] or frozenset(Role)) and (
                    readers is None or person in readers
                )
                for url in (
                    f"/reports/download?{query}&audience={audience}&format=json",
                    f"/api/reports/model?{query}&audience={audience}",
                ):
                    status = client.get(url).status_code
                    if (status == 200) != expected or status not in (200, 403):
                        wrong.append(f"{person} {url}: {status}")
    assert not wrong, "report downloads reached the wrong people:\n" + "\n".join(wrong)
