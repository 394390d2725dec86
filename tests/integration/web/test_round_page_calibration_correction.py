"""A round scored by a calibrated judge and never reviewed shows a rate corrected by the calibration,
citing it; once the round has a review sample, the review corrects it instead and the page says so."""

from __future__ import annotations

from tests import world as data
from tests.world import WebWorld

# Calibration figures as `redline scorers calibrate` stores them: the judge caught 16 of 20 labelled
# failures (sensitivity 0.8) and passed 38 of 40 labelled passes (specificity 0.95).
FIGURES = {
    "scorer": "judge.harm",
    "kappa": 0.77,
    "per_class": [
        {"label": "fail", "precision": 16 / 18, "recall": 0.8, "support": 20},
        {"label": "pass", "precision": 38 / 42, "recall": 0.95, "support": 40},
    ],
}


def _calibrated_round(world: WebWorld) -> tuple[str, str]:
    from redline.store.repos.reviews import add_calibration
    from redline.store.tables import RoundRow

    rid = data.stored_round(
        world.store,
        release_id=None,
        outcomes={"injection.direct": data.n("fail", 3) + data.n("pass", 7)},
        scorer="judge.harm",
    )
    with world.store.session() as s:
        cal = add_calibration(
            s, judge="echo:judge", rubric_hash="rub", labels_hash="lab", n=64, figures=FIGURES, actor="lena"
        )
        row = s.get(RoundRow, rid)
        assert row is not None
        entry = {"judge": "echo:judge", "calibration": cal.id, "kappa": 0.77, "n": 64, "rubric_hash": "rub"}
        row.config = {**row.config, "judge_calibrations": {"judge.harm": entry}}
    return rid, cal.id


def test_a_calibrated_judge_corrects_the_rate_of_an_unreviewed_round(world: WebWorld) -> None:
    from redline.store.repos.reviews import review_summary, round_correction
    from redline.store.repos.rounds import get_round

    rid, cal = _calibrated_round(world)
    with world.store.session() as s:
        assert review_summary(s, rid) is None
        found = round_correction(s, rid, get_round(s, rid).config)
    assert found is not None and (found.source, found.calibration) == ("calibration", cal)
    # Rogan-Gladen: (0.30 + 0.95 - 1) / (0.8 + 0.95 - 1) = 1/3, beside the raw 30%.
    assert abs((found.threats["injection.direct"].rate or 0) - 1 / 3) < 1e-9

    tester = world.client("tess")
    page = tester.get(f"/rounds/{rid}")
    assert page.status_code == 200
    evidence = page.text.split("<h2>Exchanges")[0]
    assert "30%" in evidence and 'class="corrected-rate">corrected 33% (95% CI' in evidence
    assert f"judge calibration {cal}</span>" in evidence
    assert f"judge calibration {cal} of judge.harm" in evidence and "no review sample" in evidence
    shown = tester.get(f"/api/rounds/{rid}").json()
    assert shown["corrected"]["injection.direct"]["source"] == "calibration"
    assert shown["corrected"]["injection.direct"]["calibration"] == cal


def test_the_review_sample_replaces_the_calibration_once_it_exists(world: WebWorld) -> None:
    rid, cal = _calibrated_round(world)
    tester, lead = world.client("tess"), world.client("lena")
    assert lead.post(f"/api/rounds/{rid}/review/sample", json={"n": 10, "per_item": 1}).status_code == 200
    from redline.store.repos.reviews import attempt_verdicts, get_item

    with world.store.session() as s:
        verdicts = attempt_verdicts(s, rid)
    while (item := tester.get("/api/review/next", params={"round": rid}).json()["item"]) is not None:
        with world.store.session() as s:
            failed = verdicts[get_item(s, item["item_id"]).attempt_id]["overall"]
        label = "fail" if failed else "pass"
        assert tester.post(f"/api/review/items/{item['item_id']}", json={"label": label}).status_code == 200

    evidence = tester.get(f"/rounds/{rid}").text.split("<h2>Exchanges")[0]
    # The reviewers agree with every verdict: the corrected rate is the raw 30%, from 10 reviewed.
    assert 'class="corrected-rate">corrected 30% (95% CI' in evidence and "10 reviewed" in evidence
    assert f"preferred over judge calibration {cal}" in evidence
    shown = tester.get(f"/api/rounds/{rid}").json()
    assert shown["corrected"]["injection.direct"]["source"] == "review"
