"""Renderers of what the store holds: HTML with charts, Markdown, PDF, JSON, SARIF, JUnit."""
