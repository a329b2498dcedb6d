"""Every endpoint for every role: what the role may do works, what it may not is refused.

Sw1 and Sw2 are routed to 省水利厅 (slt), Sm1/Sm2 to 省经信厅 (jxt), Se1 to 省应急管理厅 (yjt);
Sh1 waits for the commission (route by hand).
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.models import AuditEntry, Comment, Review, SubmissionRow

from .conftest import SCORES, review_form

OK, REFUSED, CONFLICT = "ok", "refused", "conflict"
ROLES = ["anon", "fgw", "obs", "slt_a", "jxt_a"]  # jxt_a is "another department" for Sw1 and Sw2


def _expect(allowed: set[str] | dict[str, str], role: str) -> str:
    if isinstance(allowed, dict):
        return allowed.get(role, REFUSED)
    return OK if role in allowed else REFUSED


# (label, method, path, body kind, roles allowed). Ordered: later cases may depend on earlier ones.
CASES = [
    ("queue page", "GET", "/queue", None, {"fgw", "obs", "slt_a", "jxt_a"}),
    ("other unit's queue page", "GET", "/queue?unit=jxt", None, {"fgw", "obs", "jxt_a"}),
    ("submission page", "GET", "/s/Sw1", None, {"fgw", "obs", "slt_a"}),
    ("account page", "GET", "/account", None, {"fgw", "obs", "slt_a", "jxt_a"}),
    ("progress page", "GET", "/commission", None, {"fgw", "obs"}),
    ("routing page", "GET", "/commission/routing", None, {"fgw", "obs"}),
    ("ranking page", "GET", "/commission/ranking", None, {"fgw", "obs"}),
    ("ranking by domain", "GET", "/commission/ranking?by=domain", None, {"fgw", "obs"}),
    ("disagreements page", "GET", "/commission/disagreements", None, {"fgw", "obs"}),
    ("audit page", "GET", "/commission/audit", None, {"fgw", "obs"}),
    ("shortlist xlsx", "GET", "/exports/shortlist.xlsx", None, {"fgw", "obs"}),
    ("shortlist pdf", "GET", "/exports/shortlist.pdf", None, {"fgw", "obs"}),
    ("api me", "GET", "/api/me", None, {"fgw", "obs", "slt_a", "jxt_a"}),
    ("api queue", "GET", "/api/queue", None, {"fgw", "obs", "slt_a", "jxt_a"}),
    ("api queue of slt", "GET", "/api/queue?unit=slt", None, {"fgw", "obs", "slt_a"}),
    ("api submission", "GET", "/api/submissions/Sw1", None, {"fgw", "obs", "slt_a"}),
    ("api progress", "GET", "/api/progress", None, {"fgw", "obs"}),
    ("api ranking", "GET", "/api/ranking", None, {"fgw", "obs"}),
    ("api disagreements", "GET", "/api/disagreements", None, {"fgw", "obs"}),
    ("api audit", "GET", "/api/audit", None, {"fgw", "obs"}),
    ("score by form", "POST", "/s/Sw1/review", "review", {"slt_a"}),
    ("score by api", "PUT", "/api/submissions/Sw1/review", "api_review", {"slt_a"}),
    ("comment by form", "POST", "/s/Sw1/comment", "comment", {"fgw", "slt_a"}),
    ("comment by api", "POST", "/api/submissions/Sw1/comments", "api_comment", {"fgw", "slt_a"}),
    ("override by form", "POST", "/s/Sw1/override", "override", {"fgw"}),
    ("override by api", "POST", "/api/submissions/Sw1/override", "api_override", {"fgw"}),
    ("route by form", "POST", "/s/Sh1/route", "route", {"fgw"}),
    ("route by api", "POST", "/api/submissions/Sh1/route", "api_route", {"fgw"}),
    ("cutoff by form", "POST", "/commission/cutoff", "cutoff", {"fgw"}),
    ("cutoff by api", "POST", "/api/cutoff", "api_cutoff", {"fgw"}),
    ("return by form", "POST", "/s/Sw2/return", "return", {"slt_a"}),
    ("return by api", "POST", "/api/submissions/Sw1/return", "api_return", {"slt_a"}),
    ("finalize by form", "POST", "/commission/finalize", "finalize", {"fgw"}),
    # only the commission's run finalized the round; before that the publicity list is a conflict
    ("publicity xlsx", "GET", "/exports/publicity.xlsx", None, {"fgw": OK, "obs": CONFLICT}),
    ("publicity pdf", "GET", "/exports/publicity.pdf", None, {"fgw": OK, "obs": CONFLICT}),
]


def body_of(kind: str | None, csrf: str) -> dict:
    forms = {
        "review": review_form(csrf),
        "comment": {"csrf_token": csrf, "body": "请补充数据来源"},
        "override": {"csrf_token": csrf, "value": "include"},
        "route": {"csrf_token": csrf, "unit": "kjt", "sub_area": "research_enablement"},
        "cutoff": {"csrf_token": csrf, "cutoff": "65"},
        "return": {"csrf_token": csrf, "reason": "应由省应急管理厅负责"},
        "finalize": {"csrf_token": csrf, "confirm": "2026-1"},
    }
    if kind in forms:
        return {"data": forms[kind]}
    api = {
        "api_review": {"scores": SCORES, "decision": "推荐", "action": "submit"},
        "api_comment": {"body": "请补充数据来源"},
        "api_override": {"value": "include"},
        "api_route": {"unit": "kjt", "sub_area": "research_enablement"},
        "api_cutoff": {"cutoff": 65},
        "api_return": {"reason": "应由省应急管理厅负责"},
    }
    return {"json": api[kind], "headers": {"X-CSRF-Token": csrf}} if kind in api else {}


def classify(response, path: str, role: str) -> str:
    status = response.status_code
    if role == "anon":
        signed_out = status == 401 if path.startswith("/api/") else (
            status == 303 and response.headers.get("location") == "/login")
        return REFUSED if signed_out else f"unexpected {status}"
    if status in (200, 303):
        return OK
    if status == 403:
        return REFUSED
    if status == 409:
        return CONFLICT
    return f"unexpected {status}: {response.text[:200]}"


@pytest.mark.parametrize("role", ROLES)
def test_access_every_endpoint_for_role(app, clients, role):
    from .conftest import sign_in

    client = sign_in(app, None) if role == "anon" else clients[role]
    problems = []
    for label, method, path, kind, allowed in CASES:
        r = client.request(method, path, follow_redirects=False, **body_of(kind, client.csrf or "none"))
        got, want = classify(r, path, role), _expect(allowed, role)
        if got != want:
            problems.append(f"{label} ({method} {path}): expected {want}, got {got}")
    assert not problems, f"role {role}:\n" + "\n".join(problems)


def _state(db_url: str) -> tuple:
    with session_factory(engine_for(db_url))() as db:
        routes = tuple(db.execute(select(SubmissionRow.submission_id, SubmissionRow.unit, SubmissionRow.sub_area,
                                         SubmissionRow.route_status, SubmissionRow.override)
                                  .order_by(SubmissionRow.submission_id)))
        return (db.scalar(select(func.count(Review.pk))), db.scalar(select(func.count(Comment.pk))),
                db.scalar(select(func.count(AuditEntry.pk))), routes)


OWN = {"slt_a": {"Sw1", "Sw2", "Sw3"}, "jxt_a": {"Sm1", "Sm2"}, "yjt_a": {"Se1"}}
ALL_IDS = ["Sw1", "Sw2", "Sw3", "Sm1", "Sm2", "Se1", "Sh1"]


@pytest.mark.parametrize("reviewer", sorted(OWN))
def test_access_reviewer_cannot_touch_another_departments_submission_anywhere(app, clients, db_url, reviewer):
    client = clients[reviewer]
    before = _state(db_url)
    foreign = [sid for sid in ALL_IDS if sid not in OWN[reviewer]]
    attempts = []
    for sid in foreign:
        attempts += [
            ("GET", f"/s/{sid}", {}),
            ("GET", f"/api/submissions/{sid}", {}),
            ("POST", f"/s/{sid}/review", {"data": review_form(client.csrf)}),
            ("POST", f"/s/{sid}/review", {"data": review_form(client.csrf, action="draft")}),
            ("PUT", f"/api/submissions/{sid}/review", {"json": {"scores": SCORES, "decision": "推荐", "action": "submit"},
                                                       "headers": {"X-CSRF-Token": client.csrf}}),
            ("POST", f"/s/{sid}/comment", {"data": {"csrf_token": client.csrf, "body": "x"}}),
            ("POST", f"/api/submissions/{sid}/comments", {"json": {"body": "x"}, "headers": {"X-CSRF-Token": client.csrf}}),
            ("POST", f"/s/{sid}/return", {"data": {"csrf_token": client.csrf, "reason": "x"}}),
            ("POST", f"/api/submissions/{sid}/return", {"json": {"reason": "x"}, "headers": {"X-CSRF-Token": client.csrf}}),
            ("POST", f"/s/{sid}/route", {"data": {"csrf_token": client.csrf, "unit": "slt", "sub_area": "water"}}),
            ("POST", f"/api/submissions/{sid}/route", {"json": {"unit": "slt"}, "headers": {"X-CSRF-Token": client.csrf}}),
            ("POST", f"/s/{sid}/override", {"data": {"csrf_token": client.csrf, "value": "include"}}),
            ("POST", f"/api/submissions/{sid}/override", {"json": {"value": "include"},
                                                          "headers": {"X-CSRF-Token": client.csrf}}),
        ]
    leaked = []
    for method, path, kwargs in attempts:
        r = client.request(method, path, follow_redirects=False, **kwargs)
        if r.status_code != 403:
            leaked.append(f"{method} {path} -> {r.status_code}")
    assert not leaked, "\n".join(leaked)
    assert _state(db_url) == before, "a refused request changed the database"
    # the queue lists only the department's own submissions, by page and by API
    listed = {item["id"] for item in client.get("/api/queue").json()["items"]}
    assert listed == OWN[reviewer]
    page = client.get("/queue").text
    assert all(f'data-id="{sid}"' not in page for sid in foreign)


def test_access_reviewer_sees_only_own_scores_until_finalized(app, clients):
    slt_a, slt_b, jxt_a, fgw = clients["slt_a"], clients["slt_b"], clients["jxt_a"], clients["fgw"]
    for client, scores in ((slt_a, dict(SCORES, openness=11)), (slt_b, dict(SCORES, openness=22))):
        r = client.put("/api/submissions/Sw1/review", json={"scores": scores, "decision": "推荐", "action": "submit"},
                       headers={"X-CSRF-Token": client.csrf})
        assert r.status_code == 200, r.text
    r = jxt_a.put("/api/submissions/Sm1/review", json={"scores": dict(SCORES, openness=33), "decision": "待定",
                                                       "action": "submit"}, headers={"X-CSRF-Token": jxt_a.csrf})
    assert r.status_code == 200
    seen_a = slt_a.get("/api/submissions/Sw1").json()["reviews"]
    assert [rv["scores"]["openness"] for rv in seen_a] == [11]
    assert "22" not in slt_a.get("/s/Sw1").text.split('id="reviews"')[-1].split("</section>")[0]
    assert jxt_a.get("/api/ranking").status_code == 403
    assert jxt_a.get("/commission/ranking").status_code == 403
    staff_view = fgw.get("/api/submissions/Sw1").json()["reviews"]
    assert sorted(rv["scores"]["openness"] for rv in staff_view) == [11, 22]
    r = fgw.post("/api/finalize", json={"confirm": "2026-1"}, headers={"X-CSRF-Token": fgw.csrf})
    assert r.status_code == 200
    assert sorted(rv["scores"]["openness"] for rv in slt_a.get("/api/submissions/Sw1").json()["reviews"]) == [11, 22]
    assert jxt_a.get("/api/ranking").status_code == 200
    assert jxt_a.get("/api/submissions/Sw1").status_code == 403  # still not their submission


def test_access_returned_submission_leaves_the_queue_and_reroute_brings_it_to_the_new_unit(app, clients):
    slt_a, yjt_a, fgw = clients["slt_a"], clients["yjt_a"], clients["fgw"]
    r = slt_a.post("/api/submissions/Sw3/return", json={"reason": "应由应急厅负责"}, headers={"X-CSRF-Token": slt_a.csrf})
    assert r.status_code == 200
    assert slt_a.get("/api/submissions/Sw3").status_code == 403
    assert yjt_a.get("/api/submissions/Sw3").status_code == 403  # not routed there yet
    routing = fgw.get("/commission/routing").text
    assert 'data-id="Sw3"' in routing and "应由应急厅负责" in routing
    r = fgw.post("/api/submissions/Sw3/route", json={"unit": "yjt"}, headers={"X-CSRF-Token": fgw.csrf})
    assert r.status_code == 200 and r.json()["sub_area"] == "emergency"
    assert yjt_a.get("/api/submissions/Sw3").status_code == 200
    assert slt_a.get("/api/submissions/Sw3").status_code == 403


def test_access_observer_changes_nothing(app, clients, db_url):
    obs = clients["obs"]
    before = _state(db_url)
    for method, path, kwargs in [
        ("POST", "/s/Sw1/comment", {"data": {"csrf_token": obs.csrf, "body": "x"}}),
        ("POST", "/s/Sh1/route", {"data": {"csrf_token": obs.csrf, "sub_area": "tech_research"}}),
        ("POST", "/commission/finalize", {"data": {"csrf_token": obs.csrf, "confirm": "2026-1"}}),
        ("PUT", "/api/submissions/Sw1/review", {"json": {"scores": SCORES}, "headers": {"X-CSRF-Token": obs.csrf}}),
    ]:
        assert obs.request(method, path, follow_redirects=False, **kwargs).status_code == 403
    assert _state(db_url) == before
    page = obs.get("/s/Sw1").text
    assert 'id="review-form"' not in page and 'id="comment-form"' not in page and 'id="route-form"' not in page


def test_access_finalized_round_refuses_every_change(app, clients):
    fgw, slt_a = clients["fgw"], clients["slt_a"]
    assert fgw.post("/api/finalize", json={"confirm": "2026-1"}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    r = slt_a.put("/api/submissions/Sw1/review", json={"scores": SCORES, "action": "draft"},
                  headers={"X-CSRF-Token": slt_a.csrf})
    assert r.status_code in (403, 409)
    assert fgw.post("/api/cutoff", json={"cutoff": 10}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 409
    assert fgw.post("/api/submissions/Sh1/route", json={"unit": "kjt", "sub_area": "tech_research"},
                    headers={"X-CSRF-Token": fgw.csrf}).status_code == 409
    assert fgw.post("/api/finalize", json={"confirm": "2026-1"}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 409
