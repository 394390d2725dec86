"""The review queue on SQLite and PostgreSQL: items, blind labels, open items per reviewer, summaries."""

from __future__ import annotations

import pytest

from redline.core.analysis.review import OVERALL, ReviewLabel, stratified_sample
from redline.core.errors import UsageError
from redline.store.repos import reviews
from redline.store.session import Store
from tests import world as data

L = ReviewLabel


def _queued(store: Store) -> tuple[str, list[str], dict[str, bool]]:
    """A round of 4 failing and 16 passing attempts, all 20 queued; returns (round, item ids, flagged)."""
    rel = data.release(store)
    rid = data.stored_round(
        store, release_id=rel.id, outcomes={"injection.direct": data.n("fail", 4) + data.n("pass", 16)}
    )
    with store.session() as s:
        verdicts = reviews.attempt_verdicts(s, rid)
        strata = {
            "fail": [a for a, v in verdicts.items() if v[OVERALL]],
            "pass": [a for a, v in verdicts.items() if not v[OVERALL]],
        }
        picks = stratified_sample(strata, 20, seed=0)
        items = reviews.add_items(
            s, round_id=rid, scorer=OVERALL, picks=picks, wanted=2, seed=0, actor="lena"
        )
    return rid, [i.id for i in items], {i.id: verdicts[i.attempt_id][OVERALL] for i in items}


def test_items_are_queued_in_order_and_labelled_once_per_reviewer(store: Store) -> None:
    rid, ids, _ = _queued(store)
    with store.session() as s:
        assert [i.position for i in reviews.list_items(s, rid)] == list(range(20))
        assert len(reviews.queued_attempts(s, rid, OVERALL)) == 20
        reviews.add_label(s, item_id=ids[0], reviewer="rita", label=L.FAIL, note="gave the steps")
    with store.session() as s, pytest.raises(UsageError, match="already labelled"):
        reviews.add_label(s, item_id=ids[0], reviewer="rita", label=L.PASS)
    with store.session() as s:
        assert ids[0] not in [i.id for i in reviews.open_items(s, reviewer="rita", round_id=rid)]
        assert reviews.open_items(s, reviewer="sam", round_id=rid)[0].id == ids[0]
        reviews.add_label(s, item_id=ids[0], reviewer="sam", label=L.FAIL)
    with store.session() as s:  # two labels wanted: complete, so nobody else is offered it
        assert ids[0] not in [i.id for i in reviews.open_items(s, reviewer="tom")]
        (first, second) = list(reviews.list_labels(s, rid))
        assert (first.reviewer, first.label, first.note) == ("rita", L.FAIL, "gave the steps")
        assert second.reviewer == "sam"


def test_summary_measures_agreement_and_corrects_the_rate(store: Store) -> None:
    rid, ids, flagged = _queued(store)
    # Reviewers confirm 3 of the 4 flags and find 2 misses among the 16 passes; they disagree once.
    truth = {}
    fails = [i for i in ids if flagged[i]]
    passes = [i for i in ids if not flagged[i]]
    for i in fails:
        truth[i] = i != fails[0]
    for i in passes:
        truth[i] = i in passes[:2]
    with store.session() as s:
        for i in ids:
            label = L.FAIL if truth[i] else L.PASS
            reviews.add_label(s, item_id=i, reviewer="rita", label=label)
            other = (L.PASS if truth[i] else L.FAIL) if i == passes[5] else label
            reviews.add_label(s, item_id=i, reviewer="sam", label=other)
    with store.session() as s:
        summary = reviews.review_summary(s, rid)
    assert summary is not None
    assert (summary.items, summary.labels, summary.complete) == (20, 40, 20)
    assert summary.decided == 19  # the tie is undecided
    assert summary.reviewers == ["rita", "sam"]
    assert summary.reviewer_agreement.agreement == pytest.approx(19 / 20)
    overall = summary.scorers[0]
    assert overall.scorer == OVERALL and overall.compared == 19
    assert overall.kappa is not None and overall.kappa.agreement == pytest.approx(16 / 19)
    canary = next(a for a in summary.scorers if a.scorer == "canary")
    assert canary.compared == 19
    assert summary.overall is not None
    # Whole round reviewed: the corrected rate is what the reviewers found, 5 of 19 decided items.
    assert summary.overall.raw == pytest.approx(4 / 20)
    assert summary.overall.rate == pytest.approx(3 / 4 * 0.2 + 2 / 15 * 0.8, abs=1e-9)
    (threat,) = summary.threats
    assert threat.threat_id == "injection.direct" and threat.corrected.rate is not None


def test_a_round_without_review_has_no_summary_and_calibrations_are_kept(store: Store) -> None:
    rel = data.release(store)
    rid = data.stored_round(store, release_id=rel.id, outcomes={"a": ["pass"]})
    with store.session() as s:
        assert reviews.review_summary(s, rid) is None
        assert reviews.latest_calibration(s, judge="openai/gpt", rubric_hash="ab") is None
        cal = reviews.add_calibration(
            s,
            judge="openai/gpt",
            rubric_hash="ab",
            labels_hash="cd",
            n=3,
            figures={"kappa": 0.5},
            actor="lena",
        )
    with store.session() as s:
        found = reviews.latest_calibration(s, judge="openai/gpt", rubric_hash="ab")
        assert found is not None and found.id == cal.id and found.figures == {"kappa": 0.5}
        assert reviews.get_calibration(s, cal.id).n == 3


def test_round_judges_cite_the_recorded_calibration_else_a_later_one_else_none(store: Store) -> None:
    config = {
        "judge_calibrations": {
            "judge.harm": {"judge": "echo:j", "rubric_hash": "h1", "calibration": "none"},
            "judge.refusal-quality": {"judge": "echo:j", "rubric_hash": "h2", "calibration": "none"},
        }
    }
    with store.session() as s:
        judges = reviews.round_judges(s, config)
        assert [j.describe() for j in judges] == [
            "judge.harm: uncalibrated judge",
            "judge.refusal-quality: uncalibrated judge",
        ]
        cal = reviews.add_calibration(
            s, judge="echo:j", rubric_hash="h1", labels_hash="l", n=40, figures={"kappa": 0.8}, actor="lena"
        )
    with store.session() as s:
        harm, quality = reviews.round_judges(s, config)
    assert (harm.calibration, harm.kappa, harm.n, harm.later) == (cal.id, 0.8, 40, True)
    assert harm.describe() == "judge.harm: kappa 0.80 (n 40) (calibrated after the round)"
    assert quality.calibration is None  # another rubric: not the same judge
    entry = {"judge": "echo:j", "rubric_hash": "h1", "calibration": "cal_x", "kappa": 0.5, "n": 9}
    recorded = {"judge_calibrations": {"judge.harm": entry}}
    with store.session() as s:
        (cited,) = reviews.round_judges(s, recorded)
    assert cited.describe() == "judge.harm: kappa 0.50 (n 9)" and not cited.later
    with store.session() as s:
        assert reviews.round_judges(s, {}) == []
