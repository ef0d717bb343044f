"""Imports every domain's jobs.py so their job handlers and event subscriptions are registered.

Called by the composition roots (app.create_app, cli.main) and the test suite. The jobs package itself
knows no domain, so it cannot do this import.
"""

from __future__ import annotations


def load_all() -> None:
    from warroom.incidents import jobs as incidents_jobs
    from warroom.notify import jobs as notify_jobs

    del incidents_jobs, notify_jobs
