"""Compare two releases (or rounds) threat by threat: both rates, and fixed, regressed, new or unchanged."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.core.analysis.comparison import Change, classify_change
from redline.core.analysis.evidence import Evidence
from redline.program.register.releases import release_label
from redline.store.repos import evidence as evidence_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos.systems import resolve_release
from redline.store.session import Store

ALPHA = 0.05
WORSE = frozenset({Change.REGRESSED, Change.NEW})


class ThreatChange(BaseModel):
    """One threat's rates on both sides and how it moved."""

    model_config = ConfigDict(frozen=True)

    threat_id: str
    before: Evidence | None
    after: Evidence | None
    change: Change
    p_value: float | None = Field(default=None, description="Two-proportion test, when both were tested.")
    method: str | None = None


class Comparison(BaseModel):
    """Every threat tested on either side, and the test level used."""

    model_config = ConfigDict(frozen=True)

    before: str
    after: str
    alpha: float
    rows: tuple[ThreatChange, ...]

    @property
    def regressions(self) -> tuple[ThreatChange, ...]:
        """Threats that got significantly worse, or started failing."""
        return tuple(r for r in self.rows if r.change in WORSE)


def _side(session: Session, ref: str) -> tuple[str, dict[str, Evidence]]:
    if ref.startswith("rnd_"):
        rounds_repo.get_round(session, ref)
        return ref, {e.threat_id: e for e in evidence_repo.round_evidence(session, ref)}
    release = resolve_release(session, ref)
    evidence = evidence_repo.release_evidence(session, release.id)
    return release_label(session, release), {s.evidence.threat_id: s.evidence for s in evidence}


def compare(store: Store, *, before: str, after: str, alpha: float = ALPHA) -> Comparison:
    """Classify each threat's change between two releases (SYSTEM@VERSION or id) or two rounds (rnd_...)."""
    with store.session() as session:
        left, a = _side(session, before)
        right, b = _side(session, after)
    rows: list[ThreatChange] = []
    for threat_id in sorted(set(a) | set(b)):
        change, test = classify_change(a.get(threat_id), b.get(threat_id), alpha=alpha)
        rows.append(
            ThreatChange(
                threat_id=threat_id,
                before=a.get(threat_id),
                after=b.get(threat_id),
                change=change,
                p_value=test.p_value if test else None,
                method=test.method if test else None,
            )
        )
    return Comparison(before=left, after=right, alpha=alpha, rows=tuple(rows))
