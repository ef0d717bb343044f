"""Imports every domain's jobs.py so their handlers and subscriptions are registered."""

from __future__ import annotations

import importlib

DOMAIN_JOB_MODULES = ("warroom.notify.jobs", "warroom.incidents.jobs")


def load_all() -> None:
    for name in DOMAIN_JOB_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
