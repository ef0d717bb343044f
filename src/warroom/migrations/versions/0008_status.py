"""status page

Revision ID: 0008_status
Revises: 0002_maintenance
Create Date: 2026-11-28 02:43:42.088615
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0008_status"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_component_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_component_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_status_component_groups_name")),
    )
    op.create_table(
        "status_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_generation")),
    )
    op.create_table(
        "status_page_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("logo_url", sa.String(length=2000), nullable=False),
        sa.Column("support_url", sa.String(length=2000), nullable=False),
        sa.Column(
            "links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("preview_exercises", sa.Boolean(), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_page_settings")),
    )
    op.create_table(
        "status_update_templates",
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("status", name=op.f("pk_status_update_templates")),
    )
    op.create_table(
        "status_component_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_status_component_changes_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_component_changes")),
    )
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.create_index("ix_status_component_changes_service_at", ["service_id", "at"], unique=False)

    op.create_table(
        "status_components",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("show_description", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["status_component_groups.id"],
            name=op.f("fk_status_components_group_id_status_component_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_status_components_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_status_components")),
    )
    op.create_table(
        "status_daily_uptime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("operational", sa.Integer(), nullable=False),
        sa.Column("degraded_performance", sa.Integer(), nullable=False),
        sa.Column("partial_outage", sa.Integer(), nullable=False),
        sa.Column("major_outage", sa.Integer(), nullable=False),
        sa.Column("maintenance", sa.Integer(), nullable=False),
        sa.Column("no_data", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_status_daily_uptime_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_daily_uptime")),
        sa.UniqueConstraint("service_id", "day", name=op.f("uq_status_daily_uptime_service_id_day")),
    )
    op.create_table(
        "status_public_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("postmortem_url", sa.String(length=2000), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_public_incidents_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_public_incidents")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_status_public_incidents_incident_id")),
    )
    op.create_table(
        "status_public_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_incident_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "components", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("published_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_update_by", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("notify_subscribers", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_status_public_updates_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_public_updates_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["public_incident_id"],
            ["status_public_incidents.id"],
            name=op.f("fk_status_public_updates_public_incident_id_status_public_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_public_updates")),
    )
    with op.batch_alter_table("status_public_updates", schema=None) as batch_op:
        batch_op.create_index("ix_status_public_updates_incident", ["public_incident_id", "published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_status_public_updates_incident_id"), ["incident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_public_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_public_updates_incident_id"))
        batch_op.drop_index("ix_status_public_updates_incident")

    op.drop_table("status_public_updates")
    op.drop_table("status_public_incidents")
    op.drop_table("status_daily_uptime")
    op.drop_table("status_components")
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_component_changes_service_at")

    op.drop_table("status_component_changes")
    op.drop_table("status_update_templates")
    op.drop_table("status_page_settings")
    op.drop_table("status_generation")
    op.drop_table("status_component_groups")
