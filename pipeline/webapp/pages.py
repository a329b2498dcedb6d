"""The HTML pages: sign-in, a department's queue, a submission, and the commission's views."""
from __future__ import annotations

import hmac
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from . import service
from .access import (queue_unit, Conflict, Invalid, NotFound, Viewer, require_overview, require_rankings,
                     require_view)
from .app import (CSRF_FIELD, LOGIN_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, client_addr, current_viewer, get_db,
                  new_login_token, writer)
from .audit import entries
from .auth import (AccountError, LoginFailed, LoginThrottled, authenticate, change_own_password, close_session,
                   open_session, session_user)
from .exports import ExportError, export_list
from .queries import load_round, queue_rows, reviews_by_user
from .ranking import disagreements, progress, rank_categories
from .views import REVIEW_STATUS, row_summary, submission_detail, sub_area_name, unit_name

router = APIRouter()

NOTICES = {"saved": "已保存草稿", "submitted": "评分已提交", "returned": "已退回发改委重新分办",
           "commented": "意见已发表", "routed": "已分办", "override": "入选调整已保存", "cutoff": "分数线已更新",
           "finalized": "本轮已定稿", "password": "密码已修改，请重新登录"}


def render(request: Request, name: str, viewer: Viewer | None, status: int = 200, **context) -> Response:
    app = request.app
    rnd = None
    if viewer is not None:
        with app.state.sessions() as db:
            rnd = service.get_round(db, app.state.round_id)
    notice = NOTICES.get(request.query_params.get("ok", ""))
    return app.state.templates.TemplateResponse(
        request, name, {"viewer": viewer, "round": rnd, "round_id": app.state.round_id, "tax": app.state.tax,
                        "csrf_field": CSRF_FIELD, "notice": notice, **context}, status_code=status,
        headers=SECURITY_HEADERS)


def back_to(path: str, ok: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?ok={ok}", status_code=303)


def _sid_path(sid: str) -> str:
    return f"/s/{quote(sid, safe='')}"


async def form_dict(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


# --- signing in and out --------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, db: Session = Depends(get_db)):
    if session_user(db, request.cookies.get(SESSION_COOKIE), request.app.state.settings):
        return RedirectResponse("/", status_code=303)
    return _login_form(request)


def _login_form(request: Request, error: str = "", status: int = 200) -> Response:
    token = new_login_token()
    response = render(request, "login.html", None, status=status, login_token=token, error=error)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.app.state.settings.secure_cookies, max_age=3600)
    return response


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=200), password: str = Form("", max_length=1000),
          csrf_token: str = Form("", max_length=200), db: Session = Depends(get_db)):
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not csrf_token or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_form(request, "登录页面已过期，请重新输入", status=403)
    settings = request.app.state.settings
    try:
        user = authenticate(db, name, password, client_addr(request), settings)
    except LoginThrottled as exc:
        return _login_form(request, f"登录失败次数过多，请 {max(1, exc.seconds // 60)} 分钟后再试", status=429)
    except LoginFailed:
        return _login_form(request, "账号或密码不正确", status=401)
    token, _ = open_session(db, user)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=settings.secure_cookies)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, viewer: Viewer = Depends(writer), db: Session = Depends(get_db)):
    close_session(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(viewer: Viewer = Depends(current_viewer)):
    return RedirectResponse("/queue" if viewer.is_reviewer else "/commission", status_code=303)


@router.get("/account")
def account(request: Request, viewer: Viewer = Depends(current_viewer)):
    return render(request, "account.html", viewer)


@router.post("/account/password")
def account_password(request: Request, current: str = Form("", max_length=1000), new: str = Form("", max_length=1000),
                     repeat: str = Form("", max_length=1000), viewer: Viewer = Depends(writer),
                     db: Session = Depends(get_db)):
    if new != repeat:
        raise Invalid("两次输入的新密码不一致")
    try:
        change_own_password(db, viewer.user_id, current, new, request.app.state.settings.argon2, viewer.actor())
    except AccountError as exc:
        raise Invalid(f"密码未修改：{exc}（新密码至少 10 个字符，且不能包含账号名）") from None
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- a department's queue and a submission -------------------------------------------------


@router.get("/queue")
def queue(request: Request, unit: str = Query("", max_length=64), viewer: Viewer = Depends(current_viewer),
          db: Session = Depends(get_db)):
    tax = request.app.state.tax
    unit = queue_unit(viewer, unit, tax.units)
    rnd = service.get_round(db, request.app.state.round_id)
    rows = queue_rows(db, rnd.id, unit)
    mine = reviews_by_user(db, [r.pk for r in rows], viewer.user_id) if viewer.is_reviewer else {}
    items = []
    for n, row in enumerate(rows, 1):
        item = row_summary(row, tax) | {"n": n}
        review = mine.get(row.pk)
        item["my_status"] = REVIEW_STATUS.get(review.status, "") if review else "未评"
        item["my_total"] = review.total if review else None
        items.append(item)
    done = sum(1 for r in mine.values() if r.status == "submitted")
    return render(request, "queue.html", viewer, unit=unit, unit_name=unit_name(tax, unit), items=items, done=done)


@router.get("/s/{sid}")
def submission_page(request: Request, sid: str, viewer: Viewer = Depends(current_viewer),
                    db: Session = Depends(get_db)):
    rnd = service.get_round(db, request.app.state.round_id)
    row = service.get_submission(db, rnd.id, sid)
    require_view(viewer, row)
    detail = submission_detail(db, viewer, rnd, row, request.app.state.tax)
    return render(request, "submission.html", viewer, s=detail, units=request.app.state.tax.units,
                  sub_areas=request.app.state.tax.sub_areas)


@router.post("/s/{sid}/review")
def post_review(request: Request, sid: str, form: dict = Depends(form_dict), viewer: Viewer = Depends(writer),
                db: Session = Depends(get_db)):
    rnd_id = request.app.state.round_id
    scores = {k[len("score_"):]: v for k, v in form.items() if k.startswith("score_")}
    action = "submit" if form.get("action") == "submit" else "draft"
    service.save_review(db, viewer, rnd_id, sid, scores=scores, decision=form.get("decision"),
                        sub_area=form.get("sub_area"), comment=form.get("comment", ""), action=action,
                        version=form.get("version"), tax=request.app.state.tax)
    return back_to(_sid_path(sid), "submitted" if action == "submit" else "saved")


@router.post("/s/{sid}/return")
def post_return(request: Request, sid: str, reason: str = Form("", max_length=5000), viewer: Viewer = Depends(writer),
                db: Session = Depends(get_db)):
    service.return_submission(db, viewer, request.app.state.round_id, sid, reason)
    return back_to("/queue", "returned")


@router.post("/s/{sid}/comment")
def post_comment(request: Request, sid: str, body: str = Form("", max_length=10000), viewer: Viewer = Depends(writer),
                 db: Session = Depends(get_db)):
    service.add_comment(db, viewer, request.app.state.round_id, sid, body)
    return back_to(_sid_path(sid), "commented")


@router.post("/s/{sid}/route")
def post_route(request: Request, sid: str, unit: str = Form("", max_length=64), sub_area: str = Form("", max_length=64),
               version: str = Form("", max_length=20), next: str = Form("", max_length=20),
               viewer: Viewer = Depends(writer), db: Session = Depends(get_db)):
    service.route_submission(db, viewer, request.app.state.round_id, sid, unit, sub_area, version,
                             tax=request.app.state.tax)
    return back_to("/commission/routing" if next == "routing" else _sid_path(sid), "routed")


@router.post("/s/{sid}/override")
def post_override(request: Request, sid: str, value: str = Form("", max_length=20), viewer: Viewer = Depends(writer),
                  db: Session = Depends(get_db)):
    service.set_override(db, viewer, request.app.state.round_id, sid, value)
    return back_to(_sid_path(sid), "override")


# --- the commission's views ----------------------------------------------------------------


@router.get("/commission")
def commission(request: Request, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    tax = request.app.state.tax
    data = load_round(db, service.get_round(db, request.app.state.round_id))
    units = progress(data.rows, data.reviews, data.users, tax)
    counts = {s: sum(1 for r in data.rows if r.route_status == s) for s in ("routed", "pending", "returned")}
    return render(request, "commission.html", viewer, units=units, counts=counts, total=len(data.rows))


@router.get("/commission/routing")
def routing(request: Request, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    tax = request.app.state.tax
    data = load_round(db, service.get_round(db, request.app.state.round_id))
    waiting = [row_summary(r, tax) for r in data.rows if r.route_status in ("pending", "returned")]
    waiting.sort(key=lambda x: (x["route_status"] != "returned", x["id"]))
    return render(request, "routing.html", viewer, items=waiting, units=tax.units, sub_areas=tax.sub_areas)


@router.get("/commission/ranking")
def ranking(request: Request, by: str = Query("sub_area", pattern="^(sub_area|domain)$"),
            viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    rnd = service.get_round(db, request.app.state.round_id)
    require_rankings(viewer, rnd)
    tax = request.app.state.tax
    data = load_round(db, rnd)
    groups = rank_categories(data.standings(tax), by)
    order = list(tax.sub_areas) if by == "sub_area" else list(tax.domains)
    names = ({k: v.name for k, v in tax.sub_areas.items()} if by == "sub_area"
             else {k: v.short for k, v in tax.domains.items()})
    categories = [{"id": c, "name": names.get(c, "未定子方向"), "items": groups[c]}
                  for c in [*order, ""] if groups.get(c)]
    return render(request, "ranking.html", viewer, by=by, categories=categories, form=data.form,
                  unit_name=lambda u: unit_name(tax, u))


@router.post("/commission/cutoff")
def post_cutoff(request: Request, cutoff: str = Form("", max_length=20), viewer: Viewer = Depends(writer),
                db: Session = Depends(get_db)):
    service.set_cutoff(db, viewer, request.app.state.round_id, cutoff)
    return back_to("/commission/ranking", "cutoff")


@router.get("/commission/disagreements")
def disagreement_page(request: Request, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    tax = request.app.state.tax
    settings = request.app.state.settings
    data = load_round(db, service.get_round(db, request.app.state.round_id))
    hits = disagreements(data.standings(tax), settings.disagreement_points, settings.disagreement_condition_points)
    return render(request, "disagreements.html", viewer, items=hits, form=data.form, settings=settings,
                  sub_area_name=lambda s: sub_area_name(tax, s), unit_name=lambda u: unit_name(tax, u))


@router.get("/commission/audit")
def audit_page(request: Request, page: int = Query(1, ge=1, le=100000), viewer: Viewer = Depends(current_viewer),
               db: Session = Depends(get_db)):
    require_overview(viewer)
    size = request.app.state.settings.page_size
    items = entries(db, request.app.state.round_id, limit=size, offset=(page - 1) * size)
    return render(request, "audit.html", viewer, items=items, page=page, more=len(items) == size)


@router.post("/commission/finalize")
def post_finalize(request: Request, confirm: str = Form("", max_length=100), viewer: Viewer = Depends(writer),
                  db: Session = Depends(get_db)):
    service.finalize(db, viewer, request.app.state.round_id, confirm)
    return back_to("/commission", "finalized")


@router.get("/exports/{name}")
def export(request: Request, name: str, viewer: Viewer = Depends(current_viewer), db: Session = Depends(get_db)):
    require_overview(viewer)
    kind, _, fmt = name.partition(".")
    rnd = service.get_round(db, request.app.state.round_id)
    try:
        filename, content, media = export_list(kind, fmt, load_round(db, rnd), request.app.state.tax)
    except ExportError as exc:
        if kind not in ("shortlist", "publicity") or fmt not in ("xlsx", "pdf"):
            raise NotFound(str(exc)) from None
        raise Conflict(str(exc)) from None
    return Response(content, media_type=media,
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
