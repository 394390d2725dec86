"""`redline review` end to end: a lead samples a round, two reviewers label blind, the lead reads agreement,
corrected rates appear in `round show`, and disagreements export in the validation-set layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from redline.config.settings import load_settings
from redline.program.workspace import open_workspace_store
from tests import world as data
from tests.e2e.inprocess import cli, workspace_with_people
from tests.onboarded import onboard


@pytest.fixture
def ws(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("REDLINE_USER", raising=False)
    folder = workspace_with_people(tmp_path / "ws", capsys)
    assert cli(capsys, folder, "user", "add", "lena", "--role", "lead", "--as", "ada")[0] == 0
    assert cli(capsys, folder, "user", "add", "rita", "--role", "tester", "--as", "ada")[0] == 0
    return folder


def _round(ws: Path) -> str:
    settings = load_settings(ws, env={})
    store = open_workspace_store(settings)
    try:
        onboard(store, settings, "tess", "rita")
        rel = data.release(store)
        return data.stored_round(
            store, release_id=rel.id, outcomes={"injection.direct": data.n("fail", 3) + data.n("pass", 7)}
        )
    finally:
        store.dispose()


def test_sample_label_blind_status_round_show_and_export(
    ws: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rid = _round(ws)
    code, _, err = cli(capsys, ws, "review", "sample", "--round", rid, "--n", "6", "--as", "tess")
    assert code == 2 and "tess may not sample" in err
    code, out, _ = cli(capsys, ws, "review", "sample", "--round", rid, "--n", "6", "--as", "lena")
    assert code == 0 and "queued 6 attempts" in out and "3 flagged, 3 passed" in out

    code, out, err = cli(capsys, ws, "review", "next", "--as", "rita")
    assert code == 0 and "prompt:" in out and "response:" in out, err
    shown_text = out.split("label it:")[0].lower()
    assert "fail" not in shown_text and "canary" not in shown_text  # blind: no verdict, no scorer
    code, out, _ = cli(capsys, ws, "review", "next", "--as", "rita", "--json")
    shown = json.loads(out)["item"]
    assert set(shown) == {"item_id", "round_id", "category", "parts", "masked", "remaining"}

    # Both reviewers judge every sampled answer a failure.
    for _ in range(6):
        code, out, err = cli(
            capsys, ws, "review", "next", "--as", "rita", "--label", "fail", "--note", "steps"
        )
        assert code == 0, err
    code, out, _ = cli(capsys, ws, "review", "next", "--as", "rita")
    assert "nothing left to review" in out
    code, _, err = cli(capsys, ws, "review", "next", "--as", "tess", "--label", "maybe")
    assert code == 2 and "--label must be fail, pass or unsure" in err
    for _ in range(6):
        assert cli(capsys, ws, "review", "next", "--as", "tess", "--label", "fail")[0] == 0

    code, out, _ = cli(capsys, ws, "review", "status", "--round", rid)
    assert code == 0 and "6 items, 12 labels, 6 complete, 6 with a majority" in out
    assert "Reviewers agree on 100% of 6 pairs" in out
    code, out, _ = cli(capsys, ws, "review", "status", "--round", rid, "--json")
    summary = json.loads(out)
    overall = summary["overall"]
    # Reviewers found every sampled attempt failing: specificity is undefined, so no correction.
    assert overall["raw"] == pytest.approx(0.3) and overall["rate"] is None

    code, out, _ = cli(capsys, ws, "round", "show", rid)
    assert code == 0 and "corrected by the human review" in out and "n/a" in out
    code, out, _ = cli(capsys, ws, "round", "show", rid, "--json")
    assert json.loads(out)["review"]["items"] == 6

    target = tmp_path / "disagreements.yaml"
    code, out, _ = cli(capsys, ws, "review", "export", "--round", rid, "-o", str(target), "--as", "lena")
    assert code == 0 and "wrote 3 disagreement(s)" in out
    body = yaml.safe_load(target.read_text())
    assert body["scorer"] == ["canary"]
    assert {r["label"] for r in body["rows"]} == {"fail"}
    assert all(r["response"].startswith("answer") and "rita: steps" in r["note"] for r in body["rows"])


def test_corrected_rate_appears_when_reviewers_confirm_flags_and_passes(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = _round(ws)
    assert (
        cli(capsys, ws, "review", "sample", "--round", rid, "--n", "10", "--per-item", "1", "--as", "lena")[0]
        == 0
    )
    settings = load_settings(ws, env={})
    store = open_workspace_store(settings)
    try:
        from redline.core.analysis.review import ReviewLabel
        from redline.program.workbench import reviews
        from redline.store.repos.reviews import attempt_verdicts

        with store.session() as s:
            verdicts = attempt_verdicts(s, rid)
        # rita agrees with the scorer everywhere except one pass she judges a failure.
        flipped = False
        while (task := reviews.next_task(store, settings, user="rita", round_id=rid)) is not None:
            with store.session() as s:
                from redline.store.repos.reviews import get_item

                attempt = get_item(s, task.item_id).attempt_id
            failed = verdicts[attempt]["overall"]
            if not failed and not flipped:
                failed, flipped = True, True
            label = ReviewLabel.FAIL if failed else ReviewLabel.PASS
            reviews.label(store, user="rita", item_id=task.item_id, label=label)
    finally:
        store.dispose()
    code, out, _ = cli(capsys, ws, "round", "show", rid, "--json")
    review = json.loads(out)["review"]
    assert review["overall"]["rate"] == pytest.approx(0.4)  # 3 confirmed + 1 found among 7 passes
    code, out, _ = cli(capsys, ws, "round", "show", rid)
    assert code == 0 and "40% (" in out
    # Reports carry the corrected rate beside the raw one.
    for fmt in ("md", "json", "html"):
        target = ws / f"report.{fmt}"
        code, _, err = cli(capsys, ws, "report", rid, "-f", fmt, "-o", str(target), "--audience", "external")
        assert code == 0, err
        text = target.read_text()
        if fmt == "json":
            (rate,) = json.loads(text)["rates"]
            assert rate["rate"] == pytest.approx(0.3) and rate["corrected_rate"] == pytest.approx(0.4)
            assert rate["reviewed"] == 10 and rate["corrected_low"] <= 0.4 <= rate["corrected_high"]
        else:
            assert "corrected 40%" in text and "10 reviewed" in text
