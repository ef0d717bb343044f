"""contact methods, notification rules, page deliveries

Revision ID: 0011_contacts
Revises: 0002_maintenance
Create Date: 2026-11-28 02:43:34.194213
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import warroom.db

revision = "0011_contacts"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_methods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contact_methods_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_methods")),
    )
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_methods_user_id"), ["user_id"], unique=False)

    op.create_table(
        "notification_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contact_method_id", sa.Integer(), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_method_id"],
            ["contact_methods.id"],
            name=op.f("fk_notification_rules_contact_method_id_contact_methods"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_rules_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_rules")),
        sa.UniqueConstraint(
            "contact_method_id",
            "delay_minutes",
            "urgency",
            name=op.f("uq_notification_rules_contact_method_id_delay_minutes_urgency"),
        ),
    )
    with op.batch_alter_table("notification_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_rules_user_id"), ["user_id"], unique=False)

    op.create_table(
        "page_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=255), nullable=False),
        sa.Column("page_key", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("contact_method_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=2000), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("delay_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("due_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_method_id"],
            ["contact_methods.id"],
            name=op.f("fk_page_deliveries_contact_method_id_contact_methods"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_page_deliveries_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_page_deliveries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_deliveries")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_page_deliveries_delivery_id")),
    )
    with op.batch_alter_table("page_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_page_deliveries_incident", ["incident_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_page_deliveries_page_key"), ["page_key"], unique=False)
        batch_op.create_index("ix_page_deliveries_user_created", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("page_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_page_deliveries_user_created")
        batch_op.drop_index(batch_op.f("ix_page_deliveries_page_key"))
        batch_op.drop_index("ix_page_deliveries_incident")

    op.drop_table("page_deliveries")
    with op.batch_alter_table("notification_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_rules_user_id"))

    op.drop_table("notification_rules")
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_methods_user_id"))

    op.drop_table("contact_methods")
