"""Seed sets: shipped YAML files, the workspace's seed store, and importers for public datasets."""
