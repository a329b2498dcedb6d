"""CSRF on every state-changing endpoint; SQL and markup injection through every form field."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import func, inspect, select

from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.models import Base, Comment, Review, SubmissionRow

from .conftest import SCORES, password_of, review_form, sign_in, web_settings

# (who may do it, method, path, form or JSON body without the token)
WRITES = [
    ("slt_a", "POST", "/s/Sw1/review", {"data": {k: v for k, v in review_form("").items() if k != "csrf_token"}}),
    ("slt_a", "POST", "/s/Sw1/comment", {"data": {"body": "x"}}),
    ("slt_a", "POST", "/s/Sw1/return", {"data": {"reason": "x"}}),
    ("fgw", "POST", "/s/Sh1/route", {"data": {"sub_area": "tech_research"}}),
    ("fgw", "POST", "/s/Sw1/override", {"data": {"value": "include"}}),
    ("fgw", "POST", "/commission/cutoff", {"data": {"cutoff": "10"}}),
    ("fgw", "POST", "/commission/finalize", {"data": {"confirm": "2026-1"}}),
    ("fgw", "POST", "/account/password", {"data": {"current": password_of("fgw"), "new": "Another-pass-123",
                                                   "repeat": "Another-pass-123"}}),
    ("fgw", "POST", "/logout", {"data": {}}),
    ("slt_a", "PUT", "/api/submissions/Sw1/review", {"json": {"scores": SCORES, "decision": "推荐", "action": "submit"}}),
    ("slt_a", "POST", "/api/submissions/Sw1/comments", {"json": {"body": "x"}}),
    ("slt_a", "POST", "/api/submissions/Sw1/return", {"json": {"reason": "x"}}),
    ("fgw", "POST", "/api/submissions/Sh1/route", {"json": {"unit": "kjt", "sub_area": "tech_research"}}),
    ("fgw", "POST", "/api/submissions/Sw1/override", {"json": {"value": "include"}}),
    ("fgw", "POST", "/api/cutoff", {"json": {"cutoff": 10}}),
    ("fgw", "POST", "/api/finalize", {"json": {"confirm": "2026-1"}}),
    ("fgw", "POST", "/api/logout", {"json": {}}),
]


def _snapshot(db_url: str) -> tuple:
    with session_factory(engine_for(db_url))() as db:
        return (db.scalar(select(func.count(Review.pk))), db.scalar(select(func.count(Comment.pk))),
                tuple(db.execute(select(SubmissionRow.submission_id, SubmissionRow.unit, SubmissionRow.route_status,
                                        SubmissionRow.override).order_by(SubmissionRow.submission_id))))


def test_security_write_without_or_with_a_wrong_csrf_token_is_refused(app, clients, db_url):
    other = sign_in(app, "obs")  # a real token, but of another session
    before = _snapshot(db_url)
    for who, method, path, kwargs in WRITES:
        _refused_without_token(clients[who], other, method, path, kwargs)
    assert _snapshot(db_url) == before


def _refused_without_token(client, other, method: str, path: str, kwargs: dict) -> None:
    attempts = [{}, {"token": "forged"}, {"token": other.csrf}, {"token": ""}]
    for attempt in attempts:
        args = {k: (dict(v) if isinstance(v, dict) else v) for k, v in kwargs.items()}
        if "token" in attempt:
            if "data" in args:
                args["data"]["csrf_token"] = attempt["token"]
            else:
                args["headers"] = {"X-CSRF-Token": attempt["token"]}
        r = client.request(method, path, follow_redirects=False, **args)
        assert r.status_code == 403, f"{method} {path} {attempt}: {r.status_code} {r.text[:200]}"
    # the right token but from another site (a browser sends Origin) is refused too
    args = dict(kwargs)
    if "data" in args:
        args["data"] = dict(args["data"], csrf_token=client.csrf)
    else:
        args["headers"] = {"X-CSRF-Token": client.csrf}
    r = client.request(method, path, follow_redirects=False, headers={**args.pop("headers", {}),
                                                                      "Origin": "http://evil.example"}, **args)
    assert r.status_code == 403, f"{method} {path} from another origin: {r.status_code}"
    assert client.get("/api/me").status_code == 200  # still signed in


def test_security_login_form_needs_its_token(app):
    client = sign_in(app, None)
    client.get("/login")
    r = client.post("/login", data={"name": "fgw", "password": password_of("fgw"), "csrf_token": "forged"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/api/me").status_code == 401
    r = client.post("/api/login", content=f'{{"name": "fgw", "password": "{password_of("fgw")}"}}',
                    headers={"content-type": "text/plain"})
    assert r.status_code in (415, 422)


SQL = ["' OR '1'='1", "1; DROP TABLE reviews; --", "Sw1' --", "\" OR \"\"=\"", "1 UNION SELECT password_hash FROM users"]
MARKUP = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{7*7}}", "=HYPERLINK(\"http://evil\",\"x\")",
          "@SUM(1+1)*cmd|' /C calc'!A0", "javascript:alert(1)"]
PAYLOADS = SQL + MARKUP


def _tables_intact(db_url: str) -> None:
    names = set(inspect(engine_for(db_url)).get_table_names())
    assert set(Base.metadata.tables) <= names
    with session_factory(engine_for(db_url))() as db:
        assert db.scalar(select(func.count(SubmissionRow.pk))) == 7


def test_security_injection_through_every_field(db_url):
    from pipeline.webapp.app import create_app

    app = create_app(web_settings(db_url, login_max_failures=1000))  # many failed sign-ins on purpose
    slt, fgw = sign_in(app, "slt_a"), sign_in(app, "fgw")
    for payload in PAYLOADS:
        _inject(app, slt, fgw, db_url, payload)


def _inject(app, slt, fgw, db_url: str, payload: str) -> None:
    # free text is stored as written and shown escaped
    mine = slt.get("/api/submissions/Sw1").json()["my_review"]
    r = slt.post("/s/Sw1/review", data=review_form(slt.csrf, action="draft", comment=payload,
                                                   version=mine["version"] if mine else 0), follow_redirects=False)
    assert r.status_code == 303
    assert slt.post("/s/Sw1/comment", data={"csrf_token": slt.csrf, "body": payload},
                    follow_redirects=False).status_code == 303
    assert fgw.post("/s/Sw1/comment", data={"csrf_token": fgw.csrf, "body": payload},
                    follow_redirects=False).status_code == 303
    page = slt.get("/s/Sw1").text
    if "<" in payload:
        assert payload not in page
    assert page.count("请补充") == 0
    with session_factory(engine_for(db_url))() as db:
        assert payload in db.scalars(select(Comment.body)).all()
        assert db.scalar(select(Review.comment).join(SubmissionRow).where(SubmissionRow.submission_id == "Sw1")) \
            == payload
    # constrained fields reject it
    for field in ("decision", "sub_area", "version", *[f"score_{c}" for c in SCORES]):
        r = slt.post("/s/Sw1/review", data=review_form(slt.csrf, **{field: payload}), follow_redirects=False)
        assert r.status_code in (400, 409, 422), (field, r.status_code)
    assert slt.put("/api/submissions/Sw1/review", json={"scores": {payload: 50}},
                   headers={"X-CSRF-Token": slt.csrf}).status_code == 400
    assert slt.put("/api/submissions/Sw1/review", json={"scores": {"openness": payload}},
                   headers={"X-CSRF-Token": slt.csrf}).status_code == 400
    for path, data in (("/s/Sh1/route", {"unit": payload}), ("/s/Sh1/route", {"sub_area": payload}),
                       ("/s/Sw1/override", {"value": payload}), ("/commission/cutoff", {"cutoff": payload}),
                       ("/commission/finalize", {"confirm": payload})):
        r = fgw.post(path, data={"csrf_token": fgw.csrf, **data}, follow_redirects=False)
        assert r.status_code in (400, 422), (path, data, r.status_code)
    # query strings and path segments
    assert fgw.get("/queue", params={"unit": payload}).status_code == 404
    assert slt.get("/queue", params={"unit": payload}).status_code == 403
    assert fgw.get("/commission/ranking", params={"by": payload}).status_code == 422
    assert fgw.get(f"/s/{payload}").status_code in (404, 405)
    assert fgw.get(f"/api/submissions/{payload}").status_code in (404, 405)
    # sign-in fields
    anon = sign_in(app, None)
    token = anon.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    r = anon.post("/login", data={"name": payload, "password": payload, "csrf_token": token})
    assert r.status_code == 401 and (payload not in r.text or "<" not in payload)
    assert anon.post("/api/login", json={"name": "fgw", "password": payload}).status_code == 401
    # the return reason is escaped on the commission's routing page
    assert fgw.post("/api/submissions/Sw2/route", json={"unit": "slt", "sub_area": "water"},
                    headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    assert slt.post("/s/Sw2/return", data={"csrf_token": slt.csrf, "reason": payload},
                    follow_redirects=False).status_code == 303
    routing = fgw.get("/commission/routing").text
    if "<" in payload:
        assert payload not in routing
    _tables_intact(db_url)


def test_security_markup_in_imported_submission_text_is_escaped(clients):
    page = clients["jxt_a"].get("/s/Sm2").text
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_security_spreadsheet_formulas_are_not_exported_as_formulas(app, clients, db_url):
    fgw, jxt = clients["fgw"], clients["jxt_a"]
    # give the hostile-named submission a passing score so it is on the shortlist
    from pipeline.webapp.models import SubmissionRow as Row

    with session_factory(engine_for(db_url))() as db:
        row = db.scalar(select(Row).where(Row.submission_id == "Sm2"))
        row.name = "=HYPERLINK(\"http://evil\",\"点此\")"
        db.commit()
    r = jxt.put("/api/submissions/Sm2/review", json={"scores": {k: 90 for k in SCORES}, "decision": "推荐",
                                                     "action": "submit"}, headers={"X-CSRF-Token": jxt.csrf})
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(fgw.get("/exports/shortlist.xlsx").content))
    values = [c.value for row in wb["名单"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://evil\",\"点此\")" in values
    assert not any(v.startswith("=") for v in values)


def test_security_headers_and_cookie_flags(app):
    client = sign_in(app, None)
    page = client.get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/login", data={"name": "fgw", "password": password_of("fgw"), "csrf_token": token},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "<script>" not in client.get("/commission").text.replace('<script src="/static/app.js" defer></script>', "")
