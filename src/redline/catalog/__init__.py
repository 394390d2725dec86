"""What can go wrong: the threat catalog and playbooks, as versioned YAML, mapped to public standards."""
