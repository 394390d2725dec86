"""Declared perspectives over HTTP: declare with consent, the plan page's coverage and gaps, and no page
or API but the person's own shows an individual's declaration."""

from __future__ import annotations

import re

from redline.core.people.perspectives import PerspectiveKind
from redline.program.catalog import plans as plans_program
from redline.program.catalog.plans import PlanSpec
from redline.program.people import perspectives
from tests.integration.web.test_route_permissions import _routes
from tests.world import WEB_ROLES, WebWorld, form_token

K = PerspectiveKind
MARKER = "quillfeather collective"
"""A free-text community only tess declares: it must never appear on anyone else's page."""
THREATS = ("bias.stereotype", "privacy.sensitive-inference")


def _seed(world: WebWorld) -> str:
    """A plan whose threats name affected groups, assigned to tess, eli and vic; tess and eli declare."""
    perspectives.declare(
        world.store,
        world.settings,
        user="tess",
        entries=[
            (K.DOMAIN, "Discrimination"),
            (K.COMMUNITY, "protected groups"),
            (K.LANGUAGE, "Swahili"),
            (K.COMMUNITY, MARKER),
        ],
        consent=True,
    )
    perspectives.declare(
        world.store,
        world.settings,
        user="eli",
        entries=[(K.DOMAIN, "discrimination"), (K.LIVED_EXPERIENCE, "privacy")],
        consent=True,
    )
    with world.store.session() as s:
        plan = plans_program.create_plan(
            s,
            PlanSpec(title="Fairness round", threats=THREATS, testers=("tess", "eli", "vic")),
            settings=world.settings,
            user="lena",
        )
    return plan.id


def test_the_plan_page_lists_called_for_perspectives_and_gaps(world: WebWorld) -> None:
    plan_id = _seed(world)
    lead = world.client("lena")
    html = lead.get(f"/plans/{plan_id}").text
    assert 'id="perspective-gaps"' in html and 'class="warn-box"' in html
    gaps = html.split('id="perspective-gaps"', 1)[1].split("</div>", 1)[0]
    assert "affected community: young users forming views" in gaps
    assert "lived experience: discrimination" in gaps
    assert "domain expertise: privacy" in gaps
    assert "domain expertise: discrimination" not in gaps  # tess and eli cover it
    assert "affected community: protected groups" not in gaps  # tess covers it
    assert "lived experience: privacy" not in gaps  # eli covers it
    assert MARKER not in html  # a free value nobody was asked for never shows up

    view = lead.get(f"/api/plans/{plan_id}").json()["perspectives"]
    rows = {r["label"]: r for r in view["perspectives"]}
    assert rows["domain expertise: discrimination"]["covered"]
    # two of three testers hold it, but then the one without it would stand out: no count
    assert rows["domain expertise: discrimination"]["testers"] is None
    assert rows["affected community: protected groups"] == {
        **rows["affected community: protected groups"],
        "covered": True,
        "testers": None,
    }
    # two of three declared: the count would single out the one who did not
    assert view["testers"] == 3 and view["declared"] is None and view["min_group_size"] == 2
    assert set(view["gaps"]) == {label for label, r in rows.items() if not r["covered"]}
    assert {"bias.stereotype", "privacy.sensitive-inference"} <= {
        t for r in rows.values() for t in r["threats"]
    }
    assert "tess" not in str(view["perspectives"]) and "eli" not in str(view["perspectives"])


def test_declaring_needs_consent_and_stores_it(world: WebWorld) -> None:
    tester = world.client("tess")
    refused = tester.post(
        "/api/perspectives", json={"perspectives": [{"kind": "language", "value": "yo"}], "consent": False}
    )
    assert refused.status_code == 400 and "consent" in refused.text
    token = form_token(tester.get("/perspectives").text)
    no_box = tester.post("/perspectives", data={"csrf_token": token, "language": ["yo"]})
    assert no_box.status_code == 400
    saved = tester.post(
        "/perspectives",
        data={
            "csrf_token": token,
            "language": ["yo"],
            "other_language": "Hausa, qu",
            "community": ["older people"],
            "region": ["western-africa"],
            "consent": "yes",
        },
    )
    assert saved.status_code == 400  # an unknown region
    saved = tester.post(
        "/perspectives",
        data={
            "csrf_token": token,
            "language": ["yo"],
            "other_language": "Hausa, qu",
            "community": ["older people"],
            "region": ["sub-saharan-africa"],
            "consent": "yes",
        },
    )
    assert saved.status_code == 303
    mine = tester.get("/api/perspectives").json()
    declared = {(p["kind"], p["value"]) for p in mine["declaration"]["perspectives"]}
    assert declared == {
        ("language", "yo"),
        ("language", "ha"),
        ("language", "qu"),
        ("community", "older people"),
        ("region", "sub-saharan-africa"),
    }
    assert mine["declaration"]["consent_version"] == mine["consent_version"]
    assert mine["declaration"]["consent_statement"] == mine["consent_statement"]
    assert mine["declaration"]["consented_at"]
    page = tester.get("/perspectives").text
    assert "Yoruba (yo)" in page and 'value="qu"' not in page.split('id="other_language"')[0][-200:]
    assert tester.post("/api/perspectives/withdraw").json() == {"withdrawn": True}
    assert tester.get("/api/perspectives").json()["declaration"] is None
    assert tester.post("/api/perspectives/withdraw").json() == {"withdrawn": False}


def _fill(world: WebWorld, path: str, plan_id: str) -> str:
    values = {
        "round_id": world.round_id,
        "plan_id": plan_id,
        "finding_id": world.finding_id,
        "threat_id": "bias.stereotype",
        "name": "tess",
        "release": world.release,
        "pg_id": world.playground_id,
        "sub_id": world.submission_id,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "missing"), path)


def test_no_page_or_api_but_ones_own_shows_a_declaration(world: WebWorld) -> None:
    plan_id = _seed(world)
    own = world.client("tess")
    assert MARKER in own.get("/perspectives").text  # the person sees it
    assert MARKER in own.get("/api/perspectives").text
    gets = [(path, name) for method, path, name in _routes(world) if method == "GET"]
    assert len(gets) > 20
    for person in WEB_ROLES:
        client = world.client(person)
        for path, name in gets:
            filled = _fill(world, path, plan_id)
            body = client.get(filled).text
            if person == "tess" and name in {"perspectives.show", "api.perspectives.show"}:
                continue
            assert MARKER not in body, f"{person} sees tess's declaration on {filled}"
            assert "swahili" not in body.lower() or name in {"perspectives.show", "api.perspectives.show"}, (
                f"{person} sees tess's language on {filled}"
            )
    # The JSON asks for nobody else's: there is no parameter to name another person.
    admin = world.client("ada")
    assert admin.get("/api/perspectives", params={"user": "tess"}).json()["declaration"] is None


def test_an_admin_deletes_a_declaration_without_reading_it(world: WebWorld) -> None:
    _seed(world)
    lead = world.client("lena")
    assert lead.post("/api/admin/users/tess/perspectives/delete").status_code == 403
    admin = world.client("ada")
    removed = admin.post("/api/admin/users/tess/perspectives/delete")
    assert removed.status_code == 200 and MARKER not in removed.text
    assert removed.json()["message"] == "any perspectives tess declared are deleted"
    assert world.client("tess").get("/api/perspectives").json()["declaration"] is None
    again = admin.post("/api/admin/users/tess/perspectives/delete")
    assert again.json() == removed.json()  # the same answer whether or not there was anything


def test_a_plan_with_one_tester_shows_nothing_derived_from_declarations(world: WebWorld) -> None:
    _seed(world)
    with world.store.session() as s:
        plan = plans_program.create_plan(
            s,
            PlanSpec(title="Solo round", threats=THREATS, testers=("tess",)),
            settings=world.settings,
            user="lena",
        )
    lead = world.client("lena")
    view = lead.get(f"/api/plans/{plan.id}").json()["perspectives"]
    assert view["withheld"] and view["gaps"] == [] and view["declared"] is None
    assert all(r["covered"] is None and r["testers"] is None for r in view["perspectives"])
    html = lead.get(f"/plans/{plan.id}").text
    section = html.split('id="perspectives"', 1)[1].split("</section>", 1)[0]
    assert "Coverage is not shown" in section
    assert "covered" not in section.replace("Coverage is not shown", "") and "gap</" not in section
