"""Governance workflows over evidence, grouped by subdomain.

- `register`: findings from evidence, triage, mitigations and verification, release decisions,
  escalations, monitoring after release and the lessons learned (the data flow of a program).
- `people`: accounts and roles, signing in, who may read what, onboarding, wellbeing, privacy and
  declared perspectives.
- `channels`: anonymous concerns, external intake, notification hooks, issue trackers and the
  sources of production exchanges.
- `catalog`: the living catalog's versions, the ATLAS import and test plans.
- `workbench`: the dashboard, starting and scheduling rounds, the playground, human review, judge
  calibration and the offline demo.

`workspace` (open a workspace) and `aio` (run the async core from sync code) serve all of them.
"""
