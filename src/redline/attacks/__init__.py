"""Techniques that turn seeds into attack cases: templates, converters, multi-turn and white-box."""
