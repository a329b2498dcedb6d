"""The JSON API (under ``/api``): the same actions and the same checks as the pages.

Sign in with ``POST /api/login`` (JSON); it sets the session cookie and returns the CSRF token to
send as ``X-CSRF-Token`` with every change.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr
from sqlalchemy.orm import Session

from . import service
from .access import queue_unit, Viewer, require_overview, require_rankings, require_view
from .app import SESSION_COOKIE, client_addr, current_viewer, get_db, writer
from .audit import entries
from .auth import LoginFailed, LoginThrottled, authenticate, close_session, open_session
from .queries import load_round, queue_rows, reviews_by_user
from .ranking import Standing, disagreements, progress, rank_categories
from .views import REVIEW_STATUS, row_summary, submission_detail

router = APIRouter()


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginBody(_Body):
    name: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class ReviewBody(_Body):
    scores: dict[str, StrictInt | StrictFloat | StrictStr | None] = Field(default_factory=dict)
    decision: str | None = Field(None, max_length=20)
    sub_area: str | None = Field(None, max_length=64)
    comment: str = Field("", max_length=10000)
    action: str = Field("draft", max_length=10)
    version: int | None = None


class ReturnBody(_Body):
    reason: str = Field(max_length=5000)


class CommentBody(_Body):
    body: str = Field(max_length=10000)


class RouteBody(_Body):
    unit: str = Field(max_length=64)
    sub_area: str | None = Field(None, max_length=64)
    version: int | None = None


class OverrideBody(_Body):
    value: str | None = Field(None, max_length=20)


class CutoffBody(_Body):
    cutoff: float


class FinalizeBody(_Body):
    confirm: str = Field(max_length=100)


def _me(viewer: Viewer) -> dict:
    return {"name": viewer.name, "role": viewer.role, "unit": viewer.unit, "csrf_token": viewer.csrf}


@router.post("/login")
def api_login(request: Request, body: LoginBody, db: Session = Depends(get_db)):
    if not request.headers.get("content-type", "").startswith("application/json"):
        return JSONResponse({"detail": "请以 JSON 提交"}, status_code=415)
    settings = request.app.state.settings
    try:
        user = authenticate(db, body.name, body.password, client_addr(request), settings)
    except LoginThrottled as exc:
        return JSONResponse({"detail": "登录失败次数过多", "retry_after": exc.seconds}, status_code=429,
                            headers={"retry-after": str(exc.seconds)})
    except LoginFailed:
        return JSONResponse({"detail": "账号或密码不正确"}, status_code=401)
    token, csrf = open_session(db, user)
    response = JSONResponse({"name": user.name, "role": user.role, "unit": user.unit, "csrf_token": csrf})
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/", secure=settings.secure_cookies)
    return response


@router.post("/logout")
def api_logout(request: Request, viewer: Viewer = Depends(writer), db: Session = Depends(get_db)):
    close_session(db, request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"ok": True})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me")
def api_me(viewer: Viewer = Depends(current_viewer)):
    return _me(viewer)


@router.get("/queue")
def api_queue(request: Request, unit: str = Query("", max_length=64), viewer: Viewer = Depends(current_viewer),
              db: Session = Depends(get_db)):
    tax = request.app.state.tax
    unit = queue_unit(viewer, unit, tax.units)
    rows = queue_rows(db, request.app.state.round_id, unit)
    mine = reviews_by_user(db, [r.pk for r in rows], viewer.user_id) if viewer.is_reviewer else {}
    return {"unit": unit, "items": [row_summary(r, tax) | {
        "my_status": mine[r.pk].status if r.pk in mine else None,
        "my_status_name": REVIEW_STATUS.get(mine[r.pk].status, "") if r.pk in mine else "未评",
        "my_version": mine[r.pk].version if r.pk in mine else 0} for r in rows]}


@router.get("/submissions/{sid}")
def api_submission(request: Request, sid: str, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    rnd = service.get_round(db, request.app.state.round_id)
    row = service.get_submission(db, rnd.id, sid)
    require_view(viewer, row)
    return submission_detail(db, viewer, rnd, row, request.app.state.tax)


@router.put("/submissions/{sid}/review")
def api_review(request: Request, sid: str, body: ReviewBody, viewer: Viewer = Depends(writer),
               db: Session = Depends(get_db)):
    review = service.save_review(db, viewer, request.app.state.round_id, sid, scores=body.scores,
                                 decision=body.decision, sub_area=body.sub_area, comment=body.comment,
                                 action=body.action, version=body.version, tax=request.app.state.tax)
    return {"status": review.status, "scores": review.scores, "total": review.total, "decision": review.decision,
            "sub_area": review.sub_area, "comment": review.comment, "version": review.version}


@router.post("/submissions/{sid}/return")
def api_return(request: Request, sid: str, body: ReturnBody, viewer: Viewer = Depends(writer),
               db: Session = Depends(get_db)):
    row = service.return_submission(db, viewer, request.app.state.round_id, sid, body.reason)
    return {"route_status": row.route_status}


@router.post("/submissions/{sid}/comments")
def api_comment(request: Request, sid: str, body: CommentBody, viewer: Viewer = Depends(writer),
                db: Session = Depends(get_db)):
    comment = service.add_comment(db, viewer, request.app.state.round_id, sid, body.body)
    return {"id": comment.pk, "body": comment.body}


@router.post("/submissions/{sid}/route")
def api_route(request: Request, sid: str, body: RouteBody, viewer: Viewer = Depends(writer),
              db: Session = Depends(get_db)):
    row = service.route_submission(db, viewer, request.app.state.round_id, sid, body.unit, body.sub_area,
                                   body.version, tax=request.app.state.tax)
    return {"unit": row.unit, "sub_area": row.sub_area, "route_status": row.route_status, "version": row.version}


@router.post("/submissions/{sid}/override")
def api_override(request: Request, sid: str, body: OverrideBody, viewer: Viewer = Depends(writer),
                 db: Session = Depends(get_db)):
    row = service.set_override(db, viewer, request.app.state.round_id, sid, body.value)
    return {"override": row.override}


@router.get("/progress")
def api_progress(request: Request, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    data = load_round(db, service.get_round(db, request.app.state.round_id))
    return {"units": [p.__dict__ | {"share": p.share} for p in progress(data.rows, data.reviews, data.users,
                                                                          request.app.state.tax)]}


def _standing(st: Standing) -> dict:
    return {k: getattr(st, k) for k in ("submission_id", "name", "applicant", "city", "unit", "sub_area", "domain",
                                        "route_status", "prescore_total", "conditions", "total", "n_reviews",
                                        "n_drafts", "spread", "condition_spread", "votes", "override",
                                        "shortlisted", "rank")}


@router.get("/ranking")
def api_ranking(request: Request, by: str = Query("sub_area", pattern="^(sub_area|domain)$"),
                viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    rnd = service.get_round(db, request.app.state.round_id)
    require_rankings(viewer, rnd)
    groups = rank_categories(load_round(db, rnd).standings(request.app.state.tax), by)
    return {"by": by, "cutoff": rnd.cutoff, "status": rnd.status,
            "categories": {k or "": [_standing(st) for st in v] for k, v in groups.items()}}


@router.post("/cutoff")
def api_cutoff(request: Request, body: CutoffBody, viewer: Viewer = Depends(writer), db: Session = Depends(get_db)):
    rnd = service.set_cutoff(db, viewer, request.app.state.round_id, body.cutoff)
    return {"cutoff": rnd.cutoff}


@router.get("/disagreements")
def api_disagreements(request: Request, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    settings = request.app.state.settings
    data = load_round(db, service.get_round(db, request.app.state.round_id))
    hits = disagreements(data.standings(request.app.state.tax), settings.disagreement_points,
                         settings.disagreement_condition_points)
    return {"items": [_standing(st) for st in hits]}


@router.get("/audit")
def api_audit(request: Request, page: int = Query(1, ge=1, le=100000), viewer: Viewer = Depends(current_viewer),
              db: Session = Depends(get_db)):
    require_overview(viewer)
    size = request.app.state.settings.page_size
    return {"items": [{"at": e.at.isoformat(), "user": e.user_name, "role": e.role, "action": e.action,
                       "object_type": e.object_type, "object_id": e.object_id, "before": e.before, "after": e.after}
                      for e in entries(db, request.app.state.round_id, limit=size, offset=(page - 1) * size)]}


@router.post("/finalize")
def api_finalize(request: Request, body: FinalizeBody, viewer: Viewer = Depends(writer),
                 db: Session = Depends(get_db)):
    rnd = service.finalize(db, viewer, request.app.state.round_id, body.confirm)
    return {"status": rnd.status}
