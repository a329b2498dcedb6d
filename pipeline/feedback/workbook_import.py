"""Read a joint-review workbook filled in by the reviewers into ``Review`` records.

The whole workbook is checked before anything is returned: the layout version, every unit
sheet's header, every row (IDs, sub-area names, scores, decisions). All problems are
collected and raised together as one ``WorkbookError`` listing sheet and row, so a
workbook is either imported whole or not at all.

    open_workbook → read_meta → resolve_round → unit_sheets → sheet_rows → check_ids → rows_to_reviews
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..bundle import RunBundle
from ..records import Review, ReviewScores
from ..review_layout import (
    DECISIONS, FIRST_DATA_ROW, FIXED_SHEETS, HEADER, HEADER_ROW, KEY_OF_TITLE, LAYOUT_VERSION, META_SHEET, NO,
    RETURNED, REVIEWER_KEYS, SCORE_KEYS, UNROUTED_SHEET, YES,
)
from ..taxonomy import Taxonomy
from ..text import halfwidth_ascii, match_key
from .errors import RowProblem, WorkbookError

ROUND_LABEL = re.compile(r"^[\w.\-]+$")  # used in file names: letters (any script), digits, '.', '-', '_'


@dataclass(frozen=True)
class SheetRow:
    """One data row of a unit sheet, its cells by column key."""

    sheet: str
    row: int
    unit: str  # unit id of the sheet; "" on the 待分办 sheet
    cells: dict[str, object]

    @property
    def id(self) -> str:
        return text_value(self.cells.get("id"))

    @property
    def reviewed(self) -> bool:
        return any(not _empty(self.cells.get(k)) for k in REVIEWER_KEYS)


@dataclass(frozen=True)
class ImportResult:
    """What a workbook holds, validated: the reviews and what was left unreviewed."""

    workbook: str
    sha256: str
    round: str
    meta: dict[str, str]
    reviews: list[Review]
    rows: int  # data rows on unit sheets
    unreviewed: list[str]  # submission ids nobody filled in
    notes: list[str]  # things worth saying that are not errors


# -- cell values -----------------------------------------------------------------------------

def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_value(value: object) -> str:
    """A cell as text; the report's ``'`` guard against formula injection is removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text[1:].strip() if text.startswith("'") else text


def number_value(value: object) -> float | None:
    """A number from a numeric cell or a number typed as text (full-width digits allowed); raises ValueError."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(halfwidth_ascii(str(value)).strip().replace(",", ""))


# -- the steps ---------------------------------------------------------------------------------

def open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except FileNotFoundError:
        raise WorkbookError(str(path), [RowProblem("—", None, "文件不存在 (file not found)")]) from None
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise WorkbookError(str(path), [RowProblem(
            "—", None, f"不是可读取的 .xlsx 工作簿 (not a readable .xlsx workbook: {type(exc).__name__}); "
                       f"请在 Excel/WPS 中另存为 .xlsx 后再导入")]) from None


def read_meta(wb) -> tuple[dict[str, str], list[RowProblem]]:
    """The hidden ``_meta`` sheet as key → value, and the layout problems (which stop the import)."""
    if META_SHEET not in wb.sheetnames:
        return {}, [RowProblem(META_SHEET, None, f"缺少隐藏工作表 {META_SHEET}：这不是 {LAYOUT_VERSION} 版式的联审表 "
                                                 f"(no {META_SHEET} sheet; import the workbook the triage report wrote, "
                                                 f"not a copy pasted into a new file)")]
    meta = {}
    for key, value, *_ in wb[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if not _empty(key):
            meta[text_value(key)] = text_value(value)
    layout = meta.get("layout", "")
    if layout != LAYOUT_VERSION:
        return meta, [RowProblem(META_SHEET, None, f"版式版本为“{layout or '（空）'}”，本程序只读取 {LAYOUT_VERSION} "
                                                   f"(layout {layout!r} is not {LAYOUT_VERSION!r}; "
                                                   f"use the importer that matches the report that wrote it)")]
    return meta, []


def resolve_round(meta: dict[str, str], round_id: str | None, run: RunBundle | None) -> tuple[str, list[RowProblem]]:
    """The round from ``--round``, the workbook and the run; they must agree when given."""
    given = {"--round": round_id or "", "_meta": meta.get("round", ""), "run.json": (run.meta.get("round", "") if run else "")}
    values = {v for v in given.values() if v}
    if not values:
        return "", [RowProblem(META_SHEET, None, "联审表和运行结果都没有轮次 (no round in the workbook or the run): "
                                                  "pass --round, e.g. --round 2026-1")]
    if len(values) > 1:
        said = "，".join(f"{k} = {v}" for k, v in given.items() if v)
        return "", [RowProblem(META_SHEET, None, f"轮次不一致 (the round labels disagree: {said}); "
                                                  "import the workbook of the same round as the run")]
    label = values.pop()
    if not ROUND_LABEL.match(label):
        return "", [RowProblem(META_SHEET, None, f"轮次“{label}”只能包含文字、数字、'.'、'-'、'_' "
                                                  f"(round {label!r} names files; use e.g. 2026-1)")]
    return label, []


def unit_sheets(wb, tax: Taxonomy) -> tuple[list[tuple[str, str]], list[RowProblem], list[str]]:
    """(sheet name, unit id) of every unit sheet (unit "" for 待分办); renamed or doubled unit sheets are problems."""
    found, problems, notes, seen = [], [], [], {}
    for name in wb.sheetnames:
        if name in FIXED_SHEETS:
            continue
        if name == UNROUTED_SHEET:
            found.append((name, ""))
            continue
        unit = tax.find_unit(name)
        if unit is None:
            header = [text_value(c) for c in next(wb[name].iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW,
                                                                      values_only=True), ())]
            if "申报编号" in header:
                problems.append(RowProblem(name, None, "工作表名不是责任单位名称，无法确定分办单位 (the sheet name is not a "
                                                       "responsible unit; name unit sheets exactly as the report did, "
                                                       "e.g. 省水利厅)"))
            else:
                notes.append(f"忽略工作表“{name}”(not a unit sheet)")
            continue
        if unit in seen:
            problems.append(RowProblem(name, None, f"与工作表“{seen[unit]}”是同一责任单位 (two sheets for one unit; "
                                                   "merge their rows into one sheet)"))
            continue
        seen[unit] = name
        found.append((name, unit))
    return found, problems, notes


def header_columns(ws) -> tuple[dict[str, int], list[RowProblem]]:
    """Column index (1-based) of every key, found by its title in the header row."""
    row = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    titles = [text_value(v) for v in row]
    columns: dict[str, int] = {}
    problems = []
    for i, title in enumerate(titles, 1):
        if title in KEY_OF_TITLE:
            if KEY_OF_TITLE[title] in columns:
                problems.append(RowProblem(ws.title, HEADER_ROW, f"表头“{title}”出现两次 (duplicated column title)"))
            columns[KEY_OF_TITLE[title]] = i
    for j, title in enumerate(HEADER, 1):
        if KEY_OF_TITLE[title] not in columns:
            actual = titles[j - 1] if j <= len(titles) else ""
            letter = _letter(j)
            problems.append(RowProblem(ws.title, HEADER_ROW, f"表头缺少列“{title}”（第 {letter} 列现为“{actual or '空'}”）"
                                                             f" (column {title!r} is missing or renamed; restore the "
                                                             f"header of {LAYOUT_VERSION}, extra columns go to the right)"))
    return columns, problems


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def sheet_rows(ws, unit: str, columns: dict[str, int]) -> list[SheetRow]:
    rows = []
    width = max(columns.values())
    for n, values in enumerate(ws.iter_rows(min_row=FIRST_DATA_ROW, max_col=width, values_only=True), FIRST_DATA_ROW):
        cells = {key: values[col - 1] if col - 1 < len(values) else None for key, col in columns.items()}
        if all(_empty(v) for v in cells.values()):
            continue
        rows.append(SheetRow(ws.title, n, unit, cells))
    return rows


def check_ids(rows: list[SheetRow], run: RunBundle | None) -> list[RowProblem]:
    """Every row has an ID, no ID is on two rows, and (with the run) every ID is one of its submissions."""
    problems = []
    where: dict[str, list[SheetRow]] = {}
    for r in rows:
        if not r.id:
            problems.append(RowProblem(r.sheet, r.row, "申报编号为空 (the submission ID is missing; copy it back from "
                                                       "the report, it is the key of the row)"))
        else:
            where.setdefault(r.id, []).append(r)
    for sid, rs in where.items():
        if len(rs) > 1:
            places = "、".join(f"“{r.sheet}”第 {r.row} 行" for r in rs)
            for r in rs:
                problems.append(RowProblem(r.sheet, r.row, f"申报编号 {sid} 重复出现于 {places} "
                                                           "(duplicated ID; keep one row per submission)"))
    if run is not None:
        subs = {s.id: s for s in run.submissions}
        for sid, rs in where.items():
            sub = subs.get(sid)
            for r in rs:
                if sub is None:
                    problems.append(RowProblem(r.sheet, r.row, f"申报编号 {sid} 不在本轮运行结果中 (unknown ID; it must "
                                                               "not be edited — check --run points at this round)"))
                elif (name := text_value(r.cells.get("name"))) and match_key(name) != match_key(sub.name):
                    problems.append(RowProblem(r.sheet, r.row, f"申报编号 {sid} 对应“{sub.name}”，但本行场景名称为“{name}”"
                                                               " (the ID and the name disagree: was the ID edited?)"))
    return problems


def _sub_area_problem(value: str, tax: Taxonomy) -> str:
    names = [sa.name for sa in tax.sub_areas.values()]
    close = difflib.get_close_matches(value, names, n=2, cutoff=0.3)
    hint = f"，是否为“{'”或“'.join(close)}”？" if close else ""
    return (f"核定子方向“{value}”不是分类表中的子方向名称{hint} (unknown sub-area name; pick one from the "
            f"drop-down list of taxonomy {tax.version})")


def row_to_review(r: SheetRow, tax: Taxonomy, round_id: str, meta: dict[str, str], workbook: str,
                  imported_at: str) -> tuple[Review | None, list[RowProblem]]:
    problems: list[RowProblem] = []

    def bad(msg: str) -> None:
        problems.append(RowProblem(r.sheet, r.row, msg))

    suggested_text = text_value(r.cells.get("suggested"))  # empty: the model did not route it
    suggested = tax.find_sub_area(suggested_text) if suggested_text else None
    if suggested_text and suggested is None:
        bad(f"建议子方向“{suggested_text}”无法识别 (column 建议子方向 is written by the report and must not "
            "be edited)")
    final_text = text_value(r.cells.get("final"))
    final = tax.find_sub_area(final_text) if final_text else None
    if final_text and final is None:
        bad(_sub_area_problem(final_text, tax))
    decision = text_value(r.cells.get("decision")) or None
    if decision is not None and decision not in DECISIONS:
        bad(f"评审结论“{decision}”不是 {'、'.join(DECISIONS)} 之一 (pick one from the drop-down list)")
    if decision == RETURNED and final is not None and r.unit and tax.sub_area(final).unit == r.unit:
        bad(f"结论为“{RETURNED}”，但核定子方向“{final_text}”仍属本单位 (returned but kept here: clear 核定子方向 or "
            f"choose a sub-area of another unit)")
    scores = {}
    for key in (*SCORE_KEYS, "total"):
        raw = r.cells.get(key)
        try:
            value = number_value(raw)
        except ValueError:
            bad(f"{_title(key)}“{text_value(raw)}”不是数字 (a score is a number from 0 to 100)")
            continue
        if value is not None and not 0 <= value <= 100:
            bad(f"{_title(key)} {value:g} 不在 0–100 之间 (a score is a number from 0 to 100)")
            continue
        scores[key] = value
    if problems:
        return None, problems
    if final is None and decision != RETURNED:
        final = suggested  # empty 核定子方向: the suggested sub-area is right
    try:
        prob = number_value(r.cells.get("unit_probability"))
    except ValueError:
        prob = None
    hand = {YES: True, NO: False}.get(text_value(r.cells.get("route_by_hand")))
    review = Review(
        submission_id=r.id, round=round_id, name=text_value(r.cells.get("name")), sheet=r.sheet, row=r.row,
        routed_unit=r.unit, suggested_sub_area=suggested, final_sub_area=final,
        corrected=suggested is not None and final != suggested,
        unit_probability=prob if prob is not None and 0 <= prob <= 1 else None, route_by_hand=hand,
        scores=ReviewScores(**{k: scores.get(k) for k in SCORE_KEYS}), total=scores.get("total"),
        decision=decision, comment=text_value(r.cells.get("comment")), model_version=meta.get("model_version", ""),
        workbook=workbook, imported_at=imported_at,
    )
    return review, []


def _title(key: str) -> str:
    return next(t for t, k in KEY_OF_TITLE.items() if k == key)


def _formula_totals(path: Path, rows: list[SheetRow], columns_of: dict[str, dict[str, int]]) -> set[tuple[str, int]]:
    """(sheet, row) of reviewed rows whose 评审总分 is a formula the file holds no computed value for."""
    import openpyxl

    wanted = [r for r in rows if r.reviewed and _empty(r.cells.get("total"))]
    if not wanted:
        return set()
    wb = openpyxl.load_workbook(path, data_only=False)
    out = set()
    for r in wanted:
        v = wb[r.sheet].cell(r.row, columns_of[r.sheet]["total"]).value
        if isinstance(v, str) and v.startswith("="):
            out.add((r.sheet, r.row))
    return out


# -- the whole import ----------------------------------------------------------------------------

def read_review_workbook(path: Path, tax: Taxonomy, *, run: RunBundle | None = None, round_id: str | None = None,
                         imported_at: str | None = None) -> ImportResult:
    """Validate a filled workbook as a whole and return its reviews; raise ``WorkbookError`` listing every problem."""
    path = Path(path)
    wb = open_workbook(path)
    meta, problems = read_meta(wb)
    if problems:
        raise WorkbookError(str(path), problems)
    label, problems = resolve_round(meta, round_id, run)
    sheets, sheet_problems, notes = unit_sheets(wb, tax)
    problems += sheet_problems
    rows: list[SheetRow] = []
    columns_of: dict[str, dict[str, int]] = {}
    for name, unit in sheets:
        columns, header_problems = header_columns(wb[name])
        problems += header_problems
        if not header_problems:
            columns_of[name] = columns
            rows += sheet_rows(wb[name], unit, columns)
    if not sheets and not sheet_problems:
        problems.append(RowProblem("—", None, "没有任何责任单位工作表 (no unit sheet, e.g. 省水利厅, in the workbook)"))
    problems += check_ids(rows, run)
    stamp = imported_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
    reviews = []
    for r in rows:
        if r.reviewed and r.id:
            review, row_problems = row_to_review(r, tax, label, meta, path.name, stamp)
            problems += row_problems
            if review is not None:
                reviews.append(review)
    if problems:
        order = {name: i for i, name in enumerate(wb.sheetnames)}
        problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
        raise WorkbookError(str(path), problems)
    formula_rows = _formula_totals(path, rows, columns_of)
    if formula_rows:
        notes.append(f"{len(formula_rows)} 行的评审总分是公式但文件中没有计算结果，已记为空 (formula totals without a "
                     f"saved value; open and save the workbook in Excel/WPS to keep them)")
    elsewhere = sum(1 for r in reviews if r.suggested_sub_area and r.routed_unit
                    and tax.sub_area(r.suggested_sub_area).unit != r.routed_unit)
    if elsewhere:
        notes.append(f"{elsewhere} 行所在工作表不是其建议子方向的责任单位（行被移到了别的单位表？）；"
                     f"分办统计按建议子方向计")
    if run is not None and meta.get("model_version") and run.meta.get("model_version") \
            and meta["model_version"] != run.meta["model_version"]:
        notes.append(f"联审表的模型版本 {meta['model_version']} 与运行结果的 {run.meta['model_version']} 不同")
    unreviewed = [r.id for r in rows if not r.reviewed and r.id]
    return ImportResult(workbook=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), round=label,
                        meta=meta, reviews=reviews, rows=len(rows), unreviewed=unreviewed, notes=notes)
