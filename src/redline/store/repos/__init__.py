"""Repositories: one module per aggregate; each function takes an open Session."""
