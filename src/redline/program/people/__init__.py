"""People: accounts and roles, signing in, who may read what, onboarding and consent, wellbeing, privacy
and declared perspectives."""
