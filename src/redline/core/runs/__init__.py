"""What a round is made of: systems under test, seeds and cases, the messages and actions of an exchange,
guards, scores, and rounds with their attempts."""
