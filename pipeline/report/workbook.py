"""The joint-review workbook (``review_workbook.xlsx``), laid out as docs/review_workbook.md says.

Sheets: 说明, one sheet per responsible unit (the submissions routed to it, sorted by pre-score),
检查发现, 重复与同质化 and the hidden _meta. On a unit sheet, columns A–Q are written here and
locked; R–Z are the reviewers', unlocked and empty, with list validation for 核定子方向 and
评审结论 and 0–100 validation for the scores. Every string cell goes through ``cells.safe_cell``.
"""
from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..review_layout import (
    DECISIONS, DUPLICATES_COLUMNS, DUPLICATES_SHEET, FINDINGS_COLUMNS, FINDINGS_SHEET, HEADER, INSTRUCTIONS_SHEET,
    LAYOUT_VERSION, META_SHEET, NO, REPORT_COLUMNS, RETURNED, SCORE_KEYS, UNROUTED_SHEET, YES,
)
from ..taxonomy import Taxonomy
from . import labels as L
from .cells import safe_cell
from .view import ReportView, SubmissionView, score_order

_THIN = Side(style="thin", color="B7C0CA")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F2")
_REVIEW_FILL = PatternFill("solid", fgColor="FFF2CC")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str) -> str:
    """A valid sheet name: no []:*?/\\, at most 31 characters, not empty."""
    return (_INVALID_SHEET_CHARS.sub("_", name).strip("'") or "未命名")[:31]


def _put(ws: Worksheet, row: int, values, *, limit: int = 32767, bold: bool = False, fill=None) -> None:
    for col, value in enumerate(values, 1):
        cell = ws.cell(row=row, column=col, value=safe_cell(value, limit))
        cell.border = _BORDER
        cell.alignment = _WRAP
        if bold:
            cell.font = Font(bold=True)
        if fill is not None:
            cell.fill = fill


def _header(ws: Worksheet, row: int, titles, reviewer_from: int | None = None) -> None:
    _put(ws, row, titles, bold=True, fill=_HEAD_FILL)
    if reviewer_from:
        for col in range(reviewer_from, len(titles) + 1):
            ws.cell(row=row, column=col).fill = _REVIEW_FILL


def _widths(ws: Worksheet, widths) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _round_title(view: ReportView) -> str:
    return f"（{view.meta.round_label}）" if view.meta.round_label else ""


def unit_groups(view: ReportView, tax: Taxonomy) -> list[tuple[str, list[SubmissionView]]]:
    """(sheet name, submissions sorted by pre-score) per unit, in the taxonomy's unit order."""
    groups: dict[str, list[SubmissionView]] = {}
    for s in view.submissions:
        groups.setdefault(s.route.unit_name if s.route.unit_id else UNROUTED_SHEET, []).append(s)
    order = [u.name for u in tax.units.values()]
    names = [n for n in order if n in groups] + sorted(n for n in groups if n not in order)
    return [(n, sorted(groups[n], key=score_order)) for n in names]


def flags_text(s: SubmissionView) -> str:
    return "；".join(f.label for f in s.flags if f.code != "unscored")


def unit_row(n: int, s: SubmissionView, rank: int | None) -> list:
    p = s.route.prediction
    conditions = s.condition_scores
    return [
        n, s.id, s.name, s.applicant, s.city, s.route.declared_text, s.route.sub_area_name,
        round(p.unit_probability, 2) if p else None,
        YES if s.route.route_by_hand else NO,
        round(s.score.total, 1) if s.score else "未评分",
        *(round(conditions[c], 1) if c in conditions else None for c in SCORE_KEYS),  # K–O, the conditions' order
        rank, flags_text(s),
    ]


def write_unit_sheet(ws: Worksheet, unit: str, subs: list[SubmissionView], view: ReportView, list_ref: str) -> None:
    last_col = get_column_letter(len(HEADER))
    ws.merge_cells(f"A1:{last_col}1")
    title = ws.cell(row=1, column=1, value=safe_cell(f"{unit} 人工智能+典型应用场景联审表{_round_title(view)}"))
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28
    _header(ws, 2, HEADER, reviewer_from=len(REPORT_COLUMNS) + 1)
    rank, prev = 0, None
    for i, s in enumerate(subs, 1):
        if s.score is not None and s.score.total != prev:
            rank, prev = i, s.score.total  # equal totals share a rank (1, 2, 2, 4)
        _put(ws, i + 2, unit_row(i, s, rank if s.score is not None else None))
        for col in range(len(REPORT_COLUMNS) + 1, len(HEADER) + 1):
            cell = ws.cell(row=i + 2, column=col)
            cell.border = _BORDER
            cell.alignment = _WRAP
            cell.protection = Protection(locked=False)
        ws.cell(row=i + 2, column=8).number_format = "0.00"
        for col in range(10, 16):
            ws.cell(row=i + 2, column=col).number_format = "0.0"
    last = max(len(subs) + 2, 3)
    first_review = len(REPORT_COLUMNS) + 1  # R
    r = get_column_letter(first_review)
    dv_area = DataValidation(type="list", formula1=list_ref, allow_blank=True, showErrorMessage=True,
                             errorTitle="核定子方向", error="请从列表中选择子方向（留空表示同意建议子方向）。")
    dv_area.add(f"{r}3:{r}{last}")
    scores = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                            showErrorMessage=True, errorTitle="评分", error="请填写 0–100 之间的分数。")
    s_from, s_to = get_column_letter(first_review + 1), get_column_letter(first_review + 6)  # S–X
    scores.add(f"{s_from}3:{s_to}{last}")
    y = get_column_letter(first_review + 7)
    decision = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="评审结论", error="请选择：" + "、".join(DECISIONS))
    decision.add(f"{y}3:{y}{last}")
    for dv in (dv_area, scores, decision):
        ws.add_data_validation(dv)
    _widths(ws, (5, 13, 30, 22, 9, 16, 12, 7, 7, 7, 7, 7, 7, 7, 7, 7, 26, 14, 8, 8, 8, 8, 8, 8, 10, 30))
    ws.freeze_panes = "D3"
    ws.auto_filter.ref = f"A2:{last_col}{max(len(subs) + 2, 2)}"
    # Columns A–Q are the report's (B is the key the importer matches on): locked; R–Z open.
    ws.protection.sheet = True
    for option in ("autoFilter", "sort", "formatColumns", "formatRows", "formatCells"):
        setattr(ws.protection, option, False)  # False = allowed on the protected sheet


def write_instructions(ws: Worksheet, view: ReportView, unit_sheets: list[str]) -> None:
    m = view.meta
    lines = [
        (f"人工智能+典型应用场景联审工作簿{_round_title(view)}", ""),
        ("", ""),
        ("填写说明", ""),
        ("1", "每个责任单位一张工作表，列出分办到本单位的申报场景，按预评分从高到低排列。"),
        ("2", "A–Q 列由系统填写（申报编号是导入时匹配的依据，请勿修改）；黄色表头的 R–Z 列由评审专家填写。"),
        ("3", "核定子方向：建议子方向正确时留空；不正确时从下拉列表选择正确的子方向。"),
        ("4", "合规性评分至开放性评分、评审总分：填写 0–100 的分数。"),
        ("5", f"评审结论：从下拉列表选择 {' / '.join(DECISIONS)}（不属于本单位的选“{RETURNED}”）。"),
        ("6", "评审意见：自由填写。"),
        ("7", "“检查发现”表列出材料检查发现的问题；“重复与同质化”表列出疑似重复的申报对、同质化簇和与往届重复的情况。"),
        ("8", "以 =、+、-、@ 开头的申报文本在单元格中前加单引号，仅作文字显示。"),
        ("9", "手机号、座机号和身份证号已脱敏。" if m.pii_masked else "注意：本工作簿未对手机号、座机号和身份证号脱敏，请勿外传。"),
        ("", ""),
        ("说明", m.disclaimer),
        ("", m.score_note),
        ("", ""),
        ("轮次", m.round_label or m.round or "—"),
        ("筛查时间", m.created or "—"),
        ("生成时间", m.generated),
        ("评分规则版本", m.rubric_version or "（未评分）"),
        ("分类模型版本", m.model_version or "—"),
        ("分类体系版本", m.taxonomy_version),
        ("申报场景数", view.counts.submissions),
        ("责任单位工作表", "、".join(unit_sheets) or "（无）"),
    ]
    for i, (a, b) in enumerate(lines, 1):
        ws.cell(row=i, column=1, value=safe_cell(a))
        cell = ws.cell(row=i, column=2, value=safe_cell(b))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=3, column=1).font = Font(bold=True)
    _widths(ws, (14, 100))


def write_findings(ws: Worksheet, view: ReportView, limit: int) -> None:
    _header(ws, 1, FINDINGS_COLUMNS)
    row = 2
    for s in view.submissions:
        for f in s.findings:
            _put(ws, row, [s.id, s.name, f.code, L.SEVERITY.get(f.severity, f.severity), f.message, f.evidence,
                           f.field or "", f.path or ""], limit=limit)
            row += 1
    for f in view.file_findings:
        _put(ws, row, ["", "", f.code, L.SEVERITY.get(f.severity, f.severity), f.message, f.evidence, f.field or "",
                       f.path or ""], limit=limit)
        row += 1
    _widths(ws, (13, 30, 20, 6, 50, 50, 10, 40))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDINGS_COLUMNS))}{max(row - 1, 1)}"


def write_duplicates(ws: Worksheet, view: ReportView, limit: int) -> None:
    _header(ws, 1, DUPLICATES_COLUMNS)
    names = {s.id: s.name for s in view.submissions}
    row = 2
    seen: set[tuple[str, str]] = set()
    for s in view.submissions:
        for p in s.pairs:
            key = tuple(sorted((s.id, p.other_id)))
            if key in seen:
                continue
            seen.add(key)
            first = p.passages[0] if p.passages else None
            evidence = f"本：{first.self_text}\n对方：{first.other_text}" if first else ""
            _put(ws, row, ["疑似重复", f"{key[0]}~{key[1]}", s.id, s.name, p.other_id, p.other_name,
                           round(p.similarity, 3), f"{p.kind_label}（{p.scope_label}）", evidence], limit=limit)
            row += 1
    for c in view.clusters:
        terms = "、".join(c.label[:5])
        for m in c.members:
            _put(ws, row, ["同质化簇", c.id, m.id, m.name or names.get(m.id, ""), c.original_id,
                           names.get(c.original_id, ""), round(c.similarity, 3),
                           "疑似原始" if m.id == c.original_id else "成员", f"{c.size} 个成员；关键词：{terms}"],
                 limit=limit)
            row += 1
    for s in view.submissions:
        for h in s.history:
            _put(ws, row, ["与往届重复", h.round, s.id, s.name, h.past_id, h.past_name, round(h.similarity, 3),
                           h.kind_label, "往届已入选" if h.selected else ""], limit=limit)
            row += 1
    _widths(ws, (11, 28, 13, 30, 13, 30, 8, 14, 60))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(DUPLICATES_COLUMNS))}{max(row - 1, 1)}"


def write_meta(ws: Worksheet, view: ReportView) -> None:
    """Key/value rows for the importer; the sheet is hidden."""
    m = view.meta
    rows = [("layout", LAYOUT_VERSION), ("round", m.round), ("created", m.created),
            ("rubric_version", m.rubric_version), ("model_version", m.model_version),
            ("taxonomy_version", m.taxonomy_version)]
    for i, (k, v) in enumerate(rows, 1):
        ws.cell(row=i, column=1, value=k)
        ws.cell(row=i, column=2, value=safe_cell(v))
    ws.sheet_state = "hidden"


def sub_area_list(ws_meta: Worksheet, names: list[str]) -> str:
    """The formula of the 核定子方向 list: inline when Excel allows it (255 characters, no comma in a
    name), else a range in column D of _meta, beside its key/value rows."""
    inline = '"' + ",".join(names) + '"'
    if len(inline) <= 255 and not any("," in n for n in names):
        return inline
    ws_meta.cell(row=1, column=4, value="sub_area_names")
    for i, name in enumerate(names, 2):
        ws_meta.cell(row=i, column=4, value=safe_cell(name))
    return f"{quote_sheetname(META_SHEET)}!$D$2:$D${len(names) + 1}"


def write_workbook(view: ReportView, tax: Taxonomy, path: Path, *, evidence_chars: int = 300) -> Path:
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_SHEET
    meta = wb.create_sheet(META_SHEET)  # created first so a list range on it exists; moved last below
    write_meta(meta, view)
    list_ref = sub_area_list(meta, [sa.name for sa in tax.sub_areas.values()])
    groups = unit_groups(view, tax)
    for unit, subs in groups:
        write_unit_sheet(wb.create_sheet(sheet_title(unit)), unit, subs, view, list_ref)
    write_findings(wb.create_sheet(FINDINGS_SHEET), view, evidence_chars)
    write_duplicates(wb.create_sheet(DUPLICATES_SHEET), view, evidence_chars)
    wb.move_sheet(META_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(META_SHEET))
    write_instructions(instructions, view, [sheet_title(u) for u, _ in groups])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
