"""comms: stakeholders, bridges, subscribers, cadence

Revision ID: 0009_comms
Revises: 0008_status
Create Date: 2026-11-28 03:20:43.439468
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0009_comms"
down_revision = "0008_status"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cadence_settings",
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("first_update_minutes", sa.Integer(), nullable=True),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("severity", name=op.f("pk_cadence_settings")),
    )
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("webhook_url", sa.String(length=2000), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column(
            "component_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("token_nonce", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("quarantined_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
    )
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.create_index("ix_status_subscribers_email", ["email"], unique=False)

    op.create_table(
        "subscribe_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=False),
        sa.Column("at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscribe_attempts")),
    )
    with op.batch_alter_table("subscribe_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_subscribe_attempts_ip_at", ["ip_hash", "at"], unique=False)

    op.create_table(
        "cadence_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("started_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("closed_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_cadence_intervals_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence_intervals")),
    )
    with op.batch_alter_table("cadence_intervals", schema=None) as batch_op:
        batch_op.create_index("ix_cadence_intervals_incident", ["incident_id", "started_at"], unique=False)

    op.create_table(
        "incident_bridges",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_bridges_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_incident_bridges_updated_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_bridges")),
    )
    op.create_table(
        "stakeholder_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("function_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=8), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (team_id IS NULL)", name=op.f("ck_stakeholder_subscriptions_one_subscriber")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stakeholder_subscriptions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["function_id"],
            ["business_functions.id"],
            name=op.f("fk_stakeholder_subscriptions_function_id_business_functions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_stakeholder_subscriptions_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_stakeholder_subscriptions_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_stakeholder_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_subscriptions")),
    )
    with op.batch_alter_table("stakeholder_subscriptions", schema=None) as batch_op:
        batch_op.create_index("ix_stakeholder_subscriptions_user", ["user_id"], unique=False)

    op.create_table(
        "subscriber_deliveries",
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_subscriber_deliveries_delivery_id_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["status_subscribers.id"],
            name=op.f("fk_subscriber_deliveries_subscriber_id_status_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_subscriber_deliveries")),
    )
    with op.batch_alter_table("subscriber_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_subscriber_deliveries_subscriber", ["subscriber_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("subscriber_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriber_deliveries_subscriber")

    op.drop_table("subscriber_deliveries")
    with op.batch_alter_table("stakeholder_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_stakeholder_subscriptions_user")

    op.drop_table("stakeholder_subscriptions")
    op.drop_table("incident_bridges")
    with op.batch_alter_table("cadence_intervals", schema=None) as batch_op:
        batch_op.drop_index("ix_cadence_intervals_incident")

    op.drop_table("cadence_intervals")
    with op.batch_alter_table("subscribe_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_subscribe_attempts_ip_at")

    op.drop_table("subscribe_attempts")
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.drop_index("ix_status_subscribers_email")

    op.drop_table("status_subscribers")
    op.drop_table("cadence_settings")
