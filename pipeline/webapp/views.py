"""What a page or an API answer shows of a submission, built once for both (and already filtered
by what the viewer may see)."""
from __future__ import annotations

from functools import lru_cache

import yaml
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..config import KNOWLEDGE_DIR
from ..records import CONTENT_FIELDS, FORM3_FIELDS, FORM4_FIELDS, SUMMARY_FIELDS
from ..taxonomy import Taxonomy
from .access import (Viewer, can_comment, can_score, can_view, visible_comments, visible_reviews)
from .models import (DECISIONS, ROLE_NAMES, ClusterRow, Comment, FindingRow, HistoryRow, PairRow, Review, Round,
                     SubmissionRow, User)
from .rubric import ScoringForm

PAIR_KINDS = {"exact": "完全相同", "light_edit": "轻度改写", "paraphrase": "改写转述", "template": "同一模板"}
HISTORY_KINDS = {"resubmits_selected": "重复申报往届已入选场景", "copies_selected": "抄袭往届已入选场景",
                 "resubmits": "重复申报往届场景"}
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
ROUTE_STATUS = {"routed": "已分办", "pending": "待人工分办", "returned": "已退回发改委"}
SOURCE = {"model": "模型建议", "reviewer": "评审人核定", "commission": "发改委指定"}
REVIEW_STATUS = {"draft": "草稿", "submitted": "已提交", "returned": "已退回"}


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    data = yaml.safe_load((KNOWLEDGE_DIR / "form_labels.yaml").read_text(encoding="utf-8"))
    return {key: labels[0] for key, labels in data.get("fields", {}).items() if labels}


def field_order() -> list[str]:
    seen: list[str] = []
    for key in (*FORM3_FIELDS, *FORM4_FIELDS, *SUMMARY_FIELDS, *CONTENT_FIELDS):
        if key not in seen and key not in ("name", "domain"):
            seen.append(key)
    return seen


def sub_area_name(tax: Taxonomy, sid: str | None) -> str:
    return tax.sub_areas[sid].name if sid in tax.sub_areas else (sid or "")


def unit_name(tax: Taxonomy, uid: str | None) -> str:
    return tax.units[uid].name if uid in tax.units else (uid or "")


def row_summary(row: SubmissionRow, tax: Taxonomy) -> dict:
    """One line of a queue or a list."""
    return {
        "id": row.submission_id, "name": row.name, "applicant": row.applicant, "city": row.city,
        "unit": row.unit, "unit_name": unit_name(tax, row.unit), "sub_area": row.sub_area,
        "sub_area_name": sub_area_name(tax, row.sub_area), "declared": row.declared_text,
        "predicted_sub_area": row.predicted_sub_area, "predicted_name": sub_area_name(tax, row.predicted_sub_area),
        "unit_probability": row.unit_probability, "prescore_total": row.prescore_total, "flags": list(row.flags or []),
        "route_status": row.route_status, "route_status_name": ROUTE_STATUS.get(row.route_status, row.route_status),
        "returned_by": row.returned_by, "returned_by_name": unit_name(tax, row.returned_by),
        "return_reason": row.return_reason, "version": row.version,
    }


def review_view(r: Review, users: dict[int, User], tax: Taxonomy, viewer: Viewer) -> dict:
    user = users.get(r.user_id)
    return {"reviewer": (user.name if user else "") if viewer.sees_all or r.user_id == viewer.user_id else "",
            "unit": r.unit, "unit_name": unit_name(tax, r.unit), "status": r.status,
            "status_name": REVIEW_STATUS.get(r.status, r.status), "scores": dict(r.scores or {}), "total": r.total,
            "decision": r.decision, "sub_area": r.sub_area, "sub_area_name": sub_area_name(tax, r.sub_area),
            "comment": r.comment, "version": r.version, "mine": r.user_id == viewer.user_id,
            "updated_at": r.updated_at.strftime("%Y-%m-%d %H:%M") if r.updated_at else ""}


def _passages(pair: dict, this_is_a: bool) -> list[dict]:
    labels = field_labels()
    out = []
    for ev in pair.get("evidence", []):
        mine, other = ("a", "b") if this_is_a else ("b", "a")
        out.append({"this_section": labels.get(ev[f"section_{mine}"], ev[f"section_{mine}"]), "this": ev[mine],
                    "other_section": labels.get(ev[f"section_{other}"], ev[f"section_{other}"]), "other": ev[other],
                    "similarity": ev.get("similarity", 0.0)})
    return out


def submission_detail(db: Session, viewer: Viewer, rnd: Round, row: SubmissionRow, tax: Taxonomy) -> dict:
    """Everything the submission page shows, filtered for the viewer (who may see ``row``)."""
    rec = row.record or {}
    labels = field_labels()
    fields = [{"key": k, "label": labels.get(k, k), "text": rec.get("fields", {}).get(k, "")}
              for k in field_order() if rec.get("fields", {}).get(k)]
    sid = row.submission_id

    pairs = list(db.scalars(select(PairRow).where(PairRow.round_id == rnd.id,
                                                  or_(PairRow.a_id == sid, PairRow.b_id == sid))
                            .order_by(PairRow.similarity.desc())))
    clusters = [c for c in db.scalars(select(ClusterRow).where(ClusterRow.round_id == rnd.id)) if sid in c.members]
    others_ids = {p.b_id if p.a_id == sid else p.a_id for p in pairs} | {m for c in clusters for m in c.members}
    others = {o.submission_id: o for o in db.scalars(select(SubmissionRow).where(
        SubmissionRow.round_id == rnd.id, SubmissionRow.submission_id.in_(others_ids or {""})))}

    def other_view(oid: str) -> dict:
        o = others.get(oid)
        return {"id": oid, "name": o.name if o else "", "applicant": o.applicant if o else "",
                "city": o.city if o else "", "visible": bool(o and can_view(viewer, o)),
                "unit_name": unit_name(tax, o.unit) if o else ""}

    pair_views = []
    for p in pairs:
        this_is_a = p.a_id == sid
        pair_views.append({"other": other_view(p.b_id if this_is_a else p.a_id), "kind": p.kind,
                           "kind_name": PAIR_KINDS.get(p.kind, p.kind), "similarity": p.similarity,
                           "passages": _passages(p.record, this_is_a)})
    cluster_views = [{"id": c.cluster_id, "label": list(c.record.get("label", [])), "size": len(c.members),
                      "members": [other_view(m) for m in c.members if m != sid]} for c in clusters]
    history = [h.record | {"kind_name": HISTORY_KINDS.get(h.record.get("kind"), h.record.get("kind"))}
               for h in db.scalars(select(HistoryRow).where(HistoryRow.round_id == rnd.id,
                                                           HistoryRow.submission_id == sid))]
    findings = [{"code": f.code, "severity": f.severity, "severity_name": SEVERITY.get(f.severity, f.severity),
                 "message": f.message, "field": labels.get(f.field or "", f.field or ""), "evidence": f.evidence}
                for f in db.scalars(select(FindingRow).where(FindingRow.round_id == rnd.id,
                                                             FindingRow.submission_id == sid).order_by(FindingRow.pk))]

    reviews = list(db.scalars(select(Review).where(Review.submission_pk == row.pk).order_by(Review.pk)))
    comments = list(db.scalars(select(Comment).where(Comment.submission_pk == row.pk).order_by(Comment.pk)))
    user_ids = {r.user_id for r in reviews} | {c.user_id for c in comments}
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(user_ids or {0})))}
    mine = next((r for r in reviews if r.user_id == viewer.user_id), None)
    form = ScoringForm.from_dict(rnd.rubric)
    pred = row.prediction or {}
    return {
        "id": sid, "round": rnd.id, "round_status": rnd.status, "name": row.name, "applicant": row.applicant,
        "city": row.city, "location": rec.get("location", ""), "authority": rec.get("authority", ""),
        "is_open": rec.get("is_open"), "funding_wan": rec.get("funding_wan"),
        "declared": [{"id": d, "name": sub_area_name(tax, d)} for d in row.declared or []],
        "declared_text": row.declared_text, "fields": fields, "flags": list(row.flags or []),
        "missing_fields": [labels.get(k, k) for k in rec.get("missing_fields", [])],
        "prediction": {
            "sub_area": pred.get("sub_area"), "sub_area_name": pred.get("sub_area_name", ""),
            "unit_name": pred.get("unit_name", ""), "probability": pred.get("probability"),
            "unit_probability": pred.get("unit_probability"), "route_by_hand": pred.get("route_by_hand", True),
            "top": pred.get("top", []), "evidence_terms": pred.get("evidence_terms", []),
            "evidence_passages": pred.get("evidence_passages", []),
            "disagrees_with_declared": pred.get("disagrees_with_declared", False),
        } if pred else None,
        "route": {"unit": row.unit, "unit_name": unit_name(tax, row.unit), "sub_area": row.sub_area,
                  "sub_area_name": sub_area_name(tax, row.sub_area), "source": row.sub_area_source,
                  "source_name": SOURCE.get(row.sub_area_source, row.sub_area_source), "status": row.route_status,
                  "status_name": ROUTE_STATUS.get(row.route_status, row.route_status),
                  "returned_by_name": unit_name(tax, row.returned_by), "return_reason": row.return_reason,
                  "version": row.version, "override": row.override},
        "prescore": row.prescore,
        "findings": findings, "pairs": pair_views, "clusters": cluster_views, "history": history,
        "my_review": review_view(mine, users, tax, viewer) if mine else None,
        "reviews": [review_view(r, users, tax, viewer) for r in visible_reviews(viewer, reviews, rnd)],
        "comments": [{"author": users[c.user_id].name if c.user_id in users else "",
                      "unit_name": unit_name(tax, c.unit) if c.unit else "发改委",
                      "body": c.body, "at": c.created_at.strftime("%Y-%m-%d %H:%M")}
                     for c in visible_comments(viewer, comments)],
        "conditions": [{"id": c.id, "name": c.name, "weight": c.weight, "description": c.description,
                        "indicators": [{"name": i.name, "description": i.description} for i in c.indicators]}
                       for c in form.conditions],
        "decisions": list(DECISIONS),
        "unit_sub_areas": [{"id": s.id, "name": s.name} for s in tax.sub_areas.values() if s.unit == viewer.unit],
        "may": {"score": can_score(viewer, row, rnd), "comment": can_comment(viewer, row, rnd),
                "return": can_score(viewer, row, rnd),
                "route": viewer.is_commission and rnd.status == "open",
                "override": viewer.is_commission and rnd.status == "open"},
    }


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role, role)
