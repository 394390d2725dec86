"""Multi-turn attacks: Crescendo escalation and the PAIR / TAP attacker-model loops."""
