"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from warroom.auth import models as auth_models
from warroom.catalog import models as catalog_models
from warroom.db import Base
from warroom.incidents import models as incidents_models
from warroom.jobs import models as jobs_models
from warroom.notify import models as notify_models

metadata = Base.metadata
__all__ = ["auth_models", "catalog_models", "incidents_models", "jobs_models", "metadata", "notify_models"]
