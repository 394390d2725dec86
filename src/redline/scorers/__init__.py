"""Scorers that judge one response: detectors, classifiers, LLM judges, group statistics."""
