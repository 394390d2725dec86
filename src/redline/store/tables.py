"""SQLAlchemy table models: one class per stored record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Current time in UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (so migrations match on both databases)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class SystemRow(Base):
    """A system under test."""

    __tablename__ = "systems"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReleaseRow(Base):
    """One version of a system."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("system_id", "version", name="uq_releases_system_version"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), index=True)
    version: Mapped[str] = mapped_column(String(200))
    model: Mapped[dict[str, Any]] = mapped_column(JSON)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    config_fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserRow(Base):
    """A local account."""

    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlanRow(Base):
    """A test plan; its full body is kept as JSON, the workflow fields as columns."""

    __tablename__ = "plans"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    release_id: Mapped[str | None] = mapped_column(ForeignKey("releases.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    submission: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PlanApprovalRow(Base):
    """One approver's vote on a plan."""

    __tablename__ = "plan_approvals"
    __table_args__ = (UniqueConstraint("plan_id", "submission", "approver", name="uq_plan_approvals_vote"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    submission: Mapped[int] = mapped_column(Integer, default=1)
    approver: Mapped[str] = mapped_column(String(200))
    approve: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CatalogRevisionRow(Base):
    """One change set of the threat catalog (a sync of the files, or an edit)."""

    __tablename__ = "catalog_revisions"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThreatVersionRow(Base):
    """One recorded state of one threat; (threat, version) is unique, so concurrent edits cannot fork."""

    __tablename__ = "threat_versions"
    __table_args__ = (UniqueConstraint("threat_id", "version", name="uq_threat_versions_threat_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    threat_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(ForeignKey("catalog_revisions.number"), index=True)
    change: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RoundRow(Base):
    """One run of cases against a release."""

    __tablename__ = "rounds"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str | None] = mapped_column(ForeignKey("releases.id"), index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"), index=True)
    adhoc: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), index=True)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseRow(Base):
    """An attack case planned for a round (its id is deterministic; the same case recurs across rounds)."""

    __tablename__ = "cases"
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    technique: Mapped[str] = mapped_column(String(200), index=True)
    seed_id: Mapped[str] = mapped_column(String(200))
    threat_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class AttemptRow(Base):
    """One call to the target: (round, case, turn) is unique, so a resumed round never duplicates."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("round_id", "case_id", "turn", name="uq_attempts_round_case_turn"),
        Index("ix_attempts_round_error", "round_id", "error_kind"),
        Index("ix_attempts_round_case_error", "round_id", "case_id", "error_kind"),  # per-case counts
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(40))
    turn: Mapped[int] = mapped_column(Integer, default=0)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    response_text: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    error_kind: Mapped[str | None] = mapped_column(String(30))
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScoreRow(Base):
    """One scorer's judgement of one attempt."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("attempt_id", "scorer", name="uq_scores_attempt_scorer"),
        # Covers the per-case outcome rule, so a round's aggregates read no score row.
        Index(
            "ix_scores_round_case_outcome",
            "round_id",
            "case_id",
            "outcome",
            "verdict",
            "value",
            "scale_lo",
            "scale_hi",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"), index=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(40))
    scorer: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    scale_lo: Mapped[float | None] = mapped_column(Float)
    scale_hi: Mapped[float | None] = mapped_column(Float)
    rationale: Mapped[str] = mapped_column(Text, default="")
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RoundAggregateRow(Base):
    """An aggregate of a finished round kept with the round (per-threat outcome counts, record digests).

    Valid while `basis` matches the round's finish time; writing a case, attempt or score drops them.
    """

    __tablename__ = "round_aggregates"
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    basis: Mapped[str] = mapped_column(String(64))
    body: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CacheRow(Base):
    """Response cache keyed by a hash of target identity, conversation and generation parameters."""

    __tablename__ = "response_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingRow(Base):
    """A finding in the risk register."""

    __tablename__ = "findings"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    threat_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    risk: Mapped[str] = mapped_column(String(20), index=True)
    round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    release_id: Mapped[str | None] = mapped_column(ForeignKey("releases.id"), index=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    effort: Mapped[str | None] = mapped_column(String(50))
    due: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class FindingNoteRow(Base):
    """A comment or status change on a finding."""

    __tablename__ = "finding_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MitigationRow(Base):
    """A mitigation linked to a finding."""

    __tablename__ = "mitigations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MitigationVoteRow(Base):
    """A committee member's vote on authorising a mitigation."""

    __tablename__ = "mitigation_votes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mitigation_id: Mapped[str] = mapped_column(ForeignKey("mitigations.id"), index=True)
    voter: Mapped[str] = mapped_column(String(200))
    approve: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingCaseRow(Base):
    """A finding's reproducible case: messages to send again and who judges the answers."""

    __tablename__ = "finding_cases"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), unique=True)
    source: Mapped[str] = mapped_column(String(20))
    system: Mapped[str] = mapped_column(String(200))
    scorer: Mapped[str | None] = mapped_column(String(200))
    samples: Mapped[int] = mapped_column(Integer)
    baseline_round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrackerLinkRow(Base):
    """A finding's issue in an external tracker: what was last pushed and the state last reported."""

    __tablename__ = "tracker_links"
    __table_args__ = (
        UniqueConstraint("finding_id", "tracker", name="uq_tracker_links_finding_tracker"),
        Index("ix_tracker_links_tracker_external", "tracker", "external_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    tracker: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(1000), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20), default="open")
    pushed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    state_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DecisionRow(Base):
    """A release gate decision."""

    __tablename__ = "decisions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    conditions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    signed_by: Mapped[list[Any]] = mapped_column(JSON, default=list)
    policy: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SignoffRow(Base):
    """A committee member's vote on a release, bound to the evidence it was given on."""

    __tablename__ = "gate_signoffs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    signer: Mapped[str] = mapped_column(String(200))
    vote: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    basis: Mapped[str] = mapped_column(String(64))
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EscalationRow(Base):
    """A matter raised to the committee: a critical finding, a split vote, production drift."""

    __tablename__ = "escalations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    release_id: Mapped[str | None] = mapped_column(ForeignKey("releases.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RiskAcceptanceRow(Base):
    """A committee's acceptance of a finding's risk, holding until its review date."""

    __tablename__ = "risk_acceptances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    review_by: Mapped[str] = mapped_column(String(10))
    accepted_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GateConditionRow(Base):
    """A checklist item of a release's conditional go: what must hold, who owns it, the latest report."""

    __tablename__ = "gate_conditions"
    __table_args__ = (UniqueConstraint("release_id", "key", name="uq_gate_conditions_release_key"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    maximum: Mapped[float | None] = mapped_column(Float)
    flag: Mapped[str | None] = mapped_column(String(200))
    window_days: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VerificationRow(Base):
    """A re-run of a finding's evidence cases against a new release, and what it showed."""

    __tablename__ = "verifications"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("findings.id"), index=True)
    mitigation_id: Mapped[str | None] = mapped_column(ForeignKey("mitigations.id"))
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    original_round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    fresh_round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    """The round of fresh variants (held-out seeds, paraphrases, converter variants, new random seeds)."""
    outcome: Mapped[str] = mapped_column(String(20))
    p_value: Mapped[float] = mapped_column(Float)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MonitoringRunRow(Base):
    """One ingest of production samples for a release, with its drift checks."""

    __tablename__ = "monitoring_runs"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    release_id: Mapped[str] = mapped_column(ForeignKey("releases.id"), index=True)
    source: Mapped[str] = mapped_column(String(500))
    samples: Mapped[int] = mapped_column(Integer)
    drifted: Mapped[bool] = mapped_column(Boolean, default=False)
    reports: Mapped[list[Any]] = mapped_column(JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """`redline monitor run`: windows, new failure modes, findings and escalations, timings."""
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MonitorCursorRow(Base):
    """Where a production source was read up to; saved with the run that read it."""

    __tablename__ = "monitor_cursors"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MonitorExchangeRow(Base):
    """One scored production exchange, compactly: when, and each scorer's verdict and value."""

    __tablename__ = "monitor_exchanges"
    __table_args__ = (Index("ix_monitor_exchanges_release_at", "release_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), index=True)
    """The monitoring run that read it (recorded in the same transaction, after its exchanges)."""
    release_id: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Scorer name -> [failed (1, 0 or null: could not score), value]."""
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The masked answer's embedding (float16), for the exchanges a run embedded."""


class AuditEventRow(Base):
    """One event of the hash-chained audit log; `seq` is the primary key, so the chain cannot fork."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="", index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class WebSessionRow(Base):
    """A signed-in browser session; only a hash of the cookie's token is kept."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """An API token for CI; only its hash is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scope: Mapped[str] = mapped_column(String(20), default="read")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IntakeSubmissionRow(Base):
    """A report from an outside researcher, waiting in the triage queue."""

    __tablename__ = "intake_submissions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    category: Mapped[str] = mapped_column(String(40))
    severity_claim: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    client: Mapped[str | None] = mapped_column(String(64), index=True)  # cleared after the rate window
    duplicate_of: Mapped[str | None] = mapped_column(String(40))
    similarity: Mapped[float | None] = mapped_column(Float)
    match_method: Mapped[str] = mapped_column(String(20), default="none")
    disclosure_due: Mapped[str] = mapped_column(String(10))
    finding_id: Mapped[str | None] = mapped_column(ForeignKey("findings.id"))
    triaged_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    status_secret_hash: Mapped[str | None] = mapped_column(String(64))  # the reporter's secret, hashed
    reporter_note: Mapped[str] = mapped_column(Text, default="")  # triage's words for the reporter
    reporter_note_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ExposureRow(Base):
    """One view of flagged content by one person, for the daily exposure count."""

    __tablename__ = "content_exposures"
    __table_args__ = (Index("ix_content_exposures_viewer_day", "viewer", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    viewer: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(200))
    day: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ExposureOverrideRow(Base):
    """A lead's permission for one person to view more flagged content than the daily limit."""

    __tablename__ = "exposure_overrides"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    viewer: Mapped[str] = mapped_column(String(200), index=True)
    day: Mapped[str] = mapped_column(String(10))
    extra: Mapped[int] = mapped_column(Integer)
    granted_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WellbeingPreferenceRow(Base):
    """The harm categories one person has opted out of seeing."""

    __tablename__ = "wellbeing_preferences"
    viewer: Mapped[str] = mapped_column(String(200), primary_key=True)
    opted_out: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PerspectiveDeclarationRow(Base):
    """One person's declared perspectives (sensitive: shown to that person only), with their consent."""

    __tablename__ = "perspective_declarations"
    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    perspectives: Mapped[list[Any]] = mapped_column(JSON, default=list)
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_statement: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OnboardingConsentRow(Base):
    """One person's consent to the onboarding material, with the version of each section agreed to."""

    __tablename__ = "onboarding_consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user: Mapped[str] = mapped_column(String(200), index=True)
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdraw_reason: Mapped[str] = mapped_column(Text, default="")


class PlaygroundSessionRow(Base):
    """A tester's manual conversation with a target: its round, case and what the tester recorded."""

    __tablename__ = "playground_sessions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(40))
    tester: Mapped[str] = mapped_column(String(200), index=True)
    system: Mapped[str] = mapped_column(String(200))
    playbook: Mapped[str | None] = mapped_column(String(200))
    step: Mapped[int] = mapped_column(Integer, default=0)
    threat_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    hypothesis: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(Text, default="")
    observation: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="open")
    finding_id: Mapped[str | None] = mapped_column(ForeignKey("findings.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


# The concern channel keeps no reporter identity: random ids, days instead of moments, and no row
# order to read either (SQLite's hidden, sequential rowid is dropped with WITHOUT ROWID).
_NO_ROWID = {"sqlite_with_rowid": False}


class ConcernRow(Base):
    """A concern raised anonymously about the program; only the UTC day it was raised is kept."""

    __tablename__ = "concerns"
    __table_args__ = _NO_ROWID
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    raised_on: Mapped[str] = mapped_column(String(10), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    updated_on: Mapped[str] = mapped_column(String(10))
    claim_hash: Mapped[str] = mapped_column(String(64), unique=True)
    audited: Mapped[bool] = mapped_column(Boolean, default=False)


class ConcernMessageRow(Base):
    """One entry of a concern's thread: the reporter's follow-up, a handler's answer, or a status change."""

    __tablename__ = "concern_messages"
    __table_args__ = _NO_ROWID
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    concern_id: Mapped[str] = mapped_column(ForeignKey("concerns.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    handler: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    day: Mapped[str] = mapped_column(String(10))
    audited: Mapped[bool] = mapped_column(Boolean, default=False)


class ConcernLinkRow(Base):
    """A one-time link to raise a concern without an account; deleted when used, so it ties to nothing."""

    __tablename__ = "concern_links"
    __table_args__ = _NO_ROWID
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ReviewItemRow(Base):
    """An attempt queued for human review, checking one scorer's verdict (or the round's, 'overall')."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("round_id", "attempt_id", "scorer", name="uq_review_items_attempt"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), index=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id"))
    scorer: Mapped[str] = mapped_column(String(200))
    stratum: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    wanted: Mapped[int] = mapped_column(Integer, default=2)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    sampled_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewLabelRow(Base):
    """One reviewer's label of one queued item, given blind to the scorers."""

    __tablename__ = "review_labels"
    __table_args__ = (UniqueConstraint("item_id", "reviewer", name="uq_review_labels_item_reviewer"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("review_items.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(200), index=True)
    label: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class JudgeCalibrationRow(Base):
    """A judge model measured against labelled exchanges: keyed by judge identity and rubric hash."""

    __tablename__ = "judge_calibrations"
    __table_args__ = (Index("ix_judge_calibrations_judge_rubric", "judge", "rubric_hash"),)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    judge: Mapped[str] = mapped_column(String(500))
    rubric_hash: Mapped[str] = mapped_column(String(64))
    labels_hash: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScheduleRunRow(Base):
    """One firing of a scheduled job: the (job, fire time) key is the lease that one process takes."""

    __tablename__ = "schedule_runs"
    job: Mapped[str] = mapped_column(String(200), primary_key=True)
    fire_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    runner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
