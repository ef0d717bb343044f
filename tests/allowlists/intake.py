"""Intake routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered.
PUBLIC_ROUTES: set[tuple[str, str]] = set()
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {
    ("POST", "/integrations/alertmanager/{key}"): "integration key in the path",
    ("POST", "/integrations/prometheus/{key}/api/v2/alerts"): "integration key in the path (path_prefix)",
    ("POST", "/integrations/generic/{key}"): "integration key in the path",
    ("POST", "/v2/enqueue"): "PagerDuty routing_key in the body or X-Routing-Key header",
    ("POST", "/generic/2010-04-15/create_event.json"): "PagerDuty v1 service_key in the body",
    ("POST", "/v2/change/enqueue"): "PagerDuty routing_key in the body or X-Routing-Key header",
}
# Non-GET /api/v1 routes a viewer may call.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = set()
