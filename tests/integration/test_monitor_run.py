"""`run_monitor`: sources read from stored cursors, a production baseline window, drift and new failure
modes filed once through the finding door with DRIFT escalations, and a crash that loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from redline.config.settings import MonitoringConfig, NotifierConfig, Settings
from redline.core.errors import ConfigError
from redline.core.register.findings import FindingStatus
from redline.core.register.signoffs import EscalationKind
from redline.program.register.monitoring import MonitorRunReport, run_monitor
from redline.program.workspace import open_workspace_store
from redline.store.repos import decisions, findings
from redline.store.repos import monitoring as monitoring_repo
from redline.store.session import Store
from redline.store.tables import MonitorExchangeRow, MonitoringRunRow
from tests import world as data
from tests.monitoring_data import DAY0, ListSource, RudeScorer, benign, embed
from tests.unit.program.webhook_server import webhook_server


@pytest.fixture
def settings(workspace: Settings) -> Settings:
    mon = MonitoringConfig(baseline_days=7, window_days=1, min_samples=30, min_cluster_size=5)
    return workspace.model_copy(update={"config": workspace.config.model_copy(update={"monitoring": mon})})


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = open_workspace_store(settings)
    data.people(store)
    data.release(store)
    yield store
    store.dispose()


def monitor(
    store: Store, settings: Settings, source: ListSource, now: datetime, **kw: Any
) -> MonitorRunReport:
    return run_monitor(
        store,
        settings,
        user="eli",
        now=now,
        scorers=[RudeScorer()],
        exchange_sources=[source],
        embed=embed,
        **kw,
    )


def stored(store: Store) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(MonitorExchangeRow)) or 0)


def baseline_week(store: Store, settings: Settings, source: ListSource) -> MonitorRunReport:
    source.add(benign(300), at=DAY0, step=timedelta(minutes=30))  # 300 answers over 6.25 days
    return monitor(store, settings, source, DAY0 + timedelta(days=7))


def test_thirty_benign_answers_against_a_benign_production_baseline_are_no_drift(
    store: Store, settings: Settings
) -> None:
    source = ListSource()
    first = baseline_week(store, settings, source)
    assert first.windows.current is None and "baseline runs until" in first.windows.note
    assert first.reports == () and first.findings == ()
    source.add(benign(30), at=DAY0 + timedelta(days=8, hours=12))
    report = monitor(store, settings, source, DAY0 + timedelta(days=9))
    (rude,) = report.reports
    assert rude.judged and rude.verdict == "stable" and not report.drifted
    assert (rude.baseline.n, rude.production.n) == (300, 30)
    assert report.findings == () and report.escalations == () and report.clusters == ()


def test_drift_opens_one_finding_and_one_drift_escalation(store: Store, settings: Settings) -> None:
    source = ListSource()
    baseline_week(store, settings, source)
    source.add(["Read the manual, idiot."] * 20 + benign(20), at=DAY0 + timedelta(days=8, hours=12))
    hook = NotifierConfig(url_env="HOOK_URL", events=("escalation",))
    hooked = settings.model_copy(
        update={"config": settings.config.model_copy(update={"notifications": (hook,)})}
    )
    with webhook_server() as (url, got), pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOOK_URL", url)
        report = monitor(store, hooked, source, DAY0 + timedelta(days=9), threats=data.THREATS)
    (rude,) = report.reports
    assert rude.drifted and rude.worse and rude.check("rate-interval") is not None
    (action,) = report.findings
    assert action.action == "opened" and action.finding.threat_id == "injection.direct"
    drift = [e for e in report.escalations if e.kind is EscalationKind.DRIFT]
    assert len(drift) == 1 and drift[0].subject == action.finding.id
    (body,) = [b for b in got.bodies if b.get("kind") == "drift"]  # the notifier heard of it
    assert body["subject"] == action.finding.id and "production drift on rudeness" in body["summary"]
    # the drift goes on the next day: its evidence attaches to the open finding, nothing new is raised
    source.add(["Read the manual, idiot."] * 20 + benign(20), at=DAY0 + timedelta(days=9, hours=12))
    again = monitor(store, settings, source, DAY0 + timedelta(days=10), threats=data.THREATS)
    (second,) = again.findings
    assert second.action == "attached" and second.finding.id == action.finding.id
    assert again.escalations == ()
    with store.session() as s:
        assert len(findings.list_findings(s)) == 1
        (esc,) = decisions.list_escalations(s, unresolved=True)
        assert esc.kind is EscalationKind.DRIFT
        assert len(findings.dossier(s, action.finding.id).evidence) == 2


def test_too_little_baseline_claims_no_drift(store: Store, settings: Settings) -> None:
    source = ListSource()
    source.add(benign(10), at=DAY0)
    monitor(store, settings, source, DAY0 + timedelta(days=7))
    source.add(["Read the manual, idiot."] * 40, at=DAY0 + timedelta(days=8, hours=12))
    report = monitor(store, settings, source, DAY0 + timedelta(days=9), threats=data.THREATS)
    (rude,) = report.reports
    assert not rude.judged and not rude.drifted and "not enough data" in rude.note
    assert report.findings == () and report.escalations == ()


def test_cursor_resumes_where_the_last_run_stopped(store: Store, settings: Settings) -> None:
    source = ListSource()
    source.add(benign(50), at=DAY0)
    assert monitor(store, settings, source, DAY0 + timedelta(days=1)).sources[0].read == 50
    assert monitor(store, settings, source, DAY0 + timedelta(days=1)).sources[0].read == 0
    source.add(benign(7), at=DAY0 + timedelta(days=1))
    assert monitor(store, settings, source, DAY0 + timedelta(days=2)).sources[0].read == 7
    assert stored(store) == 57
    with store.session() as s:
        assert monitoring_repo.get_cursor(s, "app") == "57"


def test_a_run_that_fails_midway_loses_and_duplicates_nothing(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ListSource()
    source.add(benign(40), at=DAY0)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(monitoring_repo, "save_cursor", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        monitor(store, settings, source, DAY0 + timedelta(days=1))
    with store.session() as s:  # the exchanges were inserted before the failure, and rolled back
        assert monitoring_repo.get_cursor(s, "app") is None
        assert s.scalar(select(func.count()).select_from(MonitoringRunRow)) == 0
    assert stored(store) == 0
    monkeypatch.undo()
    assert monitor(store, settings, source, DAY0 + timedelta(days=1)).sources[0].read == 40
    assert stored(store) == 40


def test_answers_unlike_the_baseline_are_a_new_failure_mode_with_masked_examples(
    store: Store, settings: Settings
) -> None:
    source = ListSource()
    baseline_week(store, settings, source)
    odd = [f"Bananas are the answer, write to banana{i}@example.com" for i in range(8)]
    source.add(odd + benign(30), at=DAY0 + timedelta(days=8, hours=12))
    report = monitor(store, settings, source, DAY0 + timedelta(days=9))
    (cluster,) = report.clusters
    assert cluster.size == 8 and cluster.distance > settings.config.monitoring.novelty_distance
    assert all("[EMAIL-1]" in t and "@example.com" not in t for t in cluster.examples)
    assert cluster.finding_id is not None
    with store.session() as s:
        finding = findings.get_finding(s, cluster.finding_id)
        assert finding.threat_id == "robustness.deployment-drift" and finding.status is FindingStatus.NEW
        assert decisions.open_escalation(s, kind=EscalationKind.DRIFT, subject=finding.id) is not None
        (run,) = monitoring_repo.list_runs(s, limit=1)
    assert run.details["clusters"][0]["examples"] == list(cluster.examples)


def test_sampling_is_seeded_and_capped(settings: Settings, store: Store) -> None:
    mon = settings.config.monitoring.model_copy(update={"sample_rate": 0.5, "max_samples_per_run": 60})
    half = settings.model_copy(update={"config": settings.config.model_copy(update={"monitoring": mon})})
    source = ListSource()
    source.add(benign(200), at=DAY0)
    first = monitor(store, half, source, DAY0 + timedelta(days=1))
    assert first.sources[0].read == 200 and first.sources[0].sampled == 60
    again = ListSource()
    again.add(benign(200), at=DAY0)
    from redline.program.register.monitoring import _rank

    chosen = sorted((_rank(0, "app", x), x.id) for x in again.samples)
    assert sum(1 for r, _ in chosen if r < 0.5) > 60  # the cap, not the rate, bound it
    assert [r for r, _ in chosen][:60] == sorted(r for r, _ in chosen)[:60]


def test_a_drift_is_filed_under_the_threat_monitoring_threats_names(store: Store, settings: Settings) -> None:
    mon = settings.config.monitoring.model_copy(update={"threats": {"rudeness": "leakage.system-prompt"}})
    named = settings.model_copy(update={"config": settings.config.model_copy(update={"monitoring": mon})})
    source = ListSource()
    baseline_week(store, named, source)
    source.add(["Read the manual, idiot."] * 20 + benign(20), at=DAY0 + timedelta(days=8, hours=12))
    report = monitor(store, named, source, DAY0 + timedelta(days=9), threats=data.THREATS)
    (action,) = report.findings
    assert action.finding.threat_id == "leakage.system-prompt"
    wrong = mon.model_copy(update={"threats": {"rudeness": "no.such-threat"}})
    bad = settings.model_copy(update={"config": settings.config.model_copy(update={"monitoring": wrong})})
    source.add(benign(5), at=DAY0 + timedelta(days=9, hours=1))
    with pytest.raises(ConfigError, match=r"no\.such-threat"):
        monitor(store, bad, source, DAY0 + timedelta(days=10), threats=data.THREATS)
    assert source.reads == 2  # refused before reading anything
