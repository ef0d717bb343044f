"""Status routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered: the public status page, its JSON, feeds and assets need no login.
PUBLIC_ROUTES: set[tuple[str, str]] = {
    ("GET", "/status"),
    ("GET", "/status/incidents/{incident_id}"),
    ("GET", "/status/history"),
    ("GET", "/status/history.atom"),
    ("GET", "/status/history.rss"),
    ("GET", "/status/assets/{name}"),
    ("GET", "/status/api/v2/summary.json"),
    ("GET", "/status/api/v2/status.json"),
    ("GET", "/status/api/v2/components.json"),
    ("GET", "/status/api/v2/incidents.json"),
    ("GET", "/status/api/v2/incidents/unresolved.json"),
    ("GET", "/status/api/v2/scheduled-maintenances.json"),
    ("GET", "/status/api/v2/scheduled-maintenances/upcoming.json"),
    ("GET", "/status/api/v2/scheduled-maintenances/active.json"),
}
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {}
# Non-GET /api/v1 routes a viewer may call.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = set()
