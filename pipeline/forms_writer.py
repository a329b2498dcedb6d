"""Write DOCX forms laid out like the notice's 附件3 (申报表) and 附件4 (说明表), and
summary tables (附件2) as XLSX or CSV.

Used to build the bundled sample batch, the test fixtures and the ingestion benchmark, with
the variations real applicants produce: label wording and numbering, checkbox kinds
(typed glyphs, Word content controls, symbol fonts), table or "label：value" layouts,
Traditional script.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .taxonomy import Taxonomy, load_taxonomy

Checkbox = Literal["glyph", "control", "symbol", "ascii", "square"]
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"

FORM3_LABELS = {
    "name": "场景名称", "applicant": "申报单位", "location": "所在地点", "authority": "主管部门",
    "domain": "场景领域", "goals": "场景建设目标", "foundation": "现有建设基础", "open_status": "是否已开放应用",
    "effects": "主要成效", "problems": "仍存在的问题", "next_steps": "下步重点工作",
}
FORM4_LABELS = {"name": "场景名称", "owner": "业主单位", "location": "所在地点", "authority": "主管部门"}
SECTION_LABELS = {"background": "背景及意义", "plan": "建设方案与实施路径（含资金投入情况）",
                  "targets": "总体目标与预期成果"}
_CN_NUM = "一二三四五六七八九十"
# The application form's boxes, in its order and with its names (公共安全, 养老托育; no 智慧交通).
FORM_BOXES = {
    "industry": ["先进制造业", "现代农业", "智慧物流"],
    "governance": ["政务服务", "城市治理", "应急管理", "智慧水利", "生态环保", "公共安全"],
    "livelihood": ["医疗卫生", "教育科创", "养老托育", "文化旅游", "就业服务", "便民服务"],
    "scitech": ["技术攻关", "成果转化", "科研赋能"],
    "crossover": ["多领域业态融合", "金融科技"],
    "international": ["国际合作"],
}


@dataclass
class FormStyle:
    layout: Literal["table", "colon"] = "table"
    checkbox: Checkbox = "glyph"
    numbering: Literal["none", "cn", "paren", "arabic"] = "none"  # for explanation sections
    labels: dict[str, str] = field(default_factory=dict)  # label variants by field key
    spaced_labels: bool = False  # "主 要 成 效"
    traditional: bool = False
    title: bool = True


def _t(text: str, style: FormStyle) -> str:
    if not style.traditional or not text:
        return text
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _label(key: str, default: str, style: FormStyle) -> str:
    label = style.labels.get(key, default)
    if style.spaced_labels and len(label) <= 4:
        label = " ".join(label)
    return _t(label, style)


def _box_glyphs(style: FormStyle) -> tuple[str, str]:
    return {"glyph": ("☑", "☐"), "ascii": ("[x]", "[ ]"), "square": ("■", "□"),
            "control": ("", ""), "symbol": ("", "")}[style.checkbox]


def _add_box(paragraph, checked: bool, style: FormStyle) -> None:
    if style.checkbox == "control":
        paragraph._p.append(_content_control_checkbox(checked))
    elif style.checkbox == "symbol":
        run = paragraph.add_run()
        sym = OxmlElement("w:sym")
        sym.set(qn("w:font"), "Wingdings")
        sym.set(qn("w:char"), "F0FE" if checked else "F0A8")
        run._r.append(sym)
    else:
        on, off = _box_glyphs(style)
        paragraph.add_run(on if checked else off)


def _content_control_checkbox(checked: bool):
    """A Word 2010+ check box content control (w:sdt with w14:checkbox)."""
    from lxml import etree

    xml = (
        f'<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="{W14}">'
        f'<w:sdtPr><w14:checkbox><w14:checked w14:val="{1 if checked else 0}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" '
        'w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
        f'<w:sdtContent><w:r><w:t>{"☒" if checked else "☐"}</w:t></w:r></w:sdtContent></w:sdt>'
    )
    return etree.fromstring(xml)


def _domain_paragraphs(cell_or_doc, ticks: list[str], other: dict | None, tax: Taxonomy, style: FormStyle):
    ticked_names = set()
    for sid in ticks:
        sa = tax.sub_area(sid)
        ticked_names.update({sa.name, *sa.aliases})
    first = True
    for dom_id, boxes in FORM_BOXES.items():
        dom = tax.domains[dom_id]
        p = cell_or_doc.paragraphs[0] if first and hasattr(cell_or_doc, "paragraphs") and \
            not cell_or_doc.paragraphs[0].text and hasattr(cell_or_doc, "_tc") else cell_or_doc.add_paragraph()
        first = False
        p.add_run(_t(f"{dom.name}：", style))
        for name in boxes:
            _add_box(p, name in ticked_names, style)
            p.add_run(_t(f"{name} ", style))
        other_here = bool(other) and other.get("domain") == dom_id
        _add_box(p, other_here, style)
        p.add_run(_t("其他（请注明）：" + (other.get("text", "") if other_here else ""), style))


def _open_lines(cell, is_open: bool | None, text: str, style: FormStyle) -> None:
    p = cell.paragraphs[0]
    _add_box(p, is_open is True, style)
    p.add_run(_t(" 是 " + (text if is_open else ""), style))
    p2 = cell.add_paragraph()
    _add_box(p2, is_open is False, style)
    p2.add_run(_t(" 否 " + (text if is_open is False else ""), style))


def _new_doc(title: str, style: FormStyle):
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")
    if style.title:
        doc.add_paragraph(_t(title, style))
    return doc


def _new_table(doc):
    from docx.shared import Cm

    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.autofit = False
    for col, width in zip(table.columns, (Cm(3.2), Cm(12.8))):
        col.width = width
    return table


def _size_row(row) -> None:
    from docx.shared import Cm

    for cell, width in zip(row.cells, (Cm(3.2), Cm(12.8))):
        cell.width = width


def _set_cell(cell, text: str) -> None:
    lines = (text or "").split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def write_form3(data: dict, path: Path | io.BytesIO, style: FormStyle | None = None,
                taxonomy: Taxonomy | None = None) -> None:
    """data: name, applicant, location, authority, ticks, other, goals, foundation, is_open,
    open_text, effects, problems, next_steps."""
    style = style or FormStyle()
    tax = taxonomy or load_taxonomy()
    doc = _new_doc("人工智能+典型应用场景申报表", style)
    if style.layout == "table":
        table = _new_table(doc)
        for key, default in FORM3_LABELS.items():
            if key == "open_status":
                r1, r2 = table.add_row(), table.add_row()
                _size_row(r1)
                _size_row(r2)
                _set_cell(r1.cells[0], _label(key, default, style))
                r1.cells[0].merge(r2.cells[0])  # vertical merge, as in the notice's form
                p = r1.cells[1].paragraphs[0]
                _add_box(p, data.get("is_open") is True, style)
                p.add_run(_t(" 是 " + (data.get("open_text", "") if data.get("is_open") is True else ""), style))
                p2 = r2.cells[1].paragraphs[0]
                _add_box(p2, data.get("is_open") is False, style)
                p2.add_run(_t(" 否 " + (data.get("open_text", "") if data.get("is_open") is False else ""), style))
                continue
            row = table.add_row()
            _size_row(row)
            _set_cell(row.cells[0], _label(key, default, style))
            if key == "domain":
                _domain_paragraphs(row.cells[1], data.get("ticks", []), data.get("other"), tax, style)
            else:
                value = data.get(key, "") or ""
                if key == "applicant":
                    value = value + _t("（加盖公章）", style) if value and style.labels.get("_stamp") else value
                _set_cell(row.cells[1], _t(value, style))
    else:
        for key, default in FORM3_LABELS.items():
            label = _label(key, default, style)
            if key == "domain":
                doc.add_paragraph(f"{label}：")
                _domain_paragraphs(doc, data.get("ticks", []), data.get("other"), tax, style)
            elif key == "open_status":
                doc.add_paragraph(f"{label}：")
                p = doc.add_paragraph()
                _add_box(p, data.get("is_open") is True, style)
                p.add_run(_t(" 是 " + (data.get("open_text", "") if data.get("is_open") is True else ""), style))
                p = doc.add_paragraph()
                _add_box(p, data.get("is_open") is False, style)
                p.add_run(_t(" 否 " + (data.get("open_text", "") if data.get("is_open") is False else ""), style))
            else:
                value = _t(data.get(key, "") or "", style)
                if key in ("name", "applicant", "location", "authority"):
                    doc.add_paragraph(f"{label}：{value}")
                else:
                    doc.add_paragraph(f"{label}：")
                    for line in value.split("\n"):
                        doc.add_paragraph(line)
    doc.save(path)


def _section_heading(i: int, key: str, style: FormStyle) -> str:
    label = style.labels.get(key, SECTION_LABELS[key])
    prefix = {"none": "", "cn": f"{_CN_NUM[i]}、", "paren": f"（{_CN_NUM[i]}）", "arabic": f"{i + 1}. "}[style.numbering]
    return _t(prefix + label, style)


def write_form4(data: dict, path: Path | io.BytesIO, style: FormStyle | None = None) -> None:
    """data: name, owner, location, authority, background, plan, targets."""
    style = style or FormStyle()
    doc = _new_doc("人工智能+典型应用场景说明表", style)
    sections = [k for k in SECTION_LABELS if k in data]
    if style.layout == "table":
        table = _new_table(doc)
        for key, default in FORM4_LABELS.items():
            row = table.add_row()
            _size_row(row)
            _set_cell(row.cells[0], _label(key, default, style))
            _set_cell(row.cells[1], _t(data.get(key, "") or "", style))
        row = table.add_row()
        _size_row(row)
        _set_cell(row.cells[0], _label("explanation", "说明材料", style))
        cell = row.cells[1]
        cell.paragraphs[0].text = _t("（1500字以内）", style)
        for i, key in enumerate(sections):
            cell.add_paragraph(_section_heading(i, key, style))
            for line in (data.get(key) or "").split("\n"):
                cell.add_paragraph(_t(line, style))
    else:
        for key, default in FORM4_LABELS.items():
            doc.add_paragraph(f"{_label(key, default, style)}：{_t(data.get(key, '') or '', style)}")
        doc.add_paragraph(_t("说明材料：", style))
        for i, key in enumerate(sections):
            doc.add_paragraph(_section_heading(i, key, style))
            for line in (data.get(key) or "").split("\n"):
                doc.add_paragraph(_t(line, style))
    doc.save(path)


SUMMARY_COLUMNS = ["序号", "场景名称", "业主单位", "所在地点", "主管部门", "场景领域", "场景说明", "备注"]


def summary_rows(items: list[dict]) -> list[list[str]]:
    return [[str(i), it.get("name", ""), it.get("owner", ""), it.get("location", ""), it.get("authority", ""),
             it.get("domain", ""), it.get("summary", ""), it.get("remarks", "")] for i, it in enumerate(items, 1)]


def write_summary_xlsx(items: list[dict], path: Path, *, title: str | None = "人工智能+典型应用场景汇总表") -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    if title:
        ws.append([title])
        ws.append([])
    ws.append(SUMMARY_COLUMNS)
    for row in summary_rows(items):
        ws.append(row)
    ws.append(["注：上表中场景说明控制在100字以内"])
    wb.save(path)


def write_summary_csv(items: list[dict], path: Path, *, encoding: str = "gbk") -> None:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SUMMARY_COLUMNS)
    for row in summary_rows(items):
        w.writerow(row)
    Path(path).write_bytes(buf.getvalue().encode(encoding))
