"""The joint-review workbook, against docs/review_workbook.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.config import ReportSettings
from pipeline.report.view import bundle_to_view, mask_view
from pipeline.report.workbook import sheet_title, write_workbook
from pipeline.review_layout import DECISIONS, HEADER as UNIT_COLUMNS

SPEC = Path(__file__).resolve().parents[2] / "docs" / "review_workbook.md"


def spec_columns() -> list[str]:
    """The unit sheet's column titles as the layout document lists them (A, B, … K–O, S–W …)."""
    titles = []
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*([A-Z](?:–[A-Z])?)\s*\|\s*([^|]+?)\s*\|", line)
        if m and m.group(1) != "column":
            titles += [t.strip() for t in m.group(2).split(",")]
    return titles


@pytest.fixture
def workbook(scored_bundle, taxonomy, tmp_path):
    view = mask_view(bundle_to_view(scored_bundle, taxonomy, ReportSettings()))
    return load_workbook(write_workbook(view, taxonomy, tmp_path / "review_workbook.xlsx"))


def rows(ws, first: int = 1) -> list[tuple]:
    return list(ws.iter_rows(min_row=first, values_only=True))


def test_workbook_unit_columns_follow_the_layout_document():
    assert list(UNIT_COLUMNS) == spec_columns()
    assert len(UNIT_COLUMNS) == 26  # A–Z


def test_workbook_sheets_in_order_with_hidden_meta(workbook):
    assert workbook.sheetnames == ["说明", "省应急管理厅", "省水利厅", "省民政厅", "省人社厅", "检查发现", "重复与同质化", "_meta"]
    assert workbook["_meta"].sheet_state == "hidden"
    meta = {k: v for k, v, *_ in rows(workbook["_meta"])}
    assert meta == {"layout": "review-workbook/1", "round": "2026-1", "created": "2026-07-02T08:00:00+00:00",
                    "rubric_version": "rubric-test-1", "model_version": "test-model-1", "taxonomy_version": "2026.1"}


def test_workbook_unit_sheet_title_header_and_rows(workbook):
    ws = workbook["省水利厅"]
    assert ws["A1"].value == "省水利厅 人工智能+典型应用场景联审表（2026年第1轮）"
    assert "A1:Z1" in {str(r) for r in ws.merged_cells.ranges}
    assert list(rows(ws, 2)[0]) == list(UNIT_COLUMNS)
    data = rows(ws, 3)
    assert [r[1] for r in data] == ["S0000000003", "S0000000004", "S0000000005"]  # by pre-score
    first = dict(zip(UNIT_COLUMNS, data[0]))
    assert first["序号"] == 1 and first["置信度"] == 0.99 and first["需人工分办"] == "否"
    assert first["预评分"] == 71.5 and isinstance(first["合规性"], float)
    assert [r[15] for r in data] == [1, 1, 3]  # equal pre-scores share a rank
    last = dict(zip(UNIT_COLUMNS, data[2]))
    assert last["申报方向"] == "应急管理" and last["建议子方向"] == "智慧水利" and last["需人工分办"] == "是"
    assert "需人工分办" in last["提示"] and "；" in last["提示"]
    assert all(v is None for r in data for v in r[17:])  # reviewer columns R–Z empty


def test_workbook_reviewer_columns_unlocked_with_validation(workbook):
    ws = workbook["省水利厅"]
    assert ws.protection.sheet
    assert not ws["R3"].protection.locked and not ws["Z5"].protection.locked and ws["B3"].protection.locked
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    area = validations["R3:R5"]
    assert area.type == "list" and "智慧水利" in area.formula1 and area.formula1.count(",") == 21
    assert validations["Y3:Y5"].formula1 == '"' + ",".join(DECISIONS) + '"'
    scores = validations["S3:X5"]
    assert (scores.type, scores.formula1, scores.formula2) == ("decimal", "0", "100")


def test_workbook_submission_text_never_becomes_a_formula(workbook):
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")) for c in cells)
    evidence = [r[5] for r in rows(workbook["检查发现"], 2) if r[2] == "summary_too_long"][0]
    assert evidence.startswith("'=HYPERLINK(")


def test_workbook_findings_and_duplicates_sheets(workbook):
    findings = rows(workbook["检查发现"])
    assert findings[0][:6] == ("申报编号", "场景名称", "代码", "级别", "说明", "证据")
    assert ("S0000000006", "“九小场所”电气火灾AI风险感知场景", "field_missing", "错误") in [r[:4] for r in findings]
    assert any(r[0] is None and r[2] == "file_unreadable" and r[7] == "batch/加密.pdf" for r in findings)
    dups = rows(workbook["重复与同质化"], 2)
    kinds = [r[0] for r in dups]
    assert kinds == ["疑似重复", "同质化簇", "同质化簇", "同质化簇", "与往届重复"]
    assert dups[0][1] == "S0000000003~S0000000004" and dups[0][7] == "轻度改写（全文）"
    assert "<i>山塘</i>" in dups[1][8]  # text, shown as written


def test_workbook_masks_personal_numbers(workbook):
    text = " ".join(str(v) for ws in workbook.worksheets for r in rows(ws) for v in r if v is not None)
    assert "13905733321" not in text and "330481198806150028" not in text


def test_workbook_without_scores_says_unscored(bundle, taxonomy, tmp_path):
    view = bundle_to_view(bundle, taxonomy, ReportSettings())
    ws = load_workbook(write_workbook(view, taxonomy, tmp_path / "w.xlsx"))["省水利厅"]
    data = rows(ws, 3)
    assert {r[9] for r in data} == {"未评分"} and all(v is None for r in data for v in r[10:16])


def test_workbook_unrouted_submissions_get_their_own_sheet(bundle, taxonomy, tmp_path):
    bundle.predictions = []
    bundle.submissions = [s.model_copy(update={"authority": "某某科技有限公司", "declared": s.declared.model_copy(
        update={"sub_areas": ()})}) if s.id == "S0000000006" else s for s in bundle.submissions]
    view = bundle_to_view(bundle, taxonomy, ReportSettings())
    wb = load_workbook(write_workbook(view, taxonomy, tmp_path / "w.xlsx"))
    assert "待分办" in wb.sheetnames and rows(wb["待分办"], 3)[0][1] == "S0000000006"
    assert rows(wb["省水利厅"], 3)[0][8] == "是"  # routed by the ticked sub-area, to be confirmed by hand


def test_workbook_sheet_title_is_valid():
    assert sheet_title("省[水利]厅/测试:*?") == "省_水利_厅_测试___"
    assert len(sheet_title("很长" * 40)) == 31
