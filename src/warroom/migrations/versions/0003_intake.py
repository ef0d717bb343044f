"""alert intake

Revision ID: 0003_intake
Revises: 0002_maintenance
Create Date: 2026-11-28 02:43:17.855755
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0003_intake"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_alert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("opened_incident", sa.Boolean(), nullable=False),
        sa.Column("monitoring_on_resolve", sa.Boolean(), nullable=False),
        sa.Column("last_event_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_intake_alert_groups_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_intake_alert_groups_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_alert_groups")),
        sa.UniqueConstraint("service_id", "key", name=op.f("uq_intake_alert_groups_service_id_key")),
    )
    with op.batch_alter_table("intake_alert_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_alert_groups_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "intake_integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_hint", sa.String(length=8), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_intake_integrations_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_integrations")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_intake_integrations_key_hash")),
    )
    with op.batch_alter_table("intake_integrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_integrations_service_id"), ["service_id"], unique=False)

    op.create_table(
        "intake_routing_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "matchers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "severities", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("open_incident", sa.Boolean(), nullable=False),
        sa.Column("incident_severity", sa.String(length=10), nullable=False),
        sa.Column(
            "group_by", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("monitoring_on_resolve", sa.Boolean(), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_intake_routing_rules_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_routing_rules")),
    )
    with op.batch_alter_table("intake_routing_rules", schema=None) as batch_op:
        batch_op.create_index("ix_intake_routing_rules_service_position", ["service_id", "position"], unique=False)

    op.create_table(
        "intake_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=1024), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "labels", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "annotations", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column(
            "links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("starts_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_seen", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("firing_count", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "state_changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("flapping", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("silenced_by_id", sa.Integer(), nullable=True),
        sa.Column("suppressed_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["intake_alert_groups.id"],
            name=op.f("fk_intake_alerts_group_id_intake_alert_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_intake_alerts_incident_id_incidents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["intake_integrations.id"],
            name=op.f("fk_intake_alerts_integration_id_intake_integrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_intake_alerts_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_alerts")),
        sa.UniqueConstraint("service_id", "fingerprint", name=op.f("uq_intake_alerts_service_id_fingerprint")),
    )
    with op.batch_alter_table("intake_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_alerts_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_alerts_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intake_alerts_silenced_by_id"), ["silenced_by_id"], unique=False)
        batch_op.create_index("ix_intake_alerts_status_last_seen", ["status", "last_seen"], unique=False)

    op.create_table(
        "intake_change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=1024), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("timestamp", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "links", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "custom_details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["intake_integrations.id"],
            name=op.f("fk_intake_change_events_integration_id_intake_integrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_intake_change_events_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_change_events")),
    )
    with op.batch_alter_table("intake_change_events", schema=None) as batch_op:
        batch_op.create_index("ix_intake_change_events_service_at", ["service_id", "timestamp"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intake_change_events", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_change_events_service_at")

    op.drop_table("intake_change_events")
    with op.batch_alter_table("intake_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_alerts_status_last_seen")
        batch_op.drop_index(batch_op.f("ix_intake_alerts_silenced_by_id"))
        batch_op.drop_index(batch_op.f("ix_intake_alerts_incident_id"))
        batch_op.drop_index(batch_op.f("ix_intake_alerts_group_id"))

    op.drop_table("intake_alerts")
    with op.batch_alter_table("intake_routing_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_routing_rules_service_position")

    op.drop_table("intake_routing_rules")
    with op.batch_alter_table("intake_integrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_integrations_service_id"))

    op.drop_table("intake_integrations")
    with op.batch_alter_table("intake_alert_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_alert_groups_incident_id"))

    op.drop_table("intake_alert_groups")
