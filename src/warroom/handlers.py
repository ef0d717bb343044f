"""Imports every domain's jobs.py so their job handlers and event subscriptions are registered.

Called by the composition roots (app.create_app, cli.main) and the test suite. The jobs package itself
knows no domain, so it cannot do this import.
"""

from __future__ import annotations


def load_all() -> None:
    from warroom.comms import jobs as comms_jobs
    from warroom.contacts import jobs as contacts_jobs
    from warroom.incidents import jobs as incidents_jobs
    from warroom.intake import jobs as intake_jobs
    from warroom.maintenance import jobs as maintenance_jobs
    from warroom.notify import jobs as notify_jobs
    from warroom.paging import jobs as paging_jobs
    from warroom.reports import jobs as reports_jobs
    from warroom.review import jobs as review_jobs
    from warroom.schedules import jobs as schedules_jobs
    from warroom.silences import jobs as silences_jobs
    from warroom.status import jobs as status_jobs

    del incidents_jobs, notify_jobs, intake_jobs, maintenance_jobs, paging_jobs, reports_jobs
    del review_jobs, schedules_jobs, silences_jobs, status_jobs, comms_jobs, contacts_jobs
