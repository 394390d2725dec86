"""Per-threat evidence from grouped counts equals the tally of the same cases one by one."""

from __future__ import annotations

import itertools
import random

from redline.core.analysis.evidence import evidence_from_counted, evidence_from_outcomes


def test_grouped_counts_give_the_same_evidence_as_the_cases_one_by_one() -> None:
    rng = random.Random(4)
    threats = ["a", "b", "c"]
    groups = []
    for ids, failed, scores, errors in itertools.product(
        [[], ["a"], ["b"], ["a", "c"]], [1, 0, None], [0, 2], [0, 1]
    ):
        groups.append((ids, failed, scores, errors, rng.randint(0, 5)))
    one_by_one = [
        (ids, failed, scores, errors) for ids, failed, scores, errors, n in groups for _ in range(n)
    ]
    counted = evidence_from_counted(groups)
    assert counted == evidence_from_outcomes(one_by_one)
    assert {e.threat_id for e in counted} == set(threats)
    assert all(e.n + e.could_not_score + e.errors > 0 for e in counted)
