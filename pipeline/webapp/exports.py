"""What leaves the joint review: the shortlist and the publicity list (Excel and PDF), and the
reviews as training data for the review loop (``export_reviews``, documented in README.md ("The joint review online")).
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ..errors import ScreenError
from ..taxonomy import Taxonomy
from .db import engine_for, normalize_url, session_factory
from .migrate import check_schema
from .models import Review, Round, SubmissionRow
from .queries import RoundData
from .ranking import Standing, shortlist

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)
SC_INDEX = 2  # Simplified Chinese face in the Noto CJK collections


class ExportError(ScreenError):
    """An export cannot be made (the message says what is missing)."""


def safe_cell(value):
    """Text that Excel would read as a formula is kept as text (prefixed with ')."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}"


# --- the two lists -------------------------------------------------------------------------


def shortlist_table(data: RoundData, tax: Taxonomy) -> tuple[list[str], list[list]]:
    """拟入选场景清单: the shortlisted submissions with their sums and ranks (internal)."""
    items = shortlist(data.standings(tax), tax)
    header = ["序号", "领域", "子方向", "类内排名", "申报编号", "场景名称", "申报单位", "所在城市", "责任单位",
              *[c.name for c in data.form.conditions], "评审总分", "评审人数", "推荐/不推荐/待定", "预评分", "入选依据"]
    rows = []
    for n, st in enumerate(items, 1):
        rows.append([n, _domain_name(st, tax), _sub_area_name(st, tax), st.rank or "", st.submission_id, st.name,
                     st.applicant, st.city, tax.units[st.unit].name if st.unit in tax.units else "",
                     *[_fmt(st.conditions.get(c.id)) for c in data.form.conditions], _fmt(st.total), st.n_reviews,
                     f"{st.votes.get('推荐', 0)}/{st.votes.get('不推荐', 0)}/{st.votes.get('待定', 0)}",
                     _fmt(st.prescore_total), "发改委调整" if st.override == "include" else "分数线"])
    return header, rows


def publicity_table(data: RoundData, tax: Taxonomy) -> tuple[list[str], list[list]]:
    """公示名单: what is published — no scores, no reviewers, no comments. Only for a finalized round."""
    if data.round.status != "finalized":
        raise ExportError("公示名单只能在本轮定稿后导出")
    items = shortlist(data.standings(tax), tax)
    header = ["序号", "领域", "子方向", "场景名称", "申报单位", "所在城市"]
    rows = [[n, _domain_name(st, tax), _sub_area_name(st, tax), st.name, st.applicant, st.city]
            for n, st in enumerate(items, 1)]
    return header, rows


def _domain_name(st: Standing, tax: Taxonomy) -> str:
    return tax.domains[st.domain].short if st.domain in tax.domains else ""


def _sub_area_name(st: Standing, tax: Taxonomy) -> str:
    return tax.sub_areas[st.sub_area].name if st.sub_area in tax.sub_areas else ""


def title_of(kind: str, round_id: str) -> str:
    label = {"shortlist": "拟入选场景清单", "publicity": "入选场景公示名单"}[kind]
    return f"浙江省人工智能+典型应用场景{label}（第 {round_id} 轮）"


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([safe_cell(title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(header)))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for i, name in enumerate(header, 1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows[:500]]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width * 1.6, 6), 60)
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A3"
    stamp = wb.create_sheet("_meta")
    stamp.append(["created", datetime.now(timezone.utc).isoformat(timespec="seconds")])
    stamp.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@lru_cache(maxsize=1)
def cjk_font() -> str:
    for path in CJK_FONTS:
        if Path(path).exists():
            return path
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        if out and Path(out).exists() and "CJK" in out:
            return out
    raise ExportError("no Chinese font for the PDF: install the Noto CJK fonts (apt-get install fonts-noto-cjk)")


def to_pdf(title: str, header: list[str], rows: list[list], widths: list[float] | None = None) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    font = cjk_font()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    kwargs = {"collection_font_number": SC_INDEX} if font.endswith(".ttc") else {}
    pdf.add_font("cjk", fname=font, **kwargs)
    bold = font.replace("Regular", "Bold")
    pdf.add_font("cjk", style="B", fname=bold if Path(bold).exists() else font, **kwargs)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", "B", 14)
    pdf.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.cell(0, 6, f"生成时间：{datetime.now().strftime('%Y-%m-%d %H:%M')}    共 {len(rows)} 项",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    with pdf.table(col_widths=widths, headings_style=FontFace(emphasis="BOLD"), line_height=5,
                   text_align="LEFT", repeat_headings=1) as table:
        for r in [header, *rows]:
            line = table.row()
            for value in r:
                line.cell("" if value is None else str(value))
    return bytes(pdf.output())


PDF_WIDTHS = {
    "shortlist": None,
    "publicity": [10, 22, 22, 90, 70, 25],
}


def export_list(kind: str, fmt: str, data: RoundData, tax: Taxonomy) -> tuple[str, bytes, str]:
    """(file name, content, media type) of the shortlist or the publicity list as xlsx or pdf."""
    if kind not in ("shortlist", "publicity"):
        raise ExportError(f"unknown list {kind!r}: shortlist or publicity")
    header, rows = (shortlist_table if kind == "shortlist" else publicity_table)(data, tax)
    title = title_of(kind, data.round.id)
    stem = f"{'shortlist' if kind == 'shortlist' else 'publicity'}-{data.round.id}"
    if fmt == "xlsx":
        return (f"{stem}.xlsx", to_xlsx(title, header, rows),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "pdf":
        if kind == "shortlist":  # a landscape page holds the name and the sums; the xlsx has every column
            keep = [0, 2, 3, 5, 6, 8, *range(len(header) - 5, len(header) - 2)]  # …, total, reviews, votes
            header = [header[i] for i in keep]
            rows = [[r[i] for i in keep] for r in rows]
            widths = [10, 22, 14, 70, 55, 28, 18, 16, 26]
        else:
            widths = PDF_WIDTHS[kind]
        return f"{stem}.pdf", to_pdf(title, header, rows, widths), "application/pdf"
    raise ExportError(f"unknown format {fmt!r}: xlsx or pdf")


# --- into the review loop ------------------------------------------------------------------

REVIEW_COLUMNS = ("id", "round", "name", "final_sub_area", "final_unit", "sub_area_source", "predicted_sub_area",
                  "declared", "route_status", "scores", "total", "decision", "comment", "reviewer_unit",
                  "reviewer_id", "submitted_at", "counts", "round_status", "rubric_version")


def _iso(dt) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.isoformat(timespec="seconds")


def export_reviews(db_url: str, round: str) -> list[dict]:  # noqa: A002 - the brief's name
    """The joint review's outcome straight from the database, one dict per review.

    One row per submitted review and per "not ours" return; plus one row (without review fields)
    for every submission whose route or sub-area a person set but that has no such review yet.
    Columns: see ``REVIEW_COLUMNS`` and README.md ("The joint review online").
    """
    engine = engine_for(normalize_url(db_url))
    check_schema(engine)
    with session_factory(engine)() as db:
        rnd = db.get(Round, round)
        if rnd is None:
            known = ", ".join(db.scalars(select(Round.id))) or "none"
            raise ExportError(f"no round {round!r} in the database; rounds: {known}")
        rows = list(db.scalars(select(SubmissionRow).where(SubmissionRow.round_id == round)
                               .order_by(SubmissionRow.submission_id)))
        reviews = list(db.scalars(select(Review).join(SubmissionRow).where(
            SubmissionRow.round_id == round, Review.status.in_(("submitted", "returned")))
            .order_by(Review.unit, Review.user_id)))
    by_sub: dict[int, list[Review]] = {}
    for r in reviews:
        by_sub.setdefault(r.submission_pk, []).append(r)
    out = []
    for row in rows:
        base = {"id": row.submission_id, "round": round, "name": row.name, "final_sub_area": row.sub_area,
                "final_unit": row.unit, "sub_area_source": row.sub_area_source,
                "predicted_sub_area": row.predicted_sub_area or None, "declared": list(row.declared or []),
                "route_status": row.route_status, "round_status": rnd.status, "rubric_version": rnd.rubric_version}
        mine = by_sub.get(row.pk, [])
        for r in mine:
            out.append(base | {"scores": dict(r.scores or {}), "total": r.total, "decision": r.decision,
                               "comment": r.comment, "reviewer_unit": r.unit,
                               "reviewer_id": r.user_id,
                               "submitted_at": _iso(r.submitted_at),
                               "counts": r.status == "submitted" and r.unit == row.unit})
        if not mine and row.sub_area_source != "model":  # a person set the route or the sub-area
            out.append(base | {"scores": {}, "total": None, "decision": None, "comment": "", "reviewer_unit": None,
                               "reviewer_id": None, "submitted_at": None, "counts": False})
    return [{k: r[k] for k in REVIEW_COLUMNS} for r in out]


def write_reviews_jsonl(rows: list[dict], path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path
