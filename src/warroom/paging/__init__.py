"""Escalation policies, the escalation engine, contact methods, notification rules, pages and acknowledge links."""
