"""Review routes that are public or use another credential (see tests/allowlists/__init__.py)."""

from __future__ import annotations

# (method, path) exactly as registered. The public version of a post-mortem is what the status page links to;
# it shows only sections the author marked public, of a published post-mortem of a non-private incident.
PUBLIC_ROUTES: set[tuple[str, str]] = {("GET", "/postmortems/{incident_id}/public")}
# (method, path) -> which credential the route checks instead of a user session or bearer token.
OTHER_CREDENTIAL_ROUTES: dict[tuple[str, str], str] = {}
# Non-GET /api/v1 routes a viewer may call.
VIEWER_WRITABLE_ROUTES: set[tuple[str, str]] = {("POST", "/api/v1/postmortem-lint")}
