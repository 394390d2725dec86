"""The one permission table of the web workbench: every route names an action, every action its roles.

The role sets are the program's (`program.people.permissions`); this module only maps actions onto
them. A route without an entry in ROUTES is refused to everyone (and fails the route tests). Actions whose
holders the workspace configures (plan approvers, gate signers, risk acceptors) read them from
`decision_rights`. The program layer checks the finer rules (no vote on your own plan, critical
plans, status moves) on top of this table.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from redline.config.settings import DecisionRights, PrivacyConfig
from redline.core.people.users import Role, User
from redline.program.people.permissions import (
    AUDITORS,
    CATALOG_EDITORS,
    CONCERN_HANDLERS,
    CONCERN_LINK_ISSUERS,
    CONDITION_REPORTERS,
    EVERYONE,
    FINDING_FIXERS,
    FINDING_LEADS,
    FINDING_MOVERS,
    FINDING_WRITERS,
    GATE_RUNNERS,
    INTAKE_TRIAGERS,
    INTERNAL_READERS,
    ONBOARDING_LEADS,
    PERSPECTIVE_REMOVERS,
    PLAN_AUTHORS,
    PLAYGROUND_USERS,
    REPORT_READERS,
    REVIEW_SAMPLERS,
    REVIEWERS,
    ROUND_RUNNERS,
    USER_ADMINS,
    WELLBEING_LEADS,
)


class Action(StrEnum):
    """What a route does, as far as permissions go."""

    SIGN_IN = "sign_in"
    INTAKE_SUBMIT = "intake_submit"
    SIGN_OUT = "sign_out"
    ACCOUNT = "account"
    API_SCHEMA = "api_schema"
    REPORT_EXTERNAL = "report_external"
    REPORT_COMMITTEE = "report_committee"
    REPORT_INTERNAL = "report_internal"
    DASHBOARD = "dashboard"
    CATALOG_READ = "catalog_read"
    CATALOG_EDIT = "catalog_edit"
    PLAN_READ = "plan_read"
    PLAN_WRITE = "plan_write"
    PLAN_VOTE = "plan_vote"
    ROUND_READ = "round_read"
    ROUND_START = "round_start"
    FINDING_READ = "finding_read"
    FINDING_TRIAGE = "finding_triage"
    FINDING_MOVE = "finding_move"
    FINDING_COMMENT = "finding_comment"
    MITIGATION_WRITE = "mitigation_write"
    GATE_READ = "gate_read"
    GATE_CHECK = "gate_check"
    GATE_SIGN = "gate_sign"
    CONDITION_REPORT = "condition_report"
    AUDIT_READ = "audit_read"
    PLAYGROUND = "playground"
    CONTENT_VIEW = "content_view"
    WELLBEING_SELF = "wellbeing_self"
    WELLBEING_TEAM = "wellbeing_team"
    ONBOARDING_SELF = "onboarding_self"
    ONBOARDING_TEAM = "onboarding_team"
    PERSPECTIVES_SELF = "perspectives_self"
    PERSPECTIVES_REMOVE = "perspectives_remove"
    INTAKE_TRIAGE = "intake_triage"
    USER_ADMIN = "user_admin"
    CONTENT_UNMASK = "content_unmask"
    CONCERN_RAISE = "concern_raise"
    CONCERN_CLAIM = "concern_claim"
    CONCERN_HANDLE = "concern_handle"
    CONCERN_LINK = "concern_link"
    REVIEW = "review"
    REVIEW_SAMPLE = "review_sample"
    TRACKER_WEBHOOK = "tracker_webhook"
    MONITOR_READ = "monitor_read"


Grant = frozenset[Role] | None
"""The roles that may act; None means anyone, signed in or not."""

ANYONE: Grant = None


def permission_table(
    rights: DecisionRights, *, cleared: Iterable[Role] = PrivacyConfig().cleared_roles
) -> dict[Action, Grant]:
    """Who may do each action, with the workspace's decision rights and privacy clearance filled in."""
    movers = frozenset().union(*FINDING_MOVERS.values()) | frozenset(rights.risk_acceptors)
    return {
        Action.SIGN_IN: ANYONE,
        Action.INTAKE_SUBMIT: ANYONE,
        Action.SIGN_OUT: EVERYONE,
        Action.ACCOUNT: EVERYONE,
        Action.API_SCHEMA: EVERYONE,
        Action.REPORT_EXTERNAL: EVERYONE,
        Action.REPORT_COMMITTEE: REPORT_READERS | {Role.VIEWER},
        Action.REPORT_INTERNAL: REPORT_READERS,
        Action.DASHBOARD: INTERNAL_READERS,
        Action.CATALOG_READ: INTERNAL_READERS,
        Action.CATALOG_EDIT: CATALOG_EDITORS,
        Action.PLAN_READ: INTERNAL_READERS,
        Action.PLAN_WRITE: PLAN_AUTHORS,
        Action.PLAN_VOTE: frozenset(rights.plan_approvers) | frozenset(rights.critical_plan_approvers),
        Action.ROUND_READ: INTERNAL_READERS,
        Action.ROUND_START: ROUND_RUNNERS,
        Action.FINDING_READ: INTERNAL_READERS,
        Action.FINDING_TRIAGE: FINDING_LEADS,
        Action.FINDING_MOVE: movers,
        Action.FINDING_COMMENT: FINDING_WRITERS,
        Action.MITIGATION_WRITE: FINDING_FIXERS,
        Action.GATE_READ: INTERNAL_READERS,
        Action.GATE_CHECK: GATE_RUNNERS,
        Action.GATE_SIGN: frozenset(rights.gate_signers),
        Action.CONDITION_REPORT: CONDITION_REPORTERS,
        Action.AUDIT_READ: AUDITORS,
        Action.PLAYGROUND: PLAYGROUND_USERS,
        Action.CONTENT_VIEW: INTERNAL_READERS,
        Action.WELLBEING_SELF: INTERNAL_READERS,
        Action.WELLBEING_TEAM: WELLBEING_LEADS,
        Action.ONBOARDING_SELF: INTERNAL_READERS,
        Action.ONBOARDING_TEAM: ONBOARDING_LEADS,
        Action.PERSPECTIVES_SELF: INTERNAL_READERS,
        Action.PERSPECTIVES_REMOVE: PERSPECTIVE_REMOVERS,
        Action.INTAKE_TRIAGE: INTAKE_TRIAGERS,
        Action.USER_ADMIN: USER_ADMINS,
        Action.CONTENT_UNMASK: frozenset(cleared),
        # Raising needs an account or a one-time link: the program layer checks which, so a link
        # holder can reach the form without signing in. The claim page needs only the claim code.
        Action.CONCERN_RAISE: ANYONE,
        Action.CONCERN_CLAIM: ANYONE,
        Action.CONCERN_HANDLE: CONCERN_HANDLERS,
        Action.CONCERN_LINK: CONCERN_LINK_ISSUERS,
        Action.REVIEW: REVIEWERS,
        Action.REVIEW_SAMPLE: REVIEW_SAMPLERS,
        # Trackers' webhooks prove themselves with the shared secret's signature (program.channels.trackers).
        Action.TRACKER_WEBHOOK: ANYONE,
        Action.MONITOR_READ: INTERNAL_READERS,
    }


def _twin(name: str, action: Action) -> dict[str, Action]:
    return {name: action, f"api.{name}": action}


# Route name -> action. A page and its JSON twin share the action; every route of the app is here.
ROUTES: dict[str, Action] = {
    "login.form": Action.SIGN_IN,
    "login.submit": Action.SIGN_IN,
    "logout": Action.SIGN_OUT,
    "api.schema": Action.API_SCHEMA,
    **_twin("account", Action.ACCOUNT),
    **_twin("account.password", Action.ACCOUNT),
    **_twin("account.tokens.issue", Action.ACCOUNT),
    **_twin("account.tokens.revoke", Action.ACCOUNT),
    **_twin("users.list", Action.USER_ADMIN),
    **_twin("users.add", Action.USER_ADMIN),
    **_twin("users.roles", Action.USER_ADMIN),
    **_twin("users.deactivate", Action.USER_ADMIN),
    **_twin("dashboard", Action.DASHBOARD),
    **_twin("catalog.list", Action.CATALOG_READ),
    **_twin("catalog.threat", Action.CATALOG_READ),
    **_twin("catalog.edit", Action.CATALOG_EDIT),
    **_twin("playbooks.list", Action.CATALOG_READ),
    **_twin("playbooks.show", Action.CATALOG_READ),
    **_twin("plans.list", Action.PLAN_READ),
    "plans.new": Action.PLAN_WRITE,
    **_twin("plans.create", Action.PLAN_WRITE),
    **_twin("plans.show", Action.PLAN_READ),
    **_twin("plans.submit", Action.PLAN_WRITE),
    **_twin("plans.vote", Action.PLAN_VOTE),
    **_twin("rounds.list", Action.ROUND_READ),
    **_twin("rounds.show", Action.ROUND_READ),
    "rounds.events": Action.ROUND_READ,
    "rounds.new": Action.ROUND_START,
    **_twin("rounds.start", Action.ROUND_START),
    "api.rounds.progress": Action.ROUND_READ,
    "api.rounds.analyses": Action.ROUND_READ,
    **_twin("findings.list", Action.FINDING_READ),
    **_twin("findings.show", Action.FINDING_READ),
    **_twin("findings.triage", Action.FINDING_TRIAGE),
    **_twin("findings.postmortem", Action.FINDING_TRIAGE),
    **_twin("findings.move", Action.FINDING_MOVE),
    **_twin("findings.comment", Action.FINDING_COMMENT),
    **_twin("findings.mitigate", Action.MITIGATION_WRITE),
    **_twin("findings.verify", Action.MITIGATION_WRITE),
    **_twin("findings.mitigation_vote", Action.PLAN_VOTE),
    **_twin("gate.list", Action.GATE_READ),
    **_twin("gate.show", Action.GATE_READ),
    **_twin("gate.check", Action.GATE_CHECK),
    **_twin("gate.sign", Action.GATE_SIGN),
    "api.conditions.report": Action.CONDITION_REPORT,
    "reports.form": Action.REPORT_EXTERNAL,
    "reports.download": Action.REPORT_EXTERNAL,
    "api.reports.model": Action.REPORT_EXTERNAL,
    **_twin("audit.list", Action.AUDIT_READ),
    **_twin("audit.verify", Action.AUDIT_READ),
    **_twin("playground.list", Action.PLAYGROUND),
    **_twin("playground.start", Action.PLAYGROUND),
    **_twin("playground.show", Action.PLAYGROUND),
    **_twin("playground.send", Action.PLAYGROUND),
    **_twin("playground.notes", Action.PLAYGROUND),
    **_twin("playground.step", Action.PLAYGROUND),
    **_twin("playground.promote", Action.PLAYGROUND),
    **_twin("playground.close", Action.PLAYGROUND),
    **_twin("wellbeing.show", Action.WELLBEING_SELF),
    **_twin("wellbeing.opt_outs", Action.WELLBEING_SELF),
    **_twin("wellbeing.override", Action.WELLBEING_TEAM),
    **_twin("perspectives.show", Action.PERSPECTIVES_SELF),
    **_twin("perspectives.declare", Action.PERSPECTIVES_SELF),
    **_twin("perspectives.withdraw", Action.PERSPECTIVES_SELF),
    **_twin("perspectives.remove", Action.PERSPECTIVES_REMOVE),
    **_twin("content.consent", Action.CONTENT_VIEW),
    **_twin("content.unmask", Action.CONTENT_UNMASK),
    **_twin("onboarding.show", Action.ONBOARDING_SELF),
    **_twin("onboarding.consent", Action.ONBOARDING_SELF),
    **_twin("onboarding.withdraw", Action.ONBOARDING_SELF),
    **_twin("onboarding.team", Action.ONBOARDING_TEAM),
    "intake.form": Action.INTAKE_SUBMIT,
    **_twin("intake.submit", Action.INTAKE_SUBMIT),
    **_twin("intake.queue", Action.INTAKE_TRIAGE),
    **_twin("intake.show", Action.INTAKE_TRIAGE),
    **_twin("intake.triage", Action.INTAKE_TRIAGE),
    **_twin("intake.reply", Action.INTAKE_TRIAGE),
    "report.status.form": Action.INTAKE_SUBMIT,
    **_twin("report.status", Action.INTAKE_SUBMIT),
    "concerns.new": Action.CONCERN_RAISE,
    **_twin("concerns.raise", Action.CONCERN_RAISE),
    "concerns.claim.form": Action.CONCERN_CLAIM,
    **_twin("concerns.claim", Action.CONCERN_CLAIM),
    **_twin("concerns.follow_up", Action.CONCERN_CLAIM),
    **_twin("concerns.list", Action.CONCERN_HANDLE),
    **_twin("concerns.show", Action.CONCERN_HANDLE),
    **_twin("concerns.respond", Action.CONCERN_HANDLE),
    **_twin("concerns.status", Action.CONCERN_HANDLE),
    **_twin("concerns.links", Action.CONCERN_LINK),
    **_twin("concerns.links.issue", Action.CONCERN_LINK),
    **_twin("review.queue", Action.REVIEW),
    **_twin("review.next", Action.REVIEW),
    **_twin("review.item", Action.REVIEW),
    **_twin("review.label", Action.REVIEW),
    **_twin("review.summary", Action.ROUND_READ),
    **_twin("review.sample", Action.REVIEW_SAMPLE),
    "api.trackers.webhook": Action.TRACKER_WEBHOOK,
    **_twin("monitoring.list", Action.MONITOR_READ),
    **_twin("monitoring.show", Action.MONITOR_READ),
}


TOKEN_NEVER = frozenset({Action.USER_ADMIN})
"""Actions no API token may take, whatever its scope."""
TOKEN_READ_ONLY = frozenset({Action.ACCOUNT})
"""Actions a token may only read through: it never changes a password nor issues or revokes tokens."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token_allows(scope: str, action: Action, method: str) -> bool:
    """Whether a request made with an API token of `scope` ('read' or 'write') may take `action`."""
    if action in TOKEN_NEVER:
        return False
    if method.upper() in SAFE_METHODS:
        return True
    return scope == "write" and action not in TOKEN_READ_ONLY


def allowed(table: dict[Action, Grant], action: Action, user: User | None) -> bool:
    """Whether `user` (None: not signed in) may perform `action`."""
    grant = table[action]
    if grant is None:
        return True
    return user is not None and user.active and not user.roles.isdisjoint(grant)
