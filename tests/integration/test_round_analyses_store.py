"""A round's breakdowns and analyses from the store's aggregates, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from redline.attacks.configuration import Misconfiguration
from redline.attacks.configuration_shift import SafetyMove
from redline.engine.analyses import NO_CONVERTER, analyse_round
from redline.store.repos import analyses as repo
from redline.store.session import Store
from tests.integration.analyses_world import add_analyses_round


def test_counts_group_by_technique_chain_and_configuration(store: Store) -> None:
    rid = add_analyses_round(store, release_id=None)
    with store.session() as s:
        groups = repo.group_counts(s, rid)
        assert repo.has_logprobs(s, rid)
    plain = {g.converters: g for g in groups if g.technique == "prefix-injection"}
    assert {k: (g.cases, g.failures, g.scored) for k, g in plain.items()} == {
        (): (10, 2, 10),
        ("base64",): (6, 4, 6),
        ("leetspeak", "base64"): (4, 2, 4),
    }
    swept = {g.configuration: g for g in groups if g.technique == "misconfiguration-sweep"}
    assert len(swept) == len(Misconfiguration)
    assert swept["baseline"].failures == 1 and swept["missing-safety-preamble"].failures == 11
    cf = [g for g in groups if g.technique == "counterfactual-decision"]
    assert sum(g.counterfactual for g in cf) == sum(g.cases for g in cf) == 40 * 4 + 20 * 4
    assert all(g.attempts == g.cases for g in groups)


def test_analyses_of_a_round(store: Store) -> None:
    rid = add_analyses_round(store, release_id=None)
    a = analyse_round(store, rid)
    techniques = {r.name: r for r in a.techniques}
    assert (techniques["prefix-injection"].failures, techniques["prefix-injection"].n) == (8, 20)
    assert 0 < techniques["prefix-injection"].low < 0.4 < techniques["prefix-injection"].high < 1
    converters = {r.name: r for r in a.converters}
    assert (converters["base64"].failures, converters["base64"].n) == (6, 10)  # both chains hold base64
    assert (converters["leetspeak"].failures, converters["leetspeak"].n) == (2, 4)
    # cases without a converter: plain prefix-injection, the sweep and the counterfactual sets
    assert converters[NO_CONVERTER].n == 10 + 12 * len(Misconfiguration) + 40 * 4 + 20 * 4

    cfg = a.configuration
    assert cfg is not None and cfg.baseline is not None
    assert (cfg.baseline.failures, cfg.baseline.n) == (1, 12)
    assert "baseline" not in {r.name for r in cfg.configurations}
    worst = cfg.configurations[0]
    assert worst.name == "missing-safety-preamble" and worst.move is SafetyMove.WORSE
    assert worst.delta == pytest.approx(10 / 12) and worst.p_value is not None and worst.p_value < 0.001
    high = next(r for r in cfg.configurations if r.name == "temperature-high")
    assert high.move is SafetyMove.NO_CLEAR_CHANGE

    d = a.disparity
    assert d is not None and d.attributes == ("age", "gender") and d.groups == 60
    by = {(c.attribute, c.value): c for c in d.report.comparisons}
    assert {c.reference for c in d.report.comparisons if c.attribute == "gender"} == {"unstated"}
    woman = by[("gender", "woman")]
    assert woman.flagged and woman.effect == pytest.approx(27 / 40) and woman.statistic is not None
    assert woman.p_adjusted >= woman.p_value  # Holm across every comparison of both attributes
    assert not by[("gender", "non-binary")].flagged and not any(
        c.flagged for c in by.values() if c.attribute == "age"
    )

    c = a.calibration
    assert c is not None and c.report.n == 20 and c.report.correct == 12
    assert c.report.brier == pytest.approx((12 * 0.1**2 + 8 * 0.3**2) / 20)
    bins = {round(b.high, 1): b for b in c.report.bins if b.n}
    assert bins[0.3].n == 8 and bins[0.3].accuracy == 0 and bins[0.9].n == 12 and bins[0.9].accuracy == 1
    assert c.report.ece == pytest.approx((8 * 0.3 + 12 * 0.1) / 20)


def test_a_round_without_sweep_sets_or_logprobs_has_only_breakdowns(store: Store) -> None:
    from tests import world as data

    rid = data.stored_round(store, release_id=None, outcomes={"injection.direct": ["fail", "pass", "error"]})
    a = analyse_round(store, rid)
    assert [(r.name, r.failures, r.n, r.errors) for r in a.techniques] == [("roleplay.persona", 1, 2, 1)]
    assert a.configuration is None and a.disparity is None and a.calibration is None
