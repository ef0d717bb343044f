"""on-call schedules

Revision ID: 0006_schedules
Revises: 0002_maintenance
Create Date: 2026-11-28 02:39:42.926707
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0006_schedules"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("handoff_notices", sa.Boolean(), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_schedules_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("name", name=op.f("uq_schedules_name")),
    )
    op.create_table(
        "schedule_feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(schedule_id IS NULL) <> (user_id IS NULL)", name=op.f("ck_schedule_feed_tokens_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_schedule_feed_tokens_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_feed_tokens_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_schedule_feed_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_schedule_feed_tokens_token_hash")),
    )
    with op.batch_alter_table("schedule_feed_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_feed_tokens_schedule_id"), ["schedule_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_schedule_feed_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "schedule_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rotation_start", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("turn_length", sa.Integer(), nullable=False),
        sa.Column("turn_unit", sa.String(length=8), nullable=False),
        sa.Column("handoff_time", sa.String(length=5), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column(
            "members", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "restrictions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("turn_length > 0", name=op.f("ck_schedule_layers_positive_turn")),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_schedule_layers_schedule_id_schedules"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_layers")),
    )
    with op.batch_alter_table("schedule_layers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_layers_schedule_id"), ["schedule_id"], unique=False)

    op.create_table(
        "schedule_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("start_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_schedule_overrides_override_order")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_schedule_overrides_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_overrides_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_schedule_overrides_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_overrides")),
    )
    with op.batch_alter_table("schedule_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_overrides_span", ["schedule_id", "start_at", "end_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_schedule_overrides_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("schedule_overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_overrides_user_id"))
        batch_op.drop_index("ix_schedule_overrides_span")

    op.drop_table("schedule_overrides")
    with op.batch_alter_table("schedule_layers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_layers_schedule_id"))

    op.drop_table("schedule_layers")
    with op.batch_alter_table("schedule_feed_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_feed_tokens_user_id"))
        batch_op.drop_index(batch_op.f("ix_schedule_feed_tokens_schedule_id"))

    op.drop_table("schedule_feed_tokens")
    op.drop_table("schedules")
