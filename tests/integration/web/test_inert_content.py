"""Stored text with markup (a response with script tags, titles, comments, transcripts) renders inert."""

from __future__ import annotations

import pytest

from tests.world import WEB_XSS, XSS_MARK, WebWorld

ESCAPED = "&lt;script&gt;window.__pwned"


def _consent(world: WebWorld, user: str, subjects: list[str]) -> None:
    client = world.client(user)
    for subject in subjects:
        assert client.post("/api/content/consent", json={"subject": subject}).status_code == 200


@pytest.mark.parametrize(
    "page",
    [
        "/findings",
        "/findings/{finding}",
        "/rounds/{round}",
        "/plans",
        "/plans/{plan}",
        "/intake/queue",
        "/intake/queue/{submission}",
        "/audit",
        "/catalog",
        "/catalog/confabulation.false-premise",
    ],
)
def test_pages_show_stored_markup_as_text(world: WebWorld, page: str) -> None:
    lead = world.client("lena")
    edit = {"reason": f"retitle {WEB_XSS}", "title": f"False premise {WEB_XSS}"}
    assert lead.post("/api/catalog/confabulation.false-premise", json=edit).status_code == 200
    _consent(
        world,
        "lena",
        [f"attempt:{world.attempt_id}", f"exemplar:{world.finding_id}:0", f"intake:{world.submission_id}"],
    )
    url = page.format(
        finding=world.finding_id, round=world.round_id, plan=world.plan_id, submission=world.submission_id
    )
    html = lead.get(url).text
    assert XSS_MARK not in html
    assert 'onerror="window' not in html
    assert ESCAPED in html or "\\u003cscript\\u003e" in html, "the stored text is shown (escaped) on the page"


def test_playground_turns_render_inert(world: WebWorld) -> None:
    tester = world.client("tess")
    assert tester.post(f"/playground/{world.playground_id}/turns", data={"text": WEB_XSS}).status_code == 303
    html = tester.get(f"/playground/{world.playground_id}").text
    assert XSS_MARK not in html and ESCAPED in html


def test_json_twins_carry_the_text_with_a_json_content_type(world: WebWorld) -> None:
    response = world.client("lena").get(f"/api/findings/{world.finding_id}")
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["dossier"]["finding"]["title"].endswith(WEB_XSS)


def test_no_inline_script_or_style_in_any_template() -> None:
    from pathlib import Path

    import redline.web

    folder = Path(redline.web.__file__).parent / "templates"
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "style=" not in text and "javascript:" not in text, path.name
        assert "|safe" not in text, f"{path.name} marks a value safe"


def test_gate_sign_off_comments_and_token_labels_render_inert(world: WebWorld) -> None:
    committee = world.client("cora")
    assert (
        committee.post(f"/api/gate/{world.release}/sign", json={"vote": "go", "comment": WEB_XSS}).status_code
        == 200
    )
    gate = world.client("lena").get(f"/gate/{world.release}").text
    assert XSS_MARK not in gate and ESCAPED in gate
    lead = world.client("lena")
    assert lead.post("/api/account/tokens", json={"label": WEB_XSS}).status_code == 201
    account = lead.get("/account").text
    assert XSS_MARK not in account and ESCAPED in account
