"""White-box attacks on local models: adversarial suffix search (random search, GCG), uncertainty probes."""
