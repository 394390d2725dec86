from __future__ import annotations

from redline.core.register.policy import GateEvaluation, GateOutcome
from redline.core.register.signoffs import SignOff, Vote, apply_votes, tally


def vote(signer: str, v: Vote, basis: str = "b1") -> SignOff:
    return SignOff(release_id="r", signer=signer, vote=v, basis=basis)


def test_latest_vote_of_each_signer_counts_on_the_current_basis() -> None:
    votes = [vote("ann", Vote.NO_GO), vote("ann", Vote.GO), vote("bob", Vote.GO, basis="old")]
    t = tally(votes, basis="b1")
    assert t.go == ("ann",) and t.no_go == () and t.stale == ("bob",)
    assert not t.split


def test_split_committee_is_detected_and_a_no_go_blocks() -> None:
    t = tally([vote("ann", Vote.GO), vote("bob", Vote.NO_GO)], basis="b1")
    assert t.split
    go = GateEvaluation(outcome=GateOutcome.GO, reasons=())
    blocked = apply_votes(go, t)
    assert blocked.outcome is GateOutcome.NO_GO and "bob" in blocked.failed[0].detail
    assert apply_votes(go, tally([vote("ann", Vote.GO)], basis="b1")) is go
