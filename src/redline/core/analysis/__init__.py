"""Statistics over evidence: rates with intervals, evidence per threat, comparison and drift, calibration,
disparity, and agreement of human review with the scorers."""
