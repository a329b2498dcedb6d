"""The shortlist and the publicity list (Excel, PDF with Chinese text), and ``export_reviews``."""
from __future__ import annotations

import io
import json

import pypdfium2
import pytest
from openpyxl import load_workbook

from pipeline.webapp import export_reviews
from pipeline.webapp.exports import REVIEW_COLUMNS, ExportError

from .conftest import ROUND, SCORES


def _submit(client, sid: str, value: float, decision: str = "推荐", **extra):
    r = client.put(f"/api/submissions/{sid}/review", json={"scores": {k: value for k in SCORES}, "decision": decision,
                                                           "action": "submit", **extra},
                   headers={"X-CSRF-Token": client.csrf})
    assert r.status_code == 200, r.text


def _pdf_text(content: bytes) -> str:
    doc = pypdfium2.PdfDocument(content)
    try:
        return "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


@pytest.fixture
def scored(clients):
    _submit(clients["slt_a"], "Sw1", 85)
    _submit(clients["slt_b"], "Sw1", 75)
    _submit(clients["slt_a"], "Sw2", 55)
    _submit(clients["jxt_a"], "Sm1", 90)
    _submit(clients["jxt_a"], "Sm2", 70, decision="不推荐")
    return clients


def test_exports_shortlist_xlsx_and_pdf(scored):
    fgw = scored["fgw"]
    r = fgw.get("/exports/shortlist.xlsx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content))["名单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "拟入选场景清单" in rows[0][0]
    header = rows[1]
    assert header[:6] == ["序号", "领域", "子方向", "类内排名", "申报编号", "场景名称"] and "评审总分" in header
    ids = [row[4] for row in rows[2:]]
    assert ids == ["Sm1", "Sw1"]  # in taxonomy order; Sw2 under the cutoff, Sm2 not recommended
    assert rows[3][header.index("评审总分")] == "80.0"
    pdf = fgw.get("/exports/shortlist.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "拟入选场景清单" in text and "纺织面料AI质检" in text and "水库AI巡查预警" in text


def test_exports_publicity_list_only_after_finalizing_and_without_scores(scored):
    fgw = scored["fgw"]
    assert fgw.get("/exports/publicity.xlsx").status_code == 409
    assert fgw.post("/api/finalize", json={"confirm": ROUND}, headers={"X-CSRF-Token": fgw.csrf}).status_code == 200
    sheet = load_workbook(io.BytesIO(fgw.get("/exports/publicity.xlsx").content))["名单"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1] == ["序号", "领域", "子方向", "场景名称", "申报单位", "所在城市"]
    assert [r[3] for r in rows[2:]] == ["纺织面料AI质检", "水库AI巡查预警"]
    text = _pdf_text(fgw.get("/exports/publicity.pdf").content)
    assert "公示名单" in text and "越纺智能科技有限公司" in text and "80.0" not in text
    assert fgw.get("/exports/other.xlsx").status_code == 404
    assert fgw.get("/exports/shortlist.doc").status_code == 404


def test_exports_reviews_for_the_review_loop(scored, db_url):
    fgw, slt = scored["fgw"], scored["slt_a"]
    slt.post("/api/submissions/Sw3/return", json={"reason": "属于应急"}, headers={"X-CSRF-Token": slt.csrf})
    fgw.post("/api/submissions/Sh1/route", json={"unit": "kjt", "sub_area": "research_enablement"},
             headers={"X-CSRF-Token": fgw.csrf})
    rows = export_reviews(db_url, ROUND)
    assert all(tuple(r) == REVIEW_COLUMNS for r in rows)
    by = {}
    for r in rows:
        by.setdefault(r["id"], []).append(r)
    assert len(by["Sw1"]) == 2 and {r["total"] for r in by["Sw1"]} == {85.0, 75.0}
    first = by["Sw1"][0]
    assert first["final_sub_area"] == "water" and first["reviewer_unit"] == "slt" and first["counts"] is True
    assert first["scores"] == {k: 85.0 for k in SCORES} or first["scores"] == {k: 75.0 for k in SCORES}
    (returned,) = by["Sw3"]
    assert (returned["decision"], returned["comment"], returned["route_status"]) == ("退回分办", "属于应急", "returned")
    (rerouted,) = by["Sh1"]  # a route set by the commission, no review yet
    assert (rerouted["final_sub_area"], rerouted["sub_area_source"], rerouted["decision"]) == (
        "research_enablement", "commission", None)
    assert "Se1" not in by  # nothing decided by people yet
    json.dumps(rows, ensure_ascii=False)  # plain JSON types
    with pytest.raises(ExportError, match="no round"):
        export_reviews(db_url, "nope")
