"""The application factory: one round of the joint review, served by FastAPI with Jinja2 pages.

Everything it shows comes from the database (``create_app`` checks that its schema is current);
the pages and their assets are inside the package, so it runs without network access.
"""
from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy.orm import Session

from ..errors import ScreenError
from ..taxonomy import Taxonomy, load_taxonomy
from .access import Conflict, Forbidden, Invalid, NotFound, Viewer
from .auth import LoginThrottled, session_user
from .db import engine_for, normalize_url, session_factory
from .migrate import check_schema
from .models import Round
from .queries import latest_round
from .settings import WebSettings
from .views import role_name

HERE = Path(__file__).parent
SESSION_COOKIE = "screen_session"
LOGIN_COOKIE = "screen_login"  # the login form's CSRF value (before there is a session)
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


class NotSignedIn(ScreenError):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


class CSRFError(ScreenError):
    """A state-changing request without the session's CSRF token."""


def templates_env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["num"] = lambda x, d=1: "—" if x is None else f"{float(x):.{d}f}"
    env.filters["pct"] = lambda x: "—" if x is None else f"{float(x) * 100:.0f}%"
    env.filters["as_json"] = lambda x: "" if x is None else json.dumps(x, ensure_ascii=False, sort_keys=True)
    env.globals["role_name"] = role_name
    return env


def create_app(settings: WebSettings | dict | None = None, tax: Taxonomy | None = None) -> FastAPI:
    """The web app for one round (``settings.round``, or the latest imported)."""
    settings = WebSettings.resolve(settings)
    engine = engine_for(normalize_url(settings.db_url))
    check_schema(engine)
    sessions = session_factory(engine)
    with sessions() as db:
        rnd = db.get(Round, settings.round) if settings.round else latest_round(db)
        if rnd is None:
            raise ScreenError(f"no round {settings.round!r} in the database" if settings.round else
                              "the database holds no round yet: run `scenario-screen web import RUN --round R`")
        round_id = rnd.id

    app = FastAPI(title="人工智能+典型应用场景 部门联审", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.tax = tax or load_taxonomy()
    app.state.round_id = round_id
    app.state.templates = Jinja2Templates(env=templates_env())
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security(request: Request, call_next):
        if request.method in UNSAFE and not same_origin(request):
            return JSONResponse({"detail": "跨站请求被拒绝"}, status_code=403, headers=SECURITY_HEADERS)
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    _install_error_handlers(app)
    from .api import router as api_router
    from .pages import router as pages_router

    app.include_router(pages_router)
    app.include_router(api_router, prefix="/api")
    return app


def same_origin(request: Request) -> bool:
    """An Origin (or Referer) header, when a browser sends one, must name this server."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # not a browser (the CSRF token is still required)
    if origin == "null":
        return False  # sandboxed or file: pages
    return urlsplit(origin).netloc == request.headers.get("host", "")


# --- dependencies ----------------------------------------------------------------------------


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as db:
        yield db


def client_addr(request: Request) -> str:
    return request.client.host if request.client else ""


def current_viewer(request: Request, db: Session = Depends(get_db)) -> Viewer:
    found = session_user(db, request.cookies.get(SESSION_COOKIE), request.app.state.settings)
    if found is None:
        raise NotSignedIn("请先登录")
    user, ws = found
    return Viewer(user.id, user.name, user.role, user.unit, ws.csrf_token, client_addr(request))


async def writer(request: Request, viewer: Viewer = Depends(current_viewer)) -> Viewer:
    """A signed-in account making a change: the request must carry the session's CSRF token."""
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        token = (await request.form()).get(CSRF_FIELD)
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), viewer.csrf.encode()):
        raise CSRFError("请求缺少有效的防伪令牌（CSRF），请刷新页面后重试")
    return viewer


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


# --- errors --------------------------------------------------------------------------------

STATUS = {Forbidden: 403, CSRFError: 403, NotFound: 404, Conflict: 409, Invalid: 400, LoginThrottled: 429}
TITLES = {403: "无权操作", 404: "未找到", 409: "操作冲突", 400: "输入有误", 429: "尝试次数过多", 422: "输入有误"}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str):
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=SECURITY_HEADERS)
    from .pages import render

    return render(request, "error.html", _viewer_or_none(request), status=status, title=TITLES.get(status, "错误"),
                  message=message)


def _viewer_or_none(request: Request) -> Viewer | None:
    """The signed-in account, for the header of an error page (None when there is none)."""
    try:
        with request.app.state.sessions() as db:
            return current_viewer(request, db)
    except ScreenError:
        return None


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn):
        if wants_json(request):
            return JSONResponse({"detail": "请先登录"}, status_code=401, headers=SECURITY_HEADERS)
        return RedirectResponse("/login", status_code=303)

    for exc_type, status in STATUS.items():
        def handler(request: Request, exc: Exception, status: int = status):
            return error_response(request, status, str(exc))

        app.add_exception_handler(exc_type, handler)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:5]:
            loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "form"))
            parts.append(f"{loc}: {err.get('msg', '')}"[:120])
        return error_response(request, 422, "输入有误：" + "；".join(parts))
