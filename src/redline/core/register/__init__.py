"""The register: findings and their proposals from evidence, risk and assessment, the heat map, triage,
mitigations and verification, release policy, sign-offs, revisits and lessons."""
