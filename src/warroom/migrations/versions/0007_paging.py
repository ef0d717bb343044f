"""escalation policies and escalations

Revision ID: 0007_paging
Revises: 0006_schedules
Create Date: 2026-11-28 02:43:24.351096
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0007_paging"
down_revision = "0006_schedules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("repeat_count", sa.Integer(), nullable=False),
        sa.Column(
            "rules", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "empty_rule_flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("repeat_count BETWEEN 0 AND 10", name=op.f("ck_escalation_policies_repeat_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_escalation_policies_name")),
    )
    op.create_table(
        "escalation_policy_schedules",
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_escalation_policy_schedules_policy_id_escalation_policies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_escalation_policy_schedules_schedule_id_schedules")
        ),
        sa.PrimaryKeyConstraint("policy_id", "schedule_id", name=op.f("pk_escalation_policy_schedules")),
    )
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column(
            "snapshot", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("loop", sa.Integer(), nullable=False),
        sa.Column("rule_index", sa.Integer(), nullable=False),
        sa.Column("retrigger", sa.Integer(), nullable=False),
        sa.Column("steps_run", sa.Integer(), nullable=False),
        sa.Column("next_step_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_escalations_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_escalations_policy_id_escalation_policies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_escalations_service_id_services"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_incident_state", ["incident_id", "state"], unique=False)

    op.create_table(
        "service_paging",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("ack_timeout_minutes", sa.Integer(), nullable=True),
        sa.Column(
            "support_hours",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("low_urgency", sa.String(length=40), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_service_paging_policy_id_escalation_policies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_paging_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_service_paging")),
    )
    with op.batch_alter_table("service_paging", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_paging_policy_id"), ["policy_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_paging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_paging_policy_id"))

    op.drop_table("service_paging")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_incident_state")

    op.drop_table("escalations")
    op.drop_table("escalation_policy_schedules")
    op.drop_table("escalation_policies")
