"""Governance workflows over evidence: workspaces, plans, findings, mitigations, decisions."""
