"""Configuration: the workspace's `redline.yaml` read into typed settings, YAML reading and writing,
and the plugin entry points settings name (`redline.targets`, `redline.scorers`, ...).

A layer of its own between the pure core and everything that is configured (targets, store, catalog
and above); it imports only `redline.core`.
"""
