"""silences

Revision ID: 0004_silences
Revises: 0002_maintenance
Create Date: 2026-11-28 02:40:54.612889
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0004_silences"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "silences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "matchers", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expired_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("expired_by_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_silences_silence_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_silences_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_silences_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_silences")),
    )
    with op.batch_alter_table("silences", schema=None) as batch_op:
        batch_op.create_index("ix_silences_span", ["ends_at", "starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("silences", schema=None) as batch_op:
        batch_op.drop_index("ix_silences_span")

    op.drop_table("silences")
