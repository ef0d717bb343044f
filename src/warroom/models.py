"""Imports every domain's tables so that Base.metadata is complete (for Alembic and tests)."""

from warroom.auth import models as auth_models
from warroom.catalog import models as catalog_models
from warroom.comms import models as comms_models
from warroom.contacts import models as contacts_models
from warroom.db import Base
from warroom.incidents import models as incidents_models
from warroom.intake import models as intake_models
from warroom.jobs import models as jobs_models
from warroom.maintenance import models as maintenance_models
from warroom.notify import models as notify_models
from warroom.paging import models as paging_models
from warroom.reports import models as reports_models
from warroom.review import models as review_models
from warroom.schedules import models as schedules_models
from warroom.silences import models as silences_models
from warroom.status import models as status_models

metadata = Base.metadata
__all__ = [
    "auth_models",
    "catalog_models",
    "comms_models",
    "contacts_models",
    "incidents_models",
    "intake_models",
    "jobs_models",
    "maintenance_models",
    "metadata",
    "notify_models",
    "paging_models",
    "reports_models",
    "review_models",
    "schedules_models",
    "silences_models",
    "status_models",
]
