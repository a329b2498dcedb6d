"""Importing a screened round: idempotent, pre-scores optional, people's decisions kept, rounds side by side."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pipeline.webapp.db import engine_for, session_factory
from pipeline.webapp.importer import RoundImportError, import_bundle
from pipeline.webapp.models import AuditEntry, FindingRow, PairRow, Review, Round, SubmissionRow
from pipeline.webapp.rubric import parse_rubric

from .conftest import ROUND, make_bundle


def _rows(db) -> dict[str, SubmissionRow]:
    return {r.submission_id: r for r in db.scalars(select(SubmissionRow).where(SubmissionRow.round_id == ROUND))}


def _dump(db) -> list:
    return [(r.submission_id, r.name, r.unit, r.sub_area, r.route_status, r.prescore_total, r.flags, r.version)
            for r in db.scalars(select(SubmissionRow).order_by(SubmissionRow.pk))]


def test_importer_first_import_routes_by_prediction_and_holds_unsure_ones(db_url):
    with session_factory(engine_for(db_url))() as db:
        rows = _rows(db)
        assert (rows["Sw1"].unit, rows["Sw1"].sub_area, rows["Sw1"].route_status) == ("slt", "water", "routed")
        assert rows["Sh1"].route_status == "pending"  # route by hand: the commission decides
        assert rows["Sw3"].prescore_total is None and rows["Sw1"].prescore_total == 72.0
        assert any(f.startswith("需人工分办") for f in rows["Sh1"].flags)
        assert any("检查发现 1 个错误" in f for f in rows["Sm1"].flags)
        assert db.scalar(select(func.count(PairRow.pk))) == 2
        assert db.scalar(select(func.count(FindingRow.pk))) == 1


def test_importer_same_run_twice_changes_nothing(db_url, tax, scoring_form):
    with session_factory(engine_for(db_url))() as db:
        before, audits = _dump(db), db.scalar(select(func.count(AuditEntry.pk)))
        summary = import_bundle(db, make_bundle(tax), ROUND, scoring_form, tax, source="tests")
        assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 7)
        assert _dump(db) == before
        assert db.scalar(select(func.count(AuditEntry.pk))) == audits
        assert db.scalar(select(func.count(PairRow.pk))) == 2


def test_importer_reimport_refreshes_data_but_keeps_routes_and_reviews(app, clients, db_url, tax, scoring_form):
    fgw, slt = clients["fgw"], clients["slt_a"]
    fgw.post("/api/submissions/Sh1/route", json={"unit": "kjt", "sub_area": "tech_research"},
             headers={"X-CSRF-Token": fgw.csrf})
    slt.put("/api/submissions/Sw1/review", json={"scores": {"openness": 50}}, headers={"X-CSRF-Token": slt.csrf})
    with session_factory(engine_for(db_url))() as db:
        summary = import_bundle(db, make_bundle(tax, rename={"Sw1": "水库AI巡查预警（修订）"}), ROUND, scoring_form,
                                tax, source="tests")
        assert (summary.added, summary.updated) == (0, 1)
        rows = _rows(db)
        assert rows["Sw1"].name == "水库AI巡查预警（修订）"
        assert (rows["Sh1"].unit, rows["Sh1"].route_status, rows["Sh1"].sub_area_source) == ("kjt", "routed",
                                                                                             "commission")
        assert db.scalar(select(func.count(Review.pk))) == 1


def test_importer_without_prescores_works(empty_db_url, tax, scoring_form):
    from pipeline.webapp.migrate import upgrade

    upgrade(empty_db_url)
    with session_factory(engine_for(empty_db_url))() as db:
        summary = import_bundle(db, make_bundle(tax, with_scores=False), "r0", scoring_form, tax)
        assert summary.prescored == 0 and summary.added == 7
        assert all(r.prescore is None for r in db.scalars(select(SubmissionRow)))


def test_importer_second_round_lives_beside_the_first(db_url, tax, scoring_form):
    with session_factory(engine_for(db_url))() as db:
        import_bundle(db, make_bundle(tax), "2026-2", scoring_form, tax)
        assert sorted(db.scalars(select(Round.id))) == ["2026-1", "2026-2"]
        assert db.scalar(select(func.count(SubmissionRow.pk))) == 14
        assert db.scalar(select(func.count(PairRow.pk))) == 4
    from pipeline.webapp.app import create_app

    from .conftest import sign_in, web_settings

    second = sign_in(create_app(web_settings(db_url, round="2026-2")), "slt_a")
    assert [i["id"] for i in second.get("/api/queue").json()["items"]] == ["Sw1", "Sw2", "Sw3"]
    r = second.put("/api/submissions/Sw1/review", json={"scores": {"openness": 1}},
                   headers={"X-CSRF-Token": second.csrf})
    assert r.status_code == 200
    with session_factory(engine_for(db_url))() as db:
        assert db.scalar(select(func.count(Review.pk)).join(SubmissionRow).where(SubmissionRow.round_id == "2026-1")) == 0


def test_importer_refuses_a_new_rubric_under_existing_reviews(clients, db_url, tax, scoring_form):
    slt = clients["slt_a"]
    slt.put("/api/submissions/Sw1/review", json={"scores": {"openness": 50}}, headers={"X-CSRF-Token": slt.csrf})
    changed = parse_rubric({"version": "other", "scale": 100, "conditions": [
        {"id": "compliance", "name": "合规性", "weight": 1.0}]})
    with session_factory(engine_for(db_url))() as db:
        with pytest.raises(RoundImportError, match="already has 1 reviews"):
            import_bundle(db, make_bundle(tax), ROUND, changed, tax)


def test_importer_refuses_a_finalized_round_and_needs_a_label(clients, db_url, tax, scoring_form):
    fgw = clients["fgw"]
    assert fgw.post("/api/finalize", json={"confirm": ROUND}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    with session_factory(engine_for(db_url))() as db:
        with pytest.raises(RoundImportError, match="finalized"):
            import_bundle(db, make_bundle(tax), ROUND, scoring_form, tax)
        with pytest.raises(RoundImportError, match="--round"):
            import_bundle(db, make_bundle(tax), "  ", scoring_form, tax)
