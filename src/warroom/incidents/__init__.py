"""Incidents: lifecycle, severity, roles, tasks, impact, blast radius and the append-only timeline."""
