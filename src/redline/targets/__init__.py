"""The systems under test: the Target protocol and its adapters (stage 1)."""
