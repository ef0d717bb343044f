"""Contacts tables."""

from __future__ import annotations

from warroom.db import Base

__all__ = ["Base"]
