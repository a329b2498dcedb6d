"""The joint review's tables (SQLAlchemy 2 declarative). The schema itself is made by the
Alembic migrations in ``migrations/versions``; a test checks that these models and the migrations
agree, so change both together.

What the pipeline computed (records, predictions, pre-scores, findings, duplicates) is stored as
imported and may be re-imported; what people decided (routes, reviews, comments, overrides) lives
in its own columns and rows, which an import never overwrites.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("commission", "reviewer", "observer")
ROLE_NAMES = {"commission": "发改委工作人员", "reviewer": "部门评审人", "observer": "观察员"}
ROUTE_STATES = ("routed", "pending", "returned")  # at a unit | waiting for the commission | sent back
REVIEW_STATES = ("draft", "submitted", "returned")
DECISIONS = ("推荐", "不推荐", "待定")  # a submitted review's conclusion (the workbook's 评审结论)
RETURN_DECISION = "退回分办"  # what a "not ours" return records (also the workbook's value)
OVERRIDES = ("include", "exclude")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | finalized
    source: Mapped[str] = mapped_column(Text, default="")  # the run output folder imported
    created: Mapped[str] = mapped_column(String(40), default="")  # when the screening ran (run.json)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    model_version: Mapped[str] = mapped_column(String(64), default="")
    taxonomy_version: Mapped[str] = mapped_column(String(32), default="")
    rubric_version: Mapped[str] = mapped_column(String(64), default="")
    rubric: Mapped[dict] = mapped_column(JSON, default=dict)  # the rubric as imported: the scoring form
    cutoff: Mapped[float] = mapped_column(Float, default=60.0)  # mean total needed for the shortlist
    finalized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finalized_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SubmissionRow(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("round_id", "submission_id", name="uq_submissions_round_submission"),
        Index("ix_submissions_round_unit", "round_id", "unit"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    submission_id: Mapped[str] = mapped_column(String(64))
    # --- as imported (refreshed by a re-import) ---
    name: Mapped[str] = mapped_column(Text, default="")
    applicant: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    declared: Mapped[list] = mapped_column(JSON, default=list)  # ticked sub-area ids
    declared_text: Mapped[str] = mapped_column(Text, default="")  # as ticked/written on the form
    record: Mapped[dict] = mapped_column(JSON, default=dict)  # the Submission record
    prediction: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the Prediction record
    predicted_sub_area: Mapped[str] = mapped_column(String(64), default="")
    predicted_unit: Mapped[str] = mapped_column(String(32), default="")
    unit_probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    route_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    prescore: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the ScoreCard, None without pre-scores
    prescore_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    flags: Mapped[list] = mapped_column(JSON, default=list)  # Chinese hints for reviewers
    # --- decided by people (never touched by a re-import) ---
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the unit it is routed to now
    sub_area: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the sub-area it is ranked in now
    sub_area_source: Mapped[str] = mapped_column(String(16), default="model")  # model | reviewer | commission
    route_status: Mapped[str] = mapped_column(String(16), default="routed")  # see ROUTE_STATES
    return_reason: Mapped[str] = mapped_column(Text, default="")
    returned_by: Mapped[str | None] = mapped_column(String(32), nullable=True)  # unit that said "not ours"
    override: Mapped[str | None] = mapped_column(String(16), nullable=True)  # commission: include | exclude
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class FindingRow(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_round_submission", "round_id", "submission_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    submission_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")


class PairRow(Base):
    __tablename__ = "duplicate_pairs"
    __table_args__ = (Index("ix_pairs_round_a", "round_id", "a_id"), Index("ix_pairs_round_b", "round_id", "b_id"))

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    a_id: Mapped[str] = mapped_column(String(64))
    b_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    similarity: Mapped[float] = mapped_column(Float)
    record: Mapped[dict] = mapped_column(JSON, default=dict)  # the DuplicatePair with its aligned passages


class ClusterRow(Base):
    __tablename__ = "duplicate_clusters"
    __table_args__ = (UniqueConstraint("round_id", "cluster_id", name="uq_clusters_round_cluster"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    cluster_id: Mapped[str] = mapped_column(String(64))
    members: Mapped[list] = mapped_column(JSON, default=list)
    record: Mapped[dict] = mapped_column(JSON, default=dict)


class HistoryRow(Base):
    __tablename__ = "history_matches"
    __table_args__ = (Index("ix_history_round_submission", "round_id", "submission_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    submission_id: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # see ROLES
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)  # a reviewer's department
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebSession(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginThrottle(Base):
    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "name:…" or "addr:…"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("submission_pk", "user_id", name="uq_reviews_submission_user"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_pk: Mapped[int] = mapped_column(ForeignKey("submissions.pk", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit: Mapped[str] = mapped_column(String(32))  # the reviewer's unit when writing
    status: Mapped[str] = mapped_column(String(16), default="draft")  # see REVIEW_STATES
    scores: Mapped[dict] = mapped_column(JSON, default=dict)  # condition id -> 0–100
    total: Mapped[float | None] = mapped_column(Float, nullable=True)  # weighted by the rubric; None while partial
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    sub_area: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the reviewer's 核定子方向
    comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __mapper_args__ = {"version_id_col": version}


class Comment(Base):
    __tablename__ = "comments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_pk: Mapped[int] = mapped_column(ForeignKey("submissions.pk", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit: Mapped[str | None] = mapped_column(String(32), nullable=True)  # None: the commission
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_round_at", "round_id", "at"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_name: Mapped[str] = mapped_column(String(64), default="")  # "cli" for commands
    role: Mapped[str] = mapped_column(String(16), default="")
    round_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[str] = mapped_column(String(128), default="")
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    remote: Mapped[str] = mapped_column(String(64), default="")  # client address
