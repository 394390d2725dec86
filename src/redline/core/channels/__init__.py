"""Channels in and out: the status machines of anonymous concerns and external intake, and issues in
trackers."""
