"""The reviewer's workflow: queue, submission page, drafts and submitted scores, "not ours",
comments; the commission's rerouting, overrides and the audit log."""
from __future__ import annotations

from sqlalchemy import select

from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.models import AuditEntry, Review, SubmissionRow

from .conftest import SCORES, review_form


def _put(client, sid: str, **body):
    return client.put(f"/api/submissions/{sid}/review", json=body, headers={"X-CSRF-Token": client.csrf})


def test_reviews_queue_is_sorted_by_prescore_with_flags(clients):
    items = clients["slt_a"].get("/api/queue").json()["items"]
    assert [i["id"] for i in items] == ["Sw1", "Sw2", "Sw3"]  # 72, 70, no pre-score last
    assert any("疑似重复" in f for f in items[0]["flags"]) and any("同质化" in f for f in items[0]["flags"])
    page = clients["slt_a"].get("/queue").text
    assert page.index('data-id="Sw1"') < page.index('data-id="Sw2"') < page.index('data-id="Sw3"')


def test_reviews_submission_page_shows_fields_evidence_duplicates_and_the_rubric(clients, scoring_form):
    page = clients["slt_a"].get("/s/Sw1").text
    assert "水库AI巡查预警的建设目标" in page  # a field
    assert "水库巡查由人工改为AI" in page and "山塘巡查由人工改为AI" in page  # the pair side by side
    assert 'href="/s/Sw2"' in page  # the partner is in the same queue
    assert "智慧水利" in page and "申报方向（勾选）" in page  # declared vs predicted
    for condition in scoring_form.conditions:
        assert condition.name in page and f'name="score_{condition.id}"' in page
        for indicator in condition.indicators:
            assert indicator.name in page  # indicator guidance
    # a pair partner routed to another department is named but not linked
    emergency = clients["slt_a"].get("/s/Sw3").text
    assert "地质灾害AI预警" in emergency and 'href="/s/Se1"' not in emergency


def test_reviews_draft_then_submit(clients, db_url, scoring_form):
    slt = clients["slt_a"]
    r = _put(slt, "Sw1", scores={"compliance": 80}, action="draft", comment="先看看")
    assert r.status_code == 200 and r.json()["status"] == "draft" and r.json()["total"] is None
    r = _put(slt, "Sw1", scores={"compliance": 80}, action="submit", decision="推荐", version=r.json()["version"])
    assert r.status_code == 400 and "缺" in r.json()["detail"]  # every condition needed to submit
    version = slt.get("/api/submissions/Sw1").json()["my_review"]["version"]
    r = _put(slt, "Sw1", scores=SCORES, action="submit", version=version)
    assert r.status_code == 400 and "结论" in r.json()["detail"]
    r = _put(slt, "Sw1", scores=SCORES, action="submit", decision="推荐", version=version)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["total"] == scoring_form.total(SCORES)
    assert [i["my_status"] for i in slt.get("/api/queue").json()["items"]][:1] == ["submitted"]
    # a form post works the same and redirects back with a notice
    r = slt.post("/s/Sw2/review", data=review_form(slt.csrf, action="draft"), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/s/Sw2?ok=saved"
    assert "已保存草稿" in slt.get(r.headers["location"]).text


def test_reviews_scores_out_of_range_or_unknown_are_refused(clients):
    slt = clients["slt_a"]
    for scores in ({"openness": 101}, {"openness": -1}, {"openness": "NaN"}, {"openness": "inf"}, {"openness": "abc"},
                   {"nonsense": 50}, {"openness": True}):
        assert _put(slt, "Sw1", scores=scores).status_code in (400, 422), scores
    assert _put(slt, "Sw1", scores=SCORES, decision="退回分办", action="submit").status_code == 400
    assert _put(slt, "Sw1", scores=SCORES, sub_area="manufacturing").status_code == 400  # another unit's sub-area


def test_reviews_stale_version_is_a_conflict_not_a_lost_write(clients):
    slt = clients["slt_a"]
    first = _put(slt, "Sw1", scores={"openness": 10}, version=0)
    assert first.status_code == 200
    second = _put(slt, "Sw1", scores={"openness": 20}, version=first.json()["version"])
    assert second.status_code == 200
    stale = _put(slt, "Sw1", scores={"openness": 30}, version=first.json()["version"])
    assert stale.status_code == 409
    assert slt.get("/api/submissions/Sw1").json()["my_review"]["scores"] == {"openness": 20}


def test_reviews_reviewer_sub_area_correction_moves_the_ranking_category(clients, db_url):
    fgw, kjt = clients["fgw"], None
    r = fgw.post("/api/submissions/Sh1/route", json={"unit": "kjt", "sub_area": "tech_research"},
                 headers={"X-CSRF-Token": fgw.csrf})
    assert r.status_code == 200
    with session_factory(engine_for(db_url))() as db:
        from pipeline.taxonomy import load_taxonomy
        from pipeline.webapp.auth import add_user

        from .conftest import FAST

        add_user(db, "kjt_a", "reviewer", "省科技厅", "Kjt-reviewer-2026", load_taxonomy(), FAST)
    from .conftest import sign_in

    kjt = sign_in(fgw.app, None)
    token = kjt.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    kjt.post("/login", data={"name": "kjt_a", "password": "Kjt-reviewer-2026", "csrf_token": token})
    kjt.csrf = kjt.get("/api/me").json()["csrf_token"]
    r = _put(kjt, "Sh1", scores=SCORES, decision="推荐", action="submit", sub_area="research_enablement")
    assert r.status_code == 200
    with session_factory(engine_for(db_url))() as db:
        row = db.scalar(select(SubmissionRow).where(SubmissionRow.submission_id == "Sh1"))
        # the commission chose the sub-area explicitly, so the reviewer's proposal does not override it
        assert (row.sub_area, row.sub_area_source) == ("tech_research", "commission")
        review = db.scalar(select(Review).where(Review.submission_pk == row.pk))
        assert review.sub_area == "research_enablement"


def test_reviews_not_ours_goes_back_to_the_commission(clients, db_url):
    slt, fgw = clients["slt_a"], clients["fgw"]
    r = slt.post("/s/Sw3/return", data={"csrf_token": slt.csrf, "reason": "属于应急管理"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/queue?ok=returned"
    assert "Sw3" not in [i["id"] for i in slt.get("/api/queue").json()["items"]]
    assert slt.post("/s/Sw3/return", data={"csrf_token": slt.csrf, "reason": ""}).status_code == 403
    assert slt.post("/s/Sw1/return", data={"csrf_token": slt.csrf, "reason": "  "}).status_code == 400
    progress = {u["unit"]: u for u in fgw.get("/api/progress").json()["units"]}
    assert progress["slt"]["returned"] == 1
    with session_factory(engine_for(db_url))() as db:
        row = db.scalar(select(SubmissionRow).where(SubmissionRow.submission_id == "Sw3"))
        assert (row.route_status, row.returned_by) == ("returned", "slt")


def test_reviews_comments_are_shared_with_own_department_and_commission_only(clients):
    slt_a, slt_b, fgw = clients["slt_a"], clients["slt_b"], clients["fgw"]
    assert slt_a.post("/api/submissions/Sw1/comments", json={"body": "数据来源要核实"},
                      headers={"X-CSRF-Token": slt_a.csrf}).status_code == 200
    assert fgw.post("/api/submissions/Sw1/comments", json={"body": "请重点看重复"},
                    headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    for client in (slt_b, fgw):
        bodies = [c["body"] for c in client.get("/api/submissions/Sw1").json()["comments"]]
        assert bodies == ["数据来源要核实", "请重点看重复"]
    assert slt_a.post("/api/submissions/Sw1/comments", json={"body": "   "},
                      headers={"X-CSRF-Token": slt_a.csrf}).status_code == 400


def test_reviews_reroute_counts_only_the_new_units_scores(clients, db_url):
    slt, fgw, yjt = clients["slt_a"], clients["fgw"], clients["yjt_a"]
    assert _put(slt, "Sw3", scores=SCORES, decision="推荐", action="submit").status_code == 200
    ranking = fgw.get("/api/ranking").json()["categories"]
    assert next(s for s in ranking["water"] if s["submission_id"] == "Sw3")["n_reviews"] == 1
    assert fgw.post("/api/submissions/Sw3/route", json={"unit": "yjt"}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    ranking = fgw.get("/api/ranking").json()["categories"]
    moved = next(s for s in ranking["emergency"] if s["submission_id"] == "Sw3")
    assert moved["n_reviews"] == 0 and moved["total"] is None
    assert _put(yjt, "Sw3", scores={k: 40 for k in SCORES}, decision="不推荐", action="submit").status_code == 200
    moved = next(s for s in fgw.get("/api/ranking").json()["categories"]["emergency"] if s["submission_id"] == "Sw3")
    assert (moved["n_reviews"], moved["total"]) == (1, 40.0)


def test_reviews_every_change_is_in_the_audit_log_with_before_and_after(clients, db_url):
    slt, fgw = clients["slt_a"], clients["fgw"]
    v = _put(slt, "Sw1", scores={"openness": 10}).json()["version"]
    _put(slt, "Sw1", scores=SCORES, decision="推荐", action="submit", version=v)
    fgw.post("/api/submissions/Sh1/route", json={"unit": "kjt", "sub_area": "tech_research"},
             headers={"X-CSRF-Token": fgw.csrf})
    fgw.post("/api/submissions/Sw1/override", json={"value": "exclude"}, headers={"X-CSRF-Token": fgw.csrf})
    fgw.post("/api/cutoff", json={"cutoff": 70}, headers={"X-CSRF-Token": fgw.csrf})
    with session_factory(engine_for(db_url))() as db:
        log = list(db.scalars(select(AuditEntry).where(AuditEntry.round_id == "2026-1").order_by(AuditEntry.pk)))
    actions = [(e.user_name, e.action, e.object_id) for e in log]
    assert ("slt_a", "review_draft", "Sw1") in actions and ("slt_a", "review_submit", "Sw1") in actions
    submit = next(e for e in log if e.action == "review_submit")
    assert submit.before["scores"] == {"openness": 10} and submit.after["scores"] == SCORES
    route = next(e for e in log if e.action == "route")
    assert route.before["route_status"] == "pending" and route.after == route.after | {"unit": "kjt",
                                                                                       "route_status": "routed"}
    assert next(e for e in log if e.action == "cutoff").before == {"cutoff": 60.0}
    assert all(e.at is not None for e in log)
    page = fgw.get("/commission/audit").text
    assert "review_submit" in page and "slt_a" in page
    api = fgw.get("/api/audit").json()["items"]
    assert api[0]["action"] == "cutoff"  # newest first
