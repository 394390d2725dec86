"""Pure domain: the types and rules of a red-teaming program. No I/O; imports nothing else from Redline.

- `runs`: systems under test, cases and their params, conversations, actions and their timeline,
  guards, scores, rounds and attempts (what a round is made of).
- `analysis`: rates with intervals, evidence per threat, comparison and drift, calibration,
  disparity, and agreement of human review with the scorers.
- `register`: findings and proposals, risk and assessment, the heat map, triage, mitigations and
  verification, release policy, sign-offs, revisits and lessons.
- `people`: users and their roles, declared perspectives.
- `channels`: the status machines of concerns and intake, tracker issues.
- `catalog`: threats, playbooks and their versions, test plans, target profiles.

`errors`, `ids`, `secrets`, `provenance` and `audit` are shared by all of them.
"""
