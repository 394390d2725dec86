"""Pure domain: the types and rules of a red-teaming program. No I/O; imports nothing else from Redline."""
