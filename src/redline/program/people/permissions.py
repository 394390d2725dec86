"""The one permission table of the program: which roles may do what, read by every workflow and the web.

Each workflow authorises with a set named here (`program.people.actors.authorize`), and the web's
route table (`web.permissions`) maps its actions onto the same sets. Roles the workspace configures
(plan approvers, gate signers, risk acceptors, privacy clearance) come from `redline.yaml` instead.
"""

from __future__ import annotations

from redline.core.people.users import Role
from redline.core.register.findings import FindingStatus

EVERYONE = frozenset(Role)
"""Every role, external reviewers included."""
INTERNAL_READERS = EVERYONE - {Role.EXTERNAL_REVIEWER}
"""Roles that read rounds and findings (everyone but external reviewers)."""

# People
USER_ADMINS = frozenset({Role.ADMIN})
"""Roles that may add accounts and change roles."""
ONBOARDING_LEADS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that see everyone's onboarding."""
WELLBEING_LEADS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that see everyone's counts and may grant an override."""
PERSPECTIVE_REMOVERS = frozenset({Role.ADMIN})
"""Roles that may delete someone else's declaration (on account removal); they never read it."""

# Catalog and plans
CATALOG_EDITORS = frozenset({Role.ADMIN, Role.LEAD, Role.COMMITTEE})
"""Roles that edit the threat catalog and import standards into it."""
PLAN_AUTHORS = frozenset({Role.LEAD, Role.ADMIN, Role.COMMITTEE})
"""Roles that may write and submit plans."""
PLAN_RUNNERS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that may start work on an approved plan."""
PLAN_CLOSERS = frozenset({Role.LEAD, Role.ADMIN, Role.COMMITTEE})
"""Roles that may close a plan."""

# Register
FINDING_LEADS = frozenset({Role.LEAD, Role.ADMIN, Role.COMMITTEE})
"""Roles that triage findings (owners, effort, due dates) and close them."""
FINDING_FIXERS = frozenset({Role.ENGINEER, Role.LEAD, Role.ADMIN})
"""Roles that record mitigations and verify findings."""
FINDING_WRITERS = frozenset({Role.TESTER, Role.ENGINEER, Role.LEAD, Role.COMMITTEE, Role.ADMIN})
"""Roles that comment on findings and link them."""
FINDING_MOVERS: dict[FindingStatus, frozenset[Role]] = {
    FindingStatus.TRIAGED: FINDING_LEADS,
    FindingStatus.IN_PROGRESS: FINDING_FIXERS,
    FindingStatus.MITIGATED: FINDING_FIXERS,
    FindingStatus.CLOSED: FINDING_LEADS,
    FindingStatus.DUPLICATE: FINDING_LEADS,
    FindingStatus.REOPENED: FINDING_LEADS | {Role.TESTER, Role.ENGINEER},
}
"""Roles that may move a finding into each status; ACCEPTED_RISK comes from settings, VERIFIED only from
a verification re-run (`redline finding verify`); any other status needs `FINDING_LEADS`."""
POSTMORTEM_WRITERS = FINDING_LEADS | {Role.ENGINEER}
"""Roles that write a finding's post-mortem."""
ESCALATORS = frozenset({Role.TESTER, Role.ENGINEER, Role.LEAD, Role.COMMITTEE, Role.ADMIN})
"""Who may escalate by hand: anyone on the team who may comment on findings (not reviewers or guests)."""
CONDITION_REPORTERS = frozenset({Role.ENGINEER, Role.LEAD, Role.COMMITTEE, Role.ADMIN})
"""Who may report on a condition (the people running the rollout, and the committee)."""
CONDITION_EDITORS = frozenset({Role.LEAD, Role.COMMITTEE, Role.ADMIN})
"""Who may add a condition by hand."""
GATE_RUNNERS = frozenset({Role.LEAD, Role.ADMIN, Role.COMMITTEE})
"""Roles that evaluate a release at the gate."""
MONITORS = frozenset({Role.LEAD, Role.ENGINEER, Role.ADMIN})
"""Roles that run monitoring after release."""
AUDITORS = frozenset({Role.ADMIN, Role.COMMITTEE, Role.LEAD})
"""Roles that read the audit log."""
REPORT_READERS = frozenset({Role.ADMIN, Role.LEAD, Role.COMMITTEE, Role.ENGINEER, Role.TESTER})
"""Roles that download internal reports (committee reports add viewers)."""

# Channels
CONCERN_HANDLERS = frozenset({Role.COMMITTEE, Role.ADMIN})
"""Who reads the queue and answers concerns."""
CONCERN_LINK_ISSUERS = frozenset({Role.ADMIN})
"""Who issues one-time links."""
INTAKE_TRIAGERS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that work the external queue."""
TRACKER_EXPORTERS = FINDING_FIXERS | FINDING_LEADS | frozenset({Role.COMMITTEE})
"""Roles that export findings to issue trackers."""

# Workbench
ROUND_RUNNERS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that start rounds."""
PLAYGROUND_USERS = frozenset({Role.TESTER, Role.LEAD, Role.ENGINEER, Role.ADMIN})
"""Roles that probe targets by hand."""
PLAYGROUND_READERS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that may read every tester's conversations."""
REVIEW_SAMPLERS = frozenset({Role.LEAD, Role.ADMIN})
"""Roles that sample a round's attempts for human review and export disagreements."""
REVIEWERS = frozenset({Role.LEAD, Role.ADMIN, Role.TESTER})
"""Roles that relabel sampled attempts."""
