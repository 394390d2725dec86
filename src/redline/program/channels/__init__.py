"""Channels: what comes in and goes out of the program (anonymous concerns, external intake, notification
hooks, issue trackers, production exchanges for monitoring)."""
