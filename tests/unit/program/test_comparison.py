"""Comparing releases: a planted regression is flagged, an unchanged release is not."""

from __future__ import annotations

from redline.config.settings import Settings
from redline.core.analysis.comparison import Change
from redline.program.register.comparison import compare
from redline.program.workspace import open_workspace_store
from tests import world as data


def test_planted_regression_is_flagged_and_the_rest_unchanged(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    r1, r2 = data.release(store, version="1.0"), data.release(store, version="2.0")
    stable = data.n("fail", 2) + data.n("pass", 98)
    data.stored_round(
        store,
        release_id=r1.id,
        outcomes={
            "injection.direct": data.n("fail", 2) + data.n("pass", 48),
            "jailbreak.roleplay": stable,
            "leakage.system-prompt": data.n("fail", 20) + data.n("pass", 30),
        },
    )
    data.stored_round(
        store,
        release_id=r2.id,
        outcomes={
            "injection.direct": data.n("fail", 20) + data.n("pass", 30),
            "jailbreak.roleplay": stable,
            "leakage.system-prompt": data.n("pass", 50),
            "bias.decision-disparity": data.n("fail", 5),
        },
    )
    result = compare(store, before="chat@1.0", after="chat@2.0")
    changes = {r.threat_id: r.change for r in result.rows}
    assert changes == {
        "bias.decision-disparity": Change.NEW,
        "injection.direct": Change.REGRESSED,
        "jailbreak.roleplay": Change.UNCHANGED,
        "leakage.system-prompt": Change.FIXED,
    }
    assert [r.threat_id for r in result.regressions] == ["bias.decision-disparity", "injection.direct"]
    row = next(r for r in result.rows if r.threat_id == "injection.direct")
    assert row.p_value is not None and row.p_value < 0.05 and row.before is not None and row.after is not None
    store.dispose()


def test_same_rates_are_unchanged_and_rounds_compare_too(workspace: Settings) -> None:
    store = open_workspace_store(workspace)
    rel = data.release(store)
    a = data.stored_round(store, release_id=rel.id, outcomes={"x": data.n("fail", 5) + data.n("pass", 45)})
    b = data.stored_round(
        store, release_id=rel.id, outcomes={"x": data.n("fail", 7) + data.n("pass", 43)}, seed=2
    )
    result = compare(store, before=a, after=b)
    assert [r.change for r in result.rows] == [Change.UNCHANGED] and result.regressions == ()
    store.dispose()
