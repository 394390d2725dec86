"""Converters: composable text transforms (encodings, perturbations, structure, model rewrites)."""
