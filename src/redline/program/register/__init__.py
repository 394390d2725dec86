"""The register: findings from evidence, their triage, mitigations and verification, release decisions,
escalations, monitoring after release and the lessons learned."""
