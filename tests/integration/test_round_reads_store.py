"""Reads of a round that do not load its attempts: per-threat counts in SQL, kept aggregates, exchange pages.

Each aggregate is checked against the same figure computed in Python from every stored record (the
way pages and reports computed it before), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from collections import defaultdict

from sqlalchemy import select

from redline.core.analysis.evidence import Evidence, evidence_from_outcomes
from redline.core.ids import new_id
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, Response
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.core.runs.scores import Score, Verdict
from redline.engine.result import UNCLASSIFIED, evidence_of, summarise
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import rounds
from redline.store.session import Store
from redline.store.tables import RoundAggregateRow

THREATS = ["injection.direct", "leak.pii", "harm.weapons", "bias.hiring"]
KEPT = {"cases", "attempts_by_outcome", "threat_outcomes", "scorer_names", "digests"}


def _score(rng: random.Random, name: str) -> Score:
    kind = rng.random()
    if kind < 0.1:
        return Score.could_not_score(name, "no judgement")
    if kind < 0.4:
        return Score(scorer=name, value=round(rng.random(), 2), scale=(0.0, 1.0))
    verdict = rng.choice([Verdict.FAIL, Verdict.PASS, Verdict.PASS, Verdict.PARTIAL])
    return Score(scorer=name, verdict=verdict)


def _round(store: Store, *, seed: int = 3, cases: int = 60) -> str:
    """A round with one- and two-threat cases, cases of no threat, multi-turn cases, errors, cases nothing
    scored, scale and verdict scores, and planned cases never attempted."""
    rng = random.Random(seed)
    round_id = new_id("rnd")
    planned: list[AttackCase] = []
    attempts: list[Attempt] = []
    scored: list[tuple[Attempt, Score]] = []
    for i in range(cases):
        conv = Conversation.of(f"probe {i}")
        threats = tuple(rng.sample(THREATS, rng.choice([0, 1, 1, 2])))
        case = AttackCase(
            id=AttackCase.make_id("plain", f"s{i}", {}, conv),
            technique="plain",
            seed_id=f"s{i}",
            threat_ids=threats,
            conversation=conv,
        )
        planned.append(case)
        if i % 17 == 16:
            continue  # planned, never attempted
        for turn in range(rng.choice([1, 1, 3])):
            error = rng.random() < 0.15
            attempt = Attempt(
                id=new_id("att"),
                round_id=round_id,
                case_id=case.id,
                turn=turn,
                request=conv,
                response=Response(error=ErrorKind.TIMEOUT) if error else Response(text=f"answer {i}.{turn}"),
            )
            attempts.append(attempt)
            if not error and rng.random() < 0.9:
                scored += [
                    (attempt, _score(rng, name)) for name in rng.sample(["a", "b", "c"], rng.randint(1, 3))
                ]
    with store.session() as s:
        rounds.create_round(s, Round(id=round_id, release_id=None, adhoc=True, seed=seed), actor="test")
        rounds.add_cases(s, round_id, planned)
        rounds.add_attempts(s, attempts)
        rounds.add_scores(s, scored)
    return round_id


def _python_evidence(store: Store, round_id: str, *, unclassified: bool) -> list[Evidence]:
    """The per-threat figures from every stored case, attempt and score, tallied in Python."""
    with store.session() as s:
        cases = rounds.list_cases(s, round_id)
        attempts = rounds.list_attempts(s, round_id)
        scores = rounds.list_scores(s, round_id)
    case_of = {a.id: a.case_id for a in attempts}
    judged: dict[str, list[bool | None]] = defaultdict(list)
    for attempt_id, score in scores:
        judged[case_of[attempt_id]].append(score.failed)
    errors: dict[str, int] = defaultdict(int)
    tried: set[str] = set()
    for a in attempts:
        tried.add(a.case_id)
        errors[a.case_id] += a.response.error is not None
    outcomes = []
    for c in cases:
        if c.id not in tried:
            continue
        decided = [f for f in judged[c.id] if f is not None]
        failed = int(any(decided)) if decided else None
        threats = list(c.threat_ids) or ([UNCLASSIFIED] if unclassified else [])
        outcomes.append((threats, failed, len(judged[c.id]), errors[c.id]))
    return evidence_from_outcomes(outcomes)


def _kept(store: Store, round_id: str) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(RoundAggregateRow.name).where(RoundAggregateRow.round_id == round_id)))


def test_per_threat_counts_in_sql_match_the_python_tally(store: Store) -> None:
    round_id = _round(store)
    with store.session() as s:
        by_round = evidence_repo.round_evidence(s, round_id)
        per_case = evidence_from_outcomes(rounds.case_outcomes(s, round_id))
    assert by_round == _python_evidence(store, round_id, unclassified=False) == per_case
    assert list(evidence_of(store, round_id)) == _python_evidence(store, round_id, unclassified=True)
    assert {e.threat_id for e in by_round} == set(THREATS)
    assert sum(e.errors for e in by_round) > 0 and sum(e.could_not_score for e in by_round) > 0


def test_a_finished_round_keeps_its_aggregates_until_it_is_written_again(store: Store) -> None:
    round_id = _round(store, seed=5)
    with store.session() as s:
        live = summarise(store, round_id)
        assert _kept(store, round_id) == set()  # a running round's figures are computed each time
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="test")
        rounds.keep_aggregates(s, round_id)  # as the engine does when a round ends
    assert _kept(store, round_id) == KEPT
    kept = summarise(store, round_id)
    assert (kept.cases, kept.attempts, kept.errors, kept.evidence) == (
        live.cases,
        live.attempts,
        live.errors,
        live.evidence,
    )
    with store.session() as s:  # a late score (a resumed writer) drops what was kept
        rounds.set_status(s, round_id, RoundStatus.RUNNING, actor="test")
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="test")
        rounds.keep_aggregates(s, round_id)  # as the engine does when a round ends
        attempt = next(a for a in rounds.list_attempts(s, round_id) if a.response.error is None)
        case = next(c for c in rounds.list_cases(s, round_id) if c.id == attempt.case_id)
        rounds.add_scores(s, [(attempt, Score(scorer="late", verdict=Verdict.FAIL))])
    assert _kept(store, round_id) == set()
    after = summarise(store, round_id)
    assert list(after.evidence) == _python_evidence(store, round_id, unclassified=True)
    threat = case.threat_ids[0] if case.threat_ids else UNCLASSIFIED
    before_fail = next(e for e in kept.evidence if e.threat_id == threat)
    after_fail = next(e for e in after.evidence if e.threat_id == threat)
    assert after_fail.failures >= before_fail.failures
    assert _kept(store, round_id) == KEPT - {"scorer_names", "digests"}  # what `summarise` read


def test_what_a_round_kept_when_it_finished_is_read_back(store: Store) -> None:
    round_id = _round(store, seed=7)
    with store.session() as s:
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="test")
        rounds.keep_aggregates(s, round_id)  # as the engine does when a round ends
    with store.session() as s:
        row = s.get(RoundAggregateRow, (round_id, "cases"))
        assert row is not None
        row.body = 12345  # only a count read back from what was kept can say this
    with store.session() as s:
        assert rounds.count_cases(s, round_id) == 12345


def test_a_kept_aggregate_from_an_earlier_finish_is_not_read(store: Store) -> None:
    round_id = _round(store, seed=9)
    with store.session() as s:
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="test")
        rounds.keep_aggregates(s, round_id)  # as the engine does when a round ends
        row = s.get(RoundAggregateRow, (round_id, "cases"))
        assert row is not None
        row.body = 12345  # what an earlier finish of the round would have kept
        row.basis = "2000-01-01T00:00:00"
    with store.session() as s:
        assert rounds.count_cases(s, round_id) == len(rounds.list_cases(s, round_id))


def _failing(store: Store, round_id: str) -> set[str]:
    with store.session() as s:
        return {
            a for a, sc in rounds.list_scores(s, round_id) if sc.verdict in (Verdict.FAIL, Verdict.PARTIAL)
        }


def test_exchange_pages_put_failures_first_and_cover_every_attempt_once(store: Store) -> None:
    round_id = _round(store, seed=11)
    with store.session() as s:
        every = rounds.list_attempts(s, round_id)
    failing = _failing(store, round_id)
    expected = [a.id for a in every if a.id in failing] + [a.id for a in every if a.id not in failing]
    seen: list[str] = []
    flagged: set[str] = set()
    after: str | None = None
    pages = 0
    while True:
        with store.session() as s:
            page = rounds.attempt_page(s, round_id, limit=7, after=after)
        assert len(page.attempts) <= 7
        seen += [a.id for a in page.attempts]
        flagged |= page.flagged
        pages += 1
        if page.after is None:
            break
        assert len(page.attempts) == 7
        after = page.after
    assert seen == expected and flagged == failing
    assert pages == -(-len(every) // 7)


def test_an_exchange_page_keeps_only_the_cases_asked_for(store: Store) -> None:
    round_id = _round(store, seed=13)
    with store.session() as s:
        every = rounds.list_attempts(s, round_id)
        wanted = {a.case_id for a in every[:10]}
        page = rounds.attempt_page(s, round_id, limit=500, cases=wanted)
        everything = rounds.attempt_page(s, round_id, limit=500, all_flagged=True)
    assert {a.case_id for a in page.attempts} == wanted and page.after is None
    assert [a.id for a in everything.attempts] == [a.id for a in every]
    assert everything.flagged == {a.id for a in every}


def test_report_digests_are_kept_with_a_finished_round_and_follow_its_records(store: Store) -> None:
    from redline.reports.digests import round_digests

    round_id = _round(store, seed=17)
    with store.session() as s:
        live = round_digests(s, round_id)
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="test")
        rounds.keep_aggregates(s, round_id)  # as the engine does when a round ends
    with store.session() as s:
        assert round_digests(s, round_id) == live
    assert "digests" in _kept(store, round_id)
    with store.session() as s:
        assert round_digests(s, round_id) == live  # read back
        attempt = rounds.list_attempts(s, round_id)[0]
        rounds.add_scores(s, [(attempt, Score(scorer="late", verdict=Verdict.PASS))])
    with store.session() as s:
        later = round_digests(s, round_id)
    assert later.cases == live.cases and later.responses == live.responses and later.scores != live.scores
