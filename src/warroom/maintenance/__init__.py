"""Scheduled maintenance windows: one model shared by alert intake (suppression) and the status page."""
