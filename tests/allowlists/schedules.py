"""Schedules routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered.
PUBLIC_ROUTES: set[tuple[str, str]] = set()
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/schedules/{schedule_id}/feed.ics"): "iCal feed token for that schedule (tests/test_schedules_feeds.py)",
    ("GET", "/users/{user_id}/oncall.ics"): "iCal feed token for that person (tests/test_schedules_feeds.py)",
}
# Non-GET /api/v1 routes a viewer may call: managing their own personal calendar feed tokens.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = {
    ("POST", "/api/v1/oncall/feed-tokens"),
    ("DELETE", "/api/v1/oncall/feed-tokens/{token_id}"),
}
