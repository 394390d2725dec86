"""Single-turn template techniques, one module per family of framings."""
