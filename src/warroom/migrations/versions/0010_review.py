"""post-incident review

Revision ID: 0010_review
Revises: 0002_maintenance
Create Date: 2026-11-28 02:41:27.532571
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import warroom.db

revision = "0010_review"
down_revision = "0002_maintenance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "postmortem_lint_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column(
            "phrases", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("pattern", sa.String(length=300), nullable=True),
        sa.Column(
            "sections", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("suggestion", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_postmortem_lint_rules_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_lint_rules")),
        sa.UniqueConstraint("rule_id", name=op.f("uq_postmortem_lint_rules_rule_id")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("due_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ticket_url", sa.String(length=2000), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_before_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_after_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_action_items_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_action_items_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_action_items_owner_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_action_items_team_id_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_items_incident_id"), ["incident_id"], unique=False)

    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column(
            "sections", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "public_sections",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "factors", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "tags", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "starred_events",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "hidden_events",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("no_actions_reason", sa.Text(), nullable=True),
        sa.Column("debrief_shared", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_postmortems_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_postmortems_incident_id_incidents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortems")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_postmortems_incident_id")),
    )
    op.create_table(
        "postmortem_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_postmortem_comments_author_id_users")),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_comments_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_comments")),
    )
    with op.batch_alter_table("postmortem_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postmortem_comments_postmortem_id"), ["postmortem_id"], unique=False)

    op.create_table(
        "postmortem_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("added_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_postmortem_entries_author_id_users")),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_entries_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_entries")),
    )
    with op.batch_alter_table("postmortem_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postmortem_entries_postmortem_id"), ["postmortem_id"], unique=False)

    op.create_table(
        "postmortem_lint_dismissals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("match", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_lint_dismissals_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_postmortem_lint_dismissals_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortem_lint_dismissals")),
    )
    with op.batch_alter_table("postmortem_lint_dismissals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postmortem_lint_dismissals_postmortem_id"), ["postmortem_id"], unique=False
        )

    op.create_table(
        "postmortem_reviewers",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", warroom.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", warroom.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_reviewers_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_postmortem_reviewers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("postmortem_id", "user_id", name=op.f("pk_postmortem_reviewers")),
    )


def downgrade() -> None:
    op.drop_table("postmortem_reviewers")
    with op.batch_alter_table("postmortem_lint_dismissals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postmortem_lint_dismissals_postmortem_id"))

    op.drop_table("postmortem_lint_dismissals")
    with op.batch_alter_table("postmortem_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postmortem_entries_postmortem_id"))

    op.drop_table("postmortem_entries")
    with op.batch_alter_table("postmortem_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postmortem_comments_postmortem_id"))

    op.drop_table("postmortem_comments")
    op.drop_table("postmortems")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_items_incident_id"))

    op.drop_table("action_items")
    op.drop_table("postmortem_lint_rules")
