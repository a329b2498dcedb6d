"""The joint review's first schema: rounds, imported records, accounts, sessions, reviews, audit.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created", sa.String(40), nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("taxonomy_version", sa.String(32), nullable=False),
        sa.Column("rubric_version", sa.String(64), nullable=False),
        sa.Column("rubric", sa.JSON(), nullable=False),
        sa.Column("cutoff", sa.Float(), nullable=False),
        sa.Column("finalized_at", TZ, nullable=True),
        sa.Column("finalized_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_rounds"),
    )
    op.create_table(
        "submissions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("submission_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("applicant", sa.Text(), nullable=False),
        sa.Column("city", sa.String(64), nullable=False),
        sa.Column("declared", sa.JSON(), nullable=False),
        sa.Column("declared_text", sa.Text(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("prediction", sa.JSON(), nullable=True),
        sa.Column("predicted_sub_area", sa.String(64), nullable=False),
        sa.Column("predicted_unit", sa.String(32), nullable=False),
        sa.Column("unit_probability", sa.Float(), nullable=True),
        sa.Column("route_by_hand", sa.Boolean(), nullable=False),
        sa.Column("prescore", sa.JSON(), nullable=True),
        sa.Column("prescore_total", sa.Float(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=True),
        sa.Column("sub_area", sa.String(64), nullable=True),
        sa.Column("sub_area_source", sa.String(16), nullable=False),
        sa.Column("route_status", sa.String(16), nullable=False),
        sa.Column("return_reason", sa.Text(), nullable=False),
        sa.Column("returned_by", sa.String(32), nullable=True),
        sa.Column("override", sa.String(16), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name="fk_submissions_round_id_rounds"),
        sa.PrimaryKeyConstraint("pk", name="pk_submissions"),
        sa.UniqueConstraint("round_id", "submission_id", name="uq_submissions_round_submission"),
    )
    op.create_index("ix_submissions_round_unit", "submissions", ["round_id", "unit"])
    op.create_table(
        "findings",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("submission_id", sa.String(64), nullable=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE", name="fk_findings_round_id_rounds"),
        sa.PrimaryKeyConstraint("pk", name="pk_findings"),
    )
    op.create_index("ix_findings_round_submission", "findings", ["round_id", "submission_id"])
    op.create_table(
        "duplicate_pairs",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("a_id", sa.String(64), nullable=False),
        sa.Column("b_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name="fk_duplicate_pairs_round_id_rounds"),
        sa.PrimaryKeyConstraint("pk", name="pk_duplicate_pairs"),
    )
    op.create_index("ix_pairs_round_a", "duplicate_pairs", ["round_id", "a_id"])
    op.create_index("ix_pairs_round_b", "duplicate_pairs", ["round_id", "b_id"])
    op.create_table(
        "duplicate_clusters",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("cluster_id", sa.String(64), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name="fk_duplicate_clusters_round_id_rounds"),
        sa.PrimaryKeyConstraint("pk", name="pk_duplicate_clusters"),
        sa.UniqueConstraint("round_id", "cluster_id", name="uq_clusters_round_cluster"),
    )
    op.create_table(
        "history_matches",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.String(64), nullable=False),
        sa.Column("submission_id", sa.String(64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["rounds.id"], ondelete="CASCADE",
                                name="fk_history_matches_round_id_rounds"),
        sa.PrimaryKeyConstraint("pk", name="pk_history_matches"),
    )
    op.create_index("ix_history_round_submission", "history_matches", ["round_id", "submission_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit", sa.String(32), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("password_changed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE", name="fk_web_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
    )
    op.create_table(
        "reviews",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("sub_area", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("submitted_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["submission_pk"], ["submissions.pk"], ondelete="CASCADE",
                                name="fk_reviews_submission_pk_submissions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_reviews_user_id_users"),
        sa.PrimaryKeyConstraint("pk", name="pk_reviews"),
        sa.UniqueConstraint("submission_pk", "user_id", name="uq_reviews_submission_user"),
    )
    op.create_index("ix_reviews_submission_pk", "reviews", ["submission_pk"])
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    op.create_table(
        "comments",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("submission_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["submission_pk"], ["submissions.pk"], ondelete="CASCADE",
                                name="fk_comments_submission_pk_submissions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_comments_user_id_users"),
        sa.PrimaryKeyConstraint("pk", name="pk_comments"),
    )
    op.create_index("ix_comments_submission_pk", "comments", ["submission_pk"])
    op.create_table(
        "audit_log",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("round_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("remote", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_audit_log"),
    )
    op.create_index("ix_audit_round_at", "audit_log", ["round_id", "at"])


def downgrade() -> None:
    for index, table in (("ix_audit_round_at", "audit_log"), ("ix_comments_submission_pk", "comments"),
                         ("ix_reviews_user_id", "reviews"), ("ix_reviews_submission_pk", "reviews"),
                         ("ix_web_sessions_user_id", "web_sessions"),
                         ("ix_history_round_submission", "history_matches"), ("ix_pairs_round_b", "duplicate_pairs"),
                         ("ix_pairs_round_a", "duplicate_pairs"), ("ix_findings_round_submission", "findings"),
                         ("ix_submissions_round_unit", "submissions")):
        op.drop_index(index, table_name=table)
    for table in ("audit_log", "comments", "reviews", "login_throttle", "web_sessions", "users", "history_matches",
                  "duplicate_clusters", "duplicate_pairs", "findings", "submissions", "rounds"):
        op.drop_table(table)
