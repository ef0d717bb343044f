"""comms: stakeholder notices over signed webhooks and Slack-format webhooks

Revision ID: 0012_comms_webhooks
Revises: 0009_comms
Create Date: 2026-11-28 07:30:00

A new revision on the comms branch, not an edit of 0009_comms: databases that already applied 0009 must get
the table too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import warroom.db

revision = "0012_comms_webhooks"
down_revision = "0009_comms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stakeholder_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("function_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=8), nullable=True),
        sa.Column("include_private", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stakeholder_webhooks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["function_id"],
            ["business_functions.id"],
            name=op.f("fk_stakeholder_webhooks_function_id_business_functions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_stakeholder_webhooks_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_webhooks")),
    )


def downgrade() -> None:
    op.drop_table("stakeholder_webhooks")
