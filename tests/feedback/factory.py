"""Build what the review loop reads, by hand: runs, predictions, and filled joint-review workbooks
laid out as docs/review_workbook.md says (layout review-workbook/1), with openpyxl."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.bundle import RunBundle, save_bundle
from pipeline.records import DeclaredArea, Prediction, SubAreaScore, Submission
from pipeline.review_layout import HEADER, LAYOUT_VERSION
from tests.conftest import ROOT

RAW = ROOT / "data" / "corpus" / "raw"


def corpus_lines(label: str, start: int, stop: int) -> list[dict]:
    lines = (RAW / f"{label}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[start:stop]]


def submission(sid: str, name: str, text: str, declared: tuple[str, ...] = (), round_id: str = "") -> Submission:
    return Submission(id=sid, name=name, applicant=f"{name}有限公司", city="杭州市", fields={"summary": text},
                      declared=DeclaredArea(sub_areas=declared), round=round_id)


def prediction(sid: str, tax, top: list[tuple[str, float]], threshold: float = 0.6, declared: str | None = None) -> Prediction:
    best, p = top[0]
    sa = tax.sub_area(best)
    unit_p = sum(q for s, q in top if tax.sub_area(s).unit == sa.unit)
    return Prediction(
        submission_id=sid, sub_area=best, sub_area_name=sa.name, domain=sa.domain,
        domain_name=tax.domains[sa.domain].name, unit=sa.unit, unit_name=tax.units[sa.unit].name, probability=p,
        unit_probability=round(unit_p, 4),
        top=tuple(SubAreaScore(sub_area=s, name=tax.sub_area(s).name, probability=q) for s, q in top),
        route_by_hand=unit_p < threshold, declared=declared,
        disagrees_with_declared=bool(declared) and declared != best and p >= 0.7, model_version="lexical-test")


def save_run(folder: Path, submissions, predictions, round_id: str) -> Path:
    save_bundle(RunBundle(submissions=list(submissions), predictions=list(predictions),
                          meta={"round": round_id, "model_version": "lexical-test", "taxonomy_version": "2026.1"}), folder)
    return folder


def rows_from_run(submissions, predictions, tax) -> dict[str, list[dict]]:
    """The report's columns A–Q of every submission, on the sheet of its predicted unit."""
    subs = {s.id: s for s in submissions}
    out: dict[str, list[dict]] = {}
    for pred in predictions:
        s = subs[pred.submission_id]
        out.setdefault(pred.unit_name, []).append({
            "id": s.id, "name": s.name, "applicant": s.applicant, "city": s.city,
            "declared": "、".join(tax.sub_area(x).name for x in s.declared.sub_areas),
            "suggested": pred.sub_area_name, "unit_probability": pred.unit_probability,
            "route_by_hand": "是" if pred.route_by_hand else "否", "pre_score": 70.0,
            **{k: 70.0 for k in ("pre_compliance", "pre_innovation", "pre_effectiveness", "pre_demonstration",
                                 "pre_openness")}, "flags": ""})
    for rows in out.values():
        for i, r in enumerate(rows, 1):
            r["rank"] = i
    return out


KEYS = ("seq", "id", "name", "applicant", "city", "declared", "suggested", "unit_probability", "route_by_hand",
        "pre_score", "pre_compliance", "pre_innovation", "pre_effectiveness", "pre_demonstration", "pre_openness",
        "rank", "flags", "final", "compliance", "innovation", "effectiveness", "demonstration", "openness", "total",
        "decision", "comment")


def write_workbook(path: Path, sheets: dict[str, list[dict]], *, round_id: str = "2026-1",
                   layout: str = LAYOUT_VERSION, header: tuple[str, ...] = HEADER, meta: bool = True,
                   model_version: str = "lexical-test", tax=None) -> Path:
    """A filled workbook: '说明', one sheet per unit (title, header, rows), '检查发现', '重复与同质化', hidden '_meta'."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    intro = wb.active
    intro.title = "说明"
    intro["A1"] = f"人工智能+典型应用场景联审表（{round_id}）"
    intro["A2"] = "请在 R–Z 列填写核定子方向、评分、结论与意见；其余列请勿修改。"
    for unit_name, rows in sheets.items():
        ws = wb.create_sheet(unit_name)
        ws["A1"] = f"{unit_name} 人工智能+典型应用场景联审表（{round_id}）"
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
        for j, title in enumerate(header, 1):
            ws.cell(2, j, title)
        for i, row in enumerate(rows, 3):
            values = {"seq": i - 2, **row}
            for j, key in enumerate(KEYS, 1):
                if values.get(key) is not None:
                    ws.cell(i, j, values[key])
        if tax is not None:
            names = ",".join(sa.name for sa in tax.sub_areas.values())
            dv = DataValidation(type="list", formula1=f'"{names}"', allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(f"R3:R{max(3, len(rows) + 2)}")
        dv2 = DataValidation(type="list", formula1='"推荐,不推荐,待定,退回分办"', allow_blank=True)
        ws.add_data_validation(dv2)
        dv2.add(f"Y3:Y{max(3, len(rows) + 2)}")
    wb.create_sheet("检查发现").append(["申报编号", "场景名称", "代码", "级别", "说明", "证据"])
    wb.create_sheet("重复与同质化").append(["类型", "申报编号A", "申报编号B", "相似度"])
    if meta:
        m = wb.create_sheet("_meta")
        for k, v in (("layout", layout), ("round", round_id), ("created", "2026-11-20T09:00:00+00:00"),
                     ("rubric_version", "2026.1"), ("model_version", model_version), ("taxonomy_version", "2026.1")):
            m.append([k, v])
        m.sheet_state = "hidden"
    wb.save(path)
    return path


def fill(rows: dict[str, list[dict]], reviews: dict[str, dict]) -> dict[str, list[dict]]:
    """Reviewer columns R–Z filled in for the submissions named in ``reviews`` (id -> values)."""
    return {unit: [{**r, **reviews.get(r["id"], {})} for r in rs] for unit, rs in rows.items()}
