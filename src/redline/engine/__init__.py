"""Runs rounds: scheduling, concurrency, rate limits, retries, caching, checkpoint and resume."""
