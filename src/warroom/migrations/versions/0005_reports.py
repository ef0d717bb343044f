"""user reports and merges

Revision ID: 0005_reports
Revises: 0003_intake
Create Date: 2026-11-28 02:44:16.321892
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import warroom.db

revision = "0005_reports"
down_revision = "0003_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_merges",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_by_name", sa.String(length=200), nullable=False),
        sa.Column("alerts_moved", sa.Integer(), nullable=False),
        sa.Column("reports_moved", sa.Integer(), nullable=False),
        sa.Column("events_referenced", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_incident_merges_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["into_id"], ["incidents.id"], name=op.f("fk_incident_merges_into_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["merged_by_id"], ["users.id"], name=op.f("fk_incident_merges_merged_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_merges")),
    )
    with op.batch_alter_table("incident_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_merges_into_id"), ["into_id"], unique=False)

    op.create_table(
        "user_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("segment", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("received_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("matched_by", sa.String(length=20), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_user_reports_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_user_reports_incident_id_incidents"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_user_reports_service_id_services"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_reports")),
    )
    with op.batch_alter_table("user_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_reports_incident_id"), ["incident_id"], unique=False)
        batch_op.create_index("ix_user_reports_received", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_user_reports_received")
        batch_op.drop_index(batch_op.f("ix_user_reports_incident_id"))

    op.drop_table("user_reports")
    with op.batch_alter_table("incident_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_merges_into_id"))

    op.drop_table("incident_merges")
