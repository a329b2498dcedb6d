"""The changes people make during the joint review, each checked, audited and committed.

Pages and the JSON API call these functions; they check permissions again (never trusting the
caller), validate every value, write one audit entry per change with the before and after, and
turn concurrent edits into a ``Conflict`` instead of a lost write.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..taxonomy import Taxonomy
from .access import (Conflict, Forbidden, Invalid, NotFound, Viewer, can_comment, can_score, require_commission,
                     require_open, require_view)
from .audit import record
from .db import begin_write
from .models import DECISIONS, OVERRIDES, RETURN_DECISION, Comment, Review, Round, SubmissionRow, utcnow
from .rubric import ScoringForm

MAX_COMMENT = 5000


def _begin_on_submission(db: Session, viewer: Viewer, round_id: str, submission_id: str) -> tuple[Round, SubmissionRow]:
    """Start a write; the round and a submission the viewer may see (else NotFound/Forbidden)."""
    begin_write(db)
    rnd = get_round(db, round_id)
    row = get_submission(db, round_id, submission_id)
    require_view(viewer, row)
    return rnd, row


@contextmanager
def _commit_or_conflict(db: Session, message: str, errors: tuple[type[Exception], ...] = (StaleDataError, IntegrityError)):
    """Commit what the block wrote; a concurrent change (optimistic version check) becomes a Conflict."""
    try:
        yield
        db.commit()
    except errors:
        db.rollback()
        raise Conflict(message) from None


def get_round(db: Session, round_id: str) -> Round:
    rnd = db.get(Round, round_id)
    if rnd is None:
        raise NotFound(f"没有第 {round_id} 轮")
    return rnd


def get_submission(db: Session, round_id: str, submission_id: str) -> SubmissionRow:
    row = db.scalar(select(SubmissionRow).where(SubmissionRow.round_id == round_id,
                                                SubmissionRow.submission_id == str(submission_id)[:64]))
    if row is None:
        raise NotFound(f"没有编号为 {submission_id} 的申报")
    return row


def _review_state(r: Review | None) -> dict | None:
    if r is None:
        return None
    return {"status": r.status, "scores": dict(r.scores or {}), "total": r.total, "decision": r.decision,
            "sub_area": r.sub_area, "comment": r.comment, "version": r.version}


def _route_state(row: SubmissionRow) -> dict:
    return {"unit": row.unit, "sub_area": row.sub_area, "sub_area_source": row.sub_area_source,
            "route_status": row.route_status, "returned_by": row.returned_by, "return_reason": row.return_reason}


def parse_scores(raw: Mapping[str, object], form: ScoringForm) -> dict[str, float | None]:
    """Condition id -> 0–100 or None (left empty); names the condition of a bad value."""
    unknown = set(raw) - set(form.condition_ids)
    if unknown:
        raise Invalid(f"评分项不在评分表中：{', '.join(sorted(map(str, unknown)))[:200]}")
    names = {c.id: c.name for c in form.conditions}
    out: dict[str, float | None] = {}
    for cid in form.condition_ids:
        value = raw.get(cid)
        if value is None or (isinstance(value, str) and not value.strip()):
            out[cid] = None
            continue
        if isinstance(value, bool):
            raise Invalid(f"{names[cid]}的评分必须是 0–100 之间的数")
        try:
            number = float(value) if not isinstance(value, str) else float(value.strip())
        except (TypeError, ValueError):
            raise Invalid(f"{names[cid]}的评分必须是 0–100 之间的数，收到 {str(value)[:40]!r}") from None
        if not math.isfinite(number) or not 0 <= number <= 100:
            raise Invalid(f"{names[cid]}的评分必须在 0–100 之间，收到 {str(value)[:40]!r}")
        out[cid] = round(number, 2)
    return out


def _text(value: object, label: str, limit: int = MAX_COMMENT) -> str:
    text = "" if value is None else str(value)
    if len(text) > limit:
        raise Invalid(f"{label}不能超过 {limit} 字")
    if "\x00" in text:
        raise Invalid(f"{label}含有不允许的字符")
    return text.strip()


def _version(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value))
    except ValueError:
        raise Invalid(f"版本号必须是整数，收到 {str(value)[:20]!r}") from None


def save_review(db: Session, viewer: Viewer, round_id: str, submission_id: str, *, scores: Mapping[str, object],
                decision: object = None, sub_area: object = None, comment: object = "", action: str = "draft",
                version: object = None, tax: Taxonomy) -> Review:
    """Save the viewer's own review of a submission as a draft or submit it; commits."""
    if action not in ("draft", "submit"):
        raise Invalid(f"操作必须是 draft 或 submit，收到 {str(action)[:20]!r}")
    expected = _version(version)
    rnd, row = _begin_on_submission(db, viewer, round_id, submission_id)
    if not viewer.is_reviewer:
        raise Forbidden("只有部门评审人可以评分")
    require_open(rnd)
    if not can_score(viewer, row, rnd):
        raise Forbidden("无权为该申报评分")
    form = ScoringForm.from_dict(rnd.rubric)
    parsed = parse_scores(scores, form)
    decision = (str(decision).strip() or None) if decision is not None else None
    if decision is not None and decision not in DECISIONS:
        raise Invalid(f"评审结论必须是 {'、'.join(DECISIONS)} 之一（不属于本单位请用“非本单位”退回）")
    sub_area = (str(sub_area).strip() or None) if sub_area is not None else None
    if sub_area is not None:
        if sub_area not in tax.sub_areas:
            raise Invalid(f"未知的子方向：{sub_area[:40]!r}")
        if tax.sub_areas[sub_area].unit != viewer.unit:
            raise Invalid("核定子方向只能选本单位负责的子方向；不属于本单位的申报请用“非本单位”退回发改委")
    comment = _text(comment, "评审意见")
    total = form.total(parsed)
    if action == "submit":
        missing = [c.name for c in form.conditions if parsed[c.id] is None]
        if missing:
            raise Invalid("提交前请为每项条件评分：缺 " + "、".join(missing))
        if decision is None:
            raise Invalid("提交前请选择评审结论")
    review = db.scalar(select(Review).where(Review.submission_pk == row.pk, Review.user_id == viewer.user_id))
    if expected is not None and expected != (review.version if review else 0):
        raise Conflict("该评分已在别处（另一窗口或另一次提交）被修改，请刷新后再保存")
    before = _review_state(review)
    now = utcnow()
    if review is None:
        review = Review(submission_pk=row.pk, user_id=viewer.user_id, unit=viewer.unit, created_at=now)
        db.add(review)
    review.unit = viewer.unit
    review.scores = {k: v for k, v in parsed.items() if v is not None}
    review.total, review.decision, review.sub_area, review.comment = total, decision, sub_area, comment
    review.status = "submitted" if action == "submit" else "draft"
    review.updated_at = now
    review.submitted_at = now if action == "submit" else None
    with _commit_or_conflict(db, "该评分刚被另一次保存修改，请刷新后再保存"):
        db.flush()
        record(db, viewer.actor(), f"review_{action}", round_id, "submission", row.submission_id, before,
               _review_state(review))
        if action == "submit" and sub_area and sub_area != row.sub_area and row.sub_area_source != "commission":
            before_route = _route_state(row)
            row.sub_area, row.sub_area_source, row.updated_at = sub_area, "reviewer", now
            db.flush()
            record(db, viewer.actor(), "sub_area", round_id, "submission", row.submission_id, before_route,
                   _route_state(row))
    return review


def return_submission(db: Session, viewer: Viewer, round_id: str, submission_id: str, reason: object) -> SubmissionRow:
    """A department says "not ours": the submission goes back to the commission for rerouting."""
    rnd, row = _begin_on_submission(db, viewer, round_id, submission_id)
    if not viewer.is_reviewer:
        raise Forbidden("只有部门评审人可以退回本单位的申报")
    require_open(rnd)
    reason = _text(reason, "退回理由", 2000)
    if not reason:
        raise Invalid("请写明退回理由（例如应由哪个单位负责）")
    before = _route_state(row)
    now = utcnow()
    row.route_status, row.returned_by, row.return_reason, row.updated_at = "returned", viewer.unit, reason, now
    review = db.scalar(select(Review).where(Review.submission_pk == row.pk, Review.user_id == viewer.user_id))
    if review is None:
        review = Review(submission_pk=row.pk, user_id=viewer.user_id, unit=viewer.unit, scores={}, created_at=now)
        db.add(review)
    review.status, review.decision, review.comment = "returned", RETURN_DECISION, reason
    review.updated_at, review.submitted_at = now, now
    with _commit_or_conflict(db, "该申报刚被他人修改，请刷新后再试"):
        db.flush()
        record(db, viewer.actor(), "return", round_id, "submission", row.submission_id, before, _route_state(row))
    return row


def route_submission(db: Session, viewer: Viewer, round_id: str, submission_id: str, unit: object,
                     sub_area: object = None, version: object = None, *, tax: Taxonomy) -> SubmissionRow:
    """The commission routes (or reroutes) a submission to a unit and a sub-area of that unit."""
    require_commission(viewer)
    unit = str(unit or "").strip()
    sub_area = str(sub_area or "").strip() or None
    if not unit and sub_area in tax.sub_areas:
        unit = tax.sub_areas[sub_area].unit  # a sub-area names its unit
    if unit not in tax.units:
        raise Invalid(f"未知的责任单位：{unit[:40]!r}")
    if sub_area is not None and (sub_area not in tax.sub_areas or tax.sub_areas[sub_area].unit != unit):
        raise Invalid(f"子方向 {sub_area[:40]!r} 不属于 {tax.units[unit].name}")
    expected = _version(version)
    begin_write(db)
    rnd = get_round(db, round_id)
    require_open(rnd)
    row = get_submission(db, round_id, submission_id)
    if expected is not None and expected != row.version:
        raise Conflict("该申报的分办刚被他人修改，请刷新后再试")
    if sub_area is None:
        owned = [s.id for s in tax.sub_areas.values() if s.unit == unit]
        if row.sub_area in owned:
            sub_area = row.sub_area
        elif len(owned) == 1:
            sub_area = owned[0]
        else:
            raise Invalid(f"{tax.units[unit].name}负责多个子方向，请选择子方向")
    before = _route_state(row)
    row.unit, row.route_status, row.returned_by, row.return_reason = unit, "routed", None, ""
    if sub_area != row.sub_area or row.sub_area_source != "commission":
        row.sub_area, row.sub_area_source = sub_area, "commission"
    row.updated_at = utcnow()
    with _commit_or_conflict(db, "该申报的分办刚被他人修改，请刷新后再试", errors=(StaleDataError,)):
        db.flush()
        record(db, viewer.actor(), "route", round_id, "submission", row.submission_id, before, _route_state(row))
    return row


def add_comment(db: Session, viewer: Viewer, round_id: str, submission_id: str, body: object) -> Comment:
    rnd, row = _begin_on_submission(db, viewer, round_id, submission_id)
    if not viewer.is_commission and not viewer.is_reviewer:
        raise Forbidden("观察员不能发表意见")
    require_open(rnd)
    if not can_comment(viewer, row, rnd):
        raise Forbidden("无权对该申报发表意见")
    body = _text(body, "意见")
    if not body:
        raise Invalid("意见不能为空")
    comment = Comment(submission_pk=row.pk, user_id=viewer.user_id, unit=viewer.unit, body=body)
    db.add(comment)
    db.flush()
    record(db, viewer.actor(), "comment", round_id, "submission", row.submission_id, None,
           {"comment": comment.pk, "body": body})
    db.commit()
    return comment


def set_override(db: Session, viewer: Viewer, round_id: str, submission_id: str, value: object) -> SubmissionRow:
    """The commission puts a submission on the shortlist or keeps it off, whatever its score."""
    require_commission(viewer)
    value = str(value or "").strip() or None
    if value is not None and value not in OVERRIDES:
        raise Invalid(f"入选调整必须是 {', '.join(OVERRIDES)} 或空，收到 {value[:20]!r}")
    begin_write(db)
    rnd = get_round(db, round_id)
    require_open(rnd)
    row = get_submission(db, round_id, submission_id)
    before = {"override": row.override}
    row.override, row.updated_at = value, utcnow()
    db.flush()
    record(db, viewer.actor(), "override", round_id, "submission", row.submission_id, before, {"override": value})
    db.commit()
    return row


def set_cutoff(db: Session, viewer: Viewer, round_id: str, cutoff: object) -> Round:
    require_commission(viewer)
    try:
        value = float(str(cutoff).strip())
    except ValueError:
        raise Invalid(f"入围分数线必须是 0–100 之间的数，收到 {str(cutoff)[:20]!r}") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise Invalid("入围分数线必须在 0–100 之间")
    begin_write(db)
    rnd = get_round(db, round_id)
    require_open(rnd)
    before = {"cutoff": rnd.cutoff}
    rnd.cutoff = round(value, 2)
    record(db, viewer.actor(), "cutoff", round_id, "round", round_id, before, {"cutoff": rnd.cutoff})
    db.commit()
    return rnd


def finalize(db: Session, viewer: Viewer, round_id: str, confirm: object) -> Round:
    """Freeze the round: no more scores or routes; the publicity list can be exported."""
    require_commission(viewer)
    if str(confirm or "").strip() != round_id:
        raise Invalid("请输入本轮编号以确认定稿")
    begin_write(db)
    rnd = get_round(db, round_id)
    require_open(rnd)
    rnd.status, rnd.finalized_at, rnd.finalized_by = "finalized", utcnow(), viewer.name
    record(db, viewer.actor(), "finalize", round_id, "round", round_id, {"status": "open"},
           {"status": "finalized"})
    db.commit()
    return rnd
