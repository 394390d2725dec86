"""The catalog at work: its versions and ATLAS import, and the test plans drawn from it."""
