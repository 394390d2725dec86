"""Which evidence becomes a finding, at what risk, and whether it repeats a finding already open (stage 5)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.evidence import Evidence
from redline.core.catalog.threats import Threat, ThreatStatus
from redline.core.register.assessment import AttackComplexity, Reach, impact_of, likelihood_of
from redline.core.register.policy import ReleasePolicy, limit_for
from redline.core.register.risk import DEFAULT_MATRIX, Impact, Likelihood, RiskLevel, RiskMatrix

Embed = Callable[[Sequence[str]], Sequence[Sequence[float]]]
"""Turns texts into vectors (the scorers' bundled sentence-embedding model provides one)."""

# Cosine similarity of sentence embeddings above which two sets of failing prompts describe the same
# failure; token overlap (Jaccard) is a coarser measure and needs a lower bar.
EMBEDDING_THRESHOLD = 0.85
TOKEN_THRESHOLD = 0.5


class FindingProposal(BaseModel):
    """A finding that evidence calls for, before it is matched against the register."""

    model_config = ConfigDict(frozen=True)

    threat_id: str
    title: str
    reason: str = Field(description="Which rule raised it, with the numbers.")
    evidence: Evidence
    likelihood: Likelihood
    impact: Impact
    risk: RiskLevel
    exemplars: tuple[str, ...] = Field(default=(), description="Texts of failing cases, for matching.")


def assess(
    evidence: Evidence,
    threat: Threat,
    *,
    complexity: AttackComplexity | None = None,
    reach: Reach = Reach.BROAD,
    matrix: RiskMatrix = DEFAULT_MATRIX,
) -> tuple[Likelihood, Impact, RiskLevel]:
    """Likelihood, impact and risk level of one threat's evidence."""
    likelihood = likelihood_of(evidence, complexity)
    impact = impact_of(threat.default_severity, affected_groups=threat.affected_groups, reach=reach)
    return likelihood, impact, matrix.level(likelihood, impact)


def propose_findings(
    evidence: Sequence[Evidence],
    threats: Mapping[str, Threat],
    policy: ReleasePolicy,
    *,
    complexity: Mapping[str, AttackComplexity] | None = None,
    exemplars: Mapping[str, Sequence[str]] | None = None,
    reach: Reach = Reach.BROAD,
    matrix: RiskMatrix = DEFAULT_MATRIX,
) -> list[FindingProposal]:
    """Proposals for every threat whose failures cross its threshold; pure, so tested with literals.

    A zero-tolerance threat (catalog flag or policy list) is proposed on any failure. Any other threat
    is proposed when it failed at least once and the upper end of its 95% interval is above its limit
    (the threat's own limit, or the policy's), the same comparison the release gate makes.
    """
    out: list[FindingProposal] = []
    for ev in sorted(evidence, key=lambda e: e.threat_id):
        threat = threats.get(ev.threat_id)
        if threat is None or threat.status is ThreatStatus.RETIRED or ev.failures == 0:
            continue
        if threat.zero_tolerance or threat.id in policy.zero_tolerance:
            reason = f"zero-tolerance threat failed {ev.describe()}"
        else:
            limit = limit_for(threat, policy)
            if limit is None or ev.high <= limit:
                continue
            reason = f"upper 95% bound {ev.high:.1%} above the limit {limit:.1%}: {ev.describe()}"
        cx = (complexity or {}).get(threat.id)
        likelihood, impact, risk = assess(ev, threat, complexity=cx, reach=reach, matrix=matrix)
        out.append(
            FindingProposal(
                threat_id=threat.id,
                title=f"{threat.title}: failed {ev.failures} of {ev.n} probes",
                reason=reason,
                evidence=ev,
                likelihood=likelihood,
                impact=impact,
                risk=risk,
                exemplars=tuple((exemplars or {}).get(threat.id, ())),
            )
        )
    return out


_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> frozenset[str]:
    """Lower-case word tokens of a text."""
    return frozenset(_TOKEN.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Token overlap of two sets, 0 to 1 (1 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 when either is zero)."""
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def centroid(vectors: Sequence[Sequence[float]]) -> list[float]:
    """Mean of vectors of equal length."""
    if not vectors:
        return []
    dim = len(vectors[0])
    return [sum(v[i] for v in vectors) / len(vectors) for i in range(dim)]


def match_existing(
    candidate: Sequence[str],
    existing: Mapping[str, Sequence[str]],
    *,
    embed: Embed | None = None,
    threshold: float | None = None,
) -> tuple[str | None, float]:
    """The existing finding whose exemplar texts are nearest the candidate's, if near enough.

    With `embed`, texts are embedded and each finding is the centroid of its exemplars (cosine
    similarity); without, the texts' token sets are compared (Jaccard). Returns (finding id or None,
    best similarity). A candidate or finding without exemplars matches on the threat alone.
    """
    if not existing:
        return None, 0.0
    if not candidate or any(not texts for texts in existing.values()):
        empty = [fid for fid, texts in existing.items() if not texts or not candidate]
        return (sorted(empty)[0], 1.0) if empty else (None, 0.0)
    scored: list[tuple[float, str]] = []
    if embed is not None:
        bar = EMBEDDING_THRESHOLD if threshold is None else threshold
        ids = sorted(existing)
        texts = list(candidate) + [t for fid in ids for t in existing[fid]]
        vectors = [list(v) for v in embed(texts)]
        cand = centroid(vectors[: len(candidate)])
        pos = len(candidate)
        for fid in ids:
            n = len(existing[fid])
            scored.append((cosine(cand, centroid(vectors[pos : pos + n])), fid))
            pos += n
    else:
        bar = TOKEN_THRESHOLD if threshold is None else threshold
        cand_tokens = frozenset().union(*(tokens(t) for t in candidate))
        for fid, group in existing.items():
            scored.append((jaccard(cand_tokens, frozenset().union(*(tokens(t) for t in group))), fid))
    best, fid = max(scored, key=lambda s: (s[0], s[1]))
    return (fid if best >= bar else None), best
