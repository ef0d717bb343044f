"""Contacts background jobs and event subscriptions."""

from __future__ import annotations
