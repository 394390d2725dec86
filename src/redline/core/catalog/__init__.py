"""The catalog: threats and playbooks, their versions, test plans, and target profiles with domain packs."""
