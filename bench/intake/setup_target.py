"""Prepare a fresh Warroom database for the intake benchmark and print the intake path to stdout.

Creates an owner with an API token, then (through the HTTP API of the running server given as argv[1]) a
tier-3 service and a Prometheus integration. Usage: python setup_target.py http://127.0.0.1:18001
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import httpx

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.db import Database
from warroom.lib.clock import SystemClock
from warroom.settings import Settings


def main() -> None:
    base = sys.argv[1]
    settings = Settings.from_env()
    database = Database(settings)
    with database.transaction() as session:
        ctx = Ctx(session=session, clock=SystemClock(), settings=settings, source="cli")
        user = auth_service.create_user(
            ctx,
            email="bench@example.com",
            name="Bench",
            role="owner",
            password="bench-password-123",  # noqa: S106 - a throwaway benchmark database
            timezone="UTC",
        )
        token = auth_service.create_api_token(ctx, user=user, name="bench").token
    database.dispose()
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    service = api.post("/api/v1/services", json={"name": "bench-node-fleet", "tier": 3})
    service.raise_for_status()
    integration = api.post(f"/api/v1/services/{service.json()['id']}/integrations", json={"type": "prometheus"})
    integration.raise_for_status()
    print(urlsplit(integration.json()["url"]).path)


if __name__ == "__main__":
    main()
