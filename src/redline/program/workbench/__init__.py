"""The workbench: the dashboard, starting and scheduling rounds, the playground, human review, judge
calibration and the offline demo."""
