"""Tracker issues of findings: the issue's text (risk, reproduction, acceptance criteria), its content
hash, webhook signatures, and what an issue state reported back means for the finding."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.evidence import Evidence
from redline.core.ids import canonical_json
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.mitigations import VerificationOutcome
from redline.core.register.verification import ALPHA, judge_part

MAX_CASES = 5
"""Failing cases written into an issue; the rest are counted."""
MAX_SAMPLE = 10_000
S = FindingStatus


class ReproStep(BaseModel):
    """One failing case as a tracker reader reproduces it (texts already masked)."""

    model_config = ConfigDict(frozen=True)

    technique: str = Field(description="Technique, or the source of a case raised outside a round.")
    converters: tuple[str, ...] = ()
    prompts: tuple[str, ...] = Field(description="The user turns to send, in order (masked).")
    verdict: str = Field(default="", description="The scorer verdict that failed it (masked).")


class Acceptance(BaseModel):
    """What a verification of the fix must show, from `core.register.verification`'s rules."""

    model_config = ConfigDict(frozen=True)

    before: Evidence | None = Field(
        default=None, description="The failing evidence the fix is tested against."
    )
    limit: float | None = Field(default=None, description="The threat's highest allowed upper bound.")
    zero_tolerance: bool = False
    min_cases: int | None = Field(
        default=None, description="Fewest scored re-run answers that could show a significant fall."
    )
    alpha: float = ALPHA


class IssueContent(BaseModel):
    """Everything an exported issue says about a finding, before a tracker's format."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    threat_name: str = ""
    release: str | None = Field(default=None, description="The failing release, SYSTEM@VERSION.")
    round_id: str | None = None
    target: str | None = Field(default=None, description="The system the failure was reached through.")
    checker: str | None = Field(default=None, description="Scorer that judges re-sent answers, or 'human'.")
    samples: int | None = Field(default=None, description="Sends of each conversation per verification.")
    steps: tuple[ReproStep, ...] = ()
    more_cases: int = Field(default=0, ge=0, description="Failing cases not written out.")
    acceptance: Acceptance = Field(default_factory=Acceptance)
    link: str | None = Field(default=None, description="The finding's page in the web workbench.")


class IssueDraft(BaseModel):
    """An issue as sent to a tracker: title, body in the tracker's markup, labels, and its hash."""

    model_config = ConfigDict(frozen=True)

    title: str
    body: str
    labels: tuple[str, ...] = ()
    priority: str | None = None

    @property
    def content_hash(self) -> str:
        """SHA-256 of what is pushed: an unchanged hash means the issue needs no update."""
        return hashlib.sha256(canonical_json(self.model_dump(mode="json")).encode()).hexdigest()


def min_cases(
    before: Evidence,
    *,
    limit: float | None = None,
    zero_tolerance: bool = False,
    alpha: float = ALPHA,
    cap: int = MAX_SAMPLE,
) -> int | None:
    """The fewest re-run answers with which a re-run without a single failure is judged verified
    by `core.register.verification.judge_part` (the fall is significant and the upper bound within
    `limit`); fewer leave any verification inconclusive or above the limit. None when not even `cap`
    answers would do."""

    def clean(n: int) -> bool:
        after = Evidence.from_counts(before.threat_id, failures=0, n=n)
        part = judge_part(before, after, limit=limit, zero_tolerance=zero_tolerance, alpha=alpha)
        return part.outcome is VerificationOutcome.VERIFIED

    if before.n == 0 or before.failures == 0 or not clean(cap):
        return None
    lo, hi = 1, cap
    while lo < hi:  # more clean answers only narrow the interval and lower the p-value
        mid = (lo + hi) // 2
        if clean(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def acceptance_for(
    before: Evidence | None, *, limit: float | None, zero_tolerance: bool, alpha: float = ALPHA
) -> Acceptance:
    """The acceptance criteria of a finding whose failing evidence is `before`."""
    return Acceptance(
        before=before,
        limit=None if zero_tolerance else limit,
        zero_tolerance=zero_tolerance,
        min_cases=(
            min_cases(before, limit=limit, zero_tolerance=zero_tolerance, alpha=alpha)
            if before is not None
            else None
        ),
        alpha=alpha,
    )


class Markup(StrEnum):
    """The text markup a tracker renders."""

    MARKDOWN = "markdown"
    JIRA = "jira"


def title_of(finding: Finding) -> str:
    """The issue title: risk, the finding's title and its id (so a reader finds it in Redline)."""
    return f"[{finding.risk.value.upper()}] {finding.title} ({finding.id})"[:250]


def _risk_lines(c: IssueContent) -> list[str]:
    f = c.finding
    threat = f"{f.threat_id} ({c.threat_name})" if c.threat_name else f.threat_id
    lines = [
        f"Risk: {f.risk.value.upper()} = likelihood {int(f.likelihood)} ({f.likelihood.name.lower()}) "
        f"x impact {int(f.impact)} ({f.impact.name.lower()})",
        f"Threat: {threat}",
        f"Status in Redline: {f.status.value}" + (f"; due {f.due}" if f.due else ""),
    ]
    if c.release:
        lines.append(f"Failing release: {c.release}")
    return lines


def _acceptance_lines(c: IssueContent) -> list[str]:
    a = c.acceptance
    pct = f"{a.alpha:.0%}"
    lines = []
    if a.before is not None and a.before.n:
        lines.append(
            f"Re-run on the release that ships the fix, the original failing cases' failure rate falls "
            f"significantly (two-proportion test, alpha {a.alpha:g}) from {a.before.describe()}"
        )
    else:
        lines.append(
            f"Re-run on the release that ships the fix, the failure rate falls significantly "
            f"(two-proportion test, alpha {a.alpha:g})"
        )
    if a.zero_tolerance:
        lines.append("Zero tolerance: not a single failing answer in the re-run")
    elif a.limit is not None:
        lines.append(f"The upper 95% bound of the re-run's failure rate is at most {a.limit:.1%}")
    if a.min_cases is not None:
        lines.append(
            f"Sample size: at least {a.min_cases} scored answers per part (with fewer, even a re-run "
            f"without a single failure is inconclusive at {pct} or its upper bound above the limit)"
        )
    if c.samples:
        lines.append(f"Each reproducible conversation is sent {c.samples} times per verification")
    lines.append(
        "Fresh variants (held-out seeds, paraphrases, converter variants, new random seeds) pass the same "
        "test: a fix that blocks only the exact prompts above is not verified"
    )
    lines.append(
        f"Run: redline finding verify {c.finding.id} --release SYSTEM@VERSION (it must report VERIFIED). "
        "Closing this issue marks the finding mitigated, ready for verification; only a verified "
        "re-run closes it in Redline"
    )
    return lines


def _repro_blocks(c: IssueContent) -> list[tuple[str, Any]]:
    """('text', line) and ('code', text) blocks of the reproduction section."""
    out: list[tuple[str, Any]] = []
    where = [
        f"target {c.target}" if c.target else None,
        f"round {c.round_id}" if c.round_id else None,
        f"judged by {c.checker}" if c.checker else None,
    ]
    facts = "; ".join(w for w in where if w)
    if facts:
        out.append(("text", facts.capitalize()))
    if not c.steps:
        out.append(("text", "No failing case is kept for this finding; see its evidence in Redline."))
    for i, step in enumerate(c.steps, 1):
        via = step.technique + (f" with converters {', '.join(step.converters)}" if step.converters else "")
        out.append(("heading", f"Case {i}: {via}"))
        for j, prompt in enumerate(step.prompts, 1):
            if len(step.prompts) > 1:
                out.append(("text", f"User turn {j}:"))
            out.append(("code", prompt))
        if step.verdict:
            out.append(("text", f"Verdict: {step.verdict}"))
    if c.more_cases:
        out.append(("text", f"... and {c.more_cases} more failing case(s) in Redline."))
    out.append(("text", "Personal data is masked; model answers and system prompts are not exported."))
    return out


def _fence(text: str, markup: Markup) -> str:
    if markup is Markup.JIRA:
        return "{noformat}\n" + text.replace("{noformat}", "{ noformat}") + "\n{noformat}"
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text}\n{ticks}"


def render_body(c: IssueContent, markup: Markup) -> str:
    """The issue body in Markdown (GitHub, GitLab) or Jira wiki markup (Jira REST API v2)."""
    h2 = "h2. " if markup is Markup.JIRA else "## "
    h3 = "h3. " if markup is Markup.JIRA else "### "
    bullet = "* " if markup is Markup.JIRA else "- "
    parts = [f"{h2}Risk", *(bullet + line for line in _risk_lines(c)), ""]
    if c.finding.description:
        parts += [c.finding.description, ""]
    parts.append(f"{h2}Reproduction steps")
    for kind, value in _repro_blocks(c):
        if kind == "heading":
            parts += ["", h3 + value]
        elif kind == "code":
            parts.append(_fence(value, markup))
        else:
            parts.append(value)
    parts += ["", f"{h2}Acceptance criteria", *(bullet + line for line in _acceptance_lines(c)), ""]
    if c.link:
        link = f"[{c.finding.id}|{c.link}]" if markup is Markup.JIRA else f"[{c.finding.id}]({c.link})"
        parts += [f"{h2}In Redline", f"Finding {link}", ""]
    parts.append(f"(exported by Redline; edits here are overwritten on the next export of {c.finding.id})")
    return "\n".join(parts)


def draft(
    c: IssueContent,
    markup: Markup,
    *,
    labels: Sequence[str] = (),
    risk_labels: dict[str, str] | None = None,
    priorities: dict[str, str] | None = None,
) -> IssueDraft:
    """The issue of a finding for one tracker, with its configured labels and priority."""
    risk = c.finding.risk.value
    extra = (risk_labels or {}).get(risk)
    names = [*labels, *([extra] if extra else [])]
    return IssueDraft(
        title=title_of(c.finding),
        body=render_body(c, markup),
        labels=tuple(dict.fromkeys(names)),
        priority=(priorities or {}).get(risk),
    )


# --- status flowing back --------------------------------------------------------------------------


class IssueState(StrEnum):
    """An issue's state as a tracker reports it, reduced to what the finding cares about."""

    OPEN = "open"
    CLOSED = "closed"


def hmac_sha256(secret: str, body: bytes) -> str:
    """`sha256=HEX` of the HMAC-SHA256 of `body` under `secret` (GitHub's and Jira's signature form)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(kind: str, secret: str, body: bytes, headers: dict[str, str]) -> bool:
    """Whether a webhook call carries the tracker's proof of the shared secret (header names lower case).

    github: `X-Hub-Signature-256: sha256=HMAC`; jira: `X-Hub-Signature: sha256=HMAC` (admin webhooks
    with a secret); gitlab: `X-Gitlab-Token` equal to the secret. Compared in constant time.
    """
    if not secret:
        return False
    if kind == "gitlab":
        given = headers.get("x-gitlab-token", "")
        return bool(given) and hmac.compare_digest(given.encode(), secret.encode())
    header = "x-hub-signature-256" if kind == "github" else "x-hub-signature"
    given = headers.get(header, "")
    return bool(given) and hmac.compare_digest(given.encode(), hmac_sha256(secret, body).encode())


class InboundChange(BaseModel):
    """An issue state a webhook reported: which issue, its state, and what happened to it."""

    model_config = ConfigDict(frozen=True)

    external_id: str
    state: IssueState
    action: str = Field(description="The tracker's word for the event (closed, reopen, issue_updated, ...).")


def _state(value: Any, *, closed: set[str]) -> IssueState:
    return IssueState.CLOSED if str(value or "").lower() in closed else IssueState.OPEN


def _same_project(kind: str, project: str | None, payload: dict[str, Any]) -> bool:
    """Whether the event is about the configured project (an organisation or group webhook reports
    every repository's issues, whose numbers repeat across repositories)."""
    if not project:
        return True
    if kind == "github":
        repo = (payload.get("repository") or {}).get("full_name")
        return repo is None or str(repo).lower() == project.lower()
    if kind == "gitlab":
        proj = payload.get("project") or {}
        known = {str(proj[k]).lower() for k in ("id", "path_with_namespace") if proj.get(k) is not None}
        return not known or project.lower() in known
    key = str((payload.get("issue") or {}).get("key", ""))
    return key.upper().startswith(project.upper() + "-")


def parse_event(kind: str, payload: dict[str, Any], project: str | None = None) -> InboundChange | None:
    """The issue state change a tracker's webhook payload reports; None for events about other things
    (pings, merge requests, issues of another project than `project`)."""
    if not _same_project(kind, project, payload):
        return None
    if kind == "github":
        issue = payload.get("issue")
        if not isinstance(issue, dict) or "pull_request" in issue:
            return None
        return InboundChange(
            external_id=str(issue.get("number")),
            state=_state(issue.get("state"), closed={"closed"}),
            action=str(payload.get("action", "")),
        )
    if kind == "gitlab":
        attrs = payload.get("object_attributes")
        if payload.get("object_kind") != "issue" or not isinstance(attrs, dict):
            return None
        return InboundChange(
            external_id=str(attrs.get("iid")),
            state=_state(attrs.get("state"), closed={"closed"}),
            action=str(attrs.get("action", "")),
        )
    if kind == "jira":
        issue = payload.get("issue")
        if not isinstance(issue, dict) or not issue.get("key"):
            return None
        status = (issue.get("fields") or {}).get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        return InboundChange(
            external_id=str(issue["key"]),
            state=_state(category, closed={"done"}),
            action=str(payload.get("webhookEvent", "")),
        )
    return None


class InboundOutcome(StrEnum):
    """What an inbound issue state does to its finding."""

    MITIGATED = "mitigated"
    NOTED = "noted"
    UNCHANGED = "unchanged"


MITIGATABLE: frozenset[FindingStatus] = frozenset({S.TRIAGED, S.IN_PROGRESS, S.REOPENED})
"""Statuses from which a closed issue moves the finding to mitigated (ready for verification). A new
finding is only noted: a lead triages it first (owner, due date)."""


def inbound_outcome(
    previous: IssueState | None, change: InboundChange, status: FindingStatus
) -> InboundOutcome:
    """What a reported state means: a newly closed issue of a finding still being worked on makes it
    mitigated (ready for verification; never closed: closing needs a verified re-run); a reopened issue,
    or a close of a finding past that point, is only noted; a state already seen changes nothing."""
    if change.state is previous:
        return InboundOutcome.UNCHANGED
    if change.state is IssueState.CLOSED and status in MITIGATABLE:
        return InboundOutcome.MITIGATED
    return InboundOutcome.NOTED
