from pathlib import Path

from docx import Document
from lxml import etree

from pipeline.forms_writer import FormStyle, write_form3
from pipeline.ingest.blocks import CHECKED, UNCHECKED
from pipeline.ingest.read_docx import read_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _read(path: Path):
    return read_docx(path.read_bytes(), str(path))


def test_read_docx_paragraphs_and_table_rows(tmp_path):
    doc = Document()
    doc.add_paragraph("人工智能+典型应用场景申报表")
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "场景名称", "智慧渔港"
    t.cell(1, 0).text, t.cell(1, 1).text = "申报单位", "舟山某公司"
    doc.save(tmp_path / "a.docx")
    blocks = _read(tmp_path / "a.docx").blocks
    assert blocks[0].cells == ("人工智能+典型应用场景申报表",) and not blocks[0].is_row
    assert blocks[1].cells == ("场景名称", "智慧渔港") and blocks[1].is_row
    assert blocks[2].cells == ("申报单位", "舟山某公司")


def test_read_docx_vertical_merge_not_repeated(tmp_path):
    doc = Document()
    t = doc.add_table(rows=2, cols=2)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "是否已开放应用"
    t.cell(0, 1).text, t.cell(1, 1).text = "☑ 是 已开放", "☐ 否"
    doc.save(tmp_path / "m.docx")
    rows = [b.cells for b in _read(tmp_path / "m.docx").blocks]
    assert rows == [("是否已开放应用", "☑ 是 已开放"), (None, "☐ 否")]


def test_read_docx_horizontal_merge_read_once(tmp_path):
    doc = Document()
    t = doc.add_table(rows=1, cols=3)
    t.cell(0, 1).merge(t.cell(0, 2)).text = "合并的值"
    t.cell(0, 0).text = "主管部门"
    doc.save(tmp_path / "h.docx")
    assert _read(tmp_path / "h.docx").blocks[0].cells == ("主管部门", "合并的值")


def test_read_docx_nested_table_text_kept(tmp_path):
    doc = Document()
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "现有建设基础"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "设备", "120台"
    inner.cell(1, 0).text, inner.cell(1, 1).text = "资金", "300万元"
    doc.save(tmp_path / "n.docx")
    row = _read(tmp_path / "n.docx").blocks[0]
    assert row.cells[0] == "现有建设基础"
    assert "设备 120台" in row.cells[1] and "资金 300万元" in row.cells[1]


def test_read_docx_layout_table_wrapping_form_is_unwrapped(tmp_path):
    doc = Document()
    outer = doc.add_table(rows=1, cols=1)
    inner = outer.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "场景名称", "数字孪生水库"
    doc.save(tmp_path / "w.docx")
    assert ("场景名称", "数字孪生水库") in [b.cells for b in _read(tmp_path / "w.docx").blocks]


def test_read_docx_content_control_text_is_read(tmp_path):
    doc = Document()
    p = doc.add_paragraph("所在地点：")
    sdt = etree.fromstring(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr><w:alias w:val="地点"/></w:sdtPr>'
        f'<w:sdtContent><w:r><w:t>湖州市德清县</w:t></w:r></w:sdtContent></w:sdt>')
    p._p.append(sdt)
    block_sdt = etree.fromstring(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>块级控件里的文字</w:t></w:r></w:p>'
        f'</w:sdtContent></w:sdt>')
    doc.element.body.insert(0, block_sdt)
    doc.save(tmp_path / "c.docx")
    texts = [b.text for b in _read(tmp_path / "c.docx").blocks]
    assert "所在地点：湖州市德清县" in texts
    assert "块级控件里的文字" in texts


def test_read_docx_checkbox_content_controls_and_symbols(tmp_path, form3_data):
    for kind in ("control", "symbol"):
        path = tmp_path / f"{kind}.docx"
        write_form3(form3_data, path, FormStyle(checkbox=kind))
        domain_row = next(b for b in _read(path).blocks if b.cells[0] == "场景领域")
        text = domain_row.cells[1]
        assert f"{CHECKED}先进制造业" in text, kind
        assert f"{UNCHECKED}现代农业" in text, kind
        assert text.count(CHECKED) == 1, kind


def test_read_docx_legacy_form_field_checkbox(tmp_path):
    doc = Document()
    p = doc.add_paragraph()
    fld = etree.fromstring(
        f'<w:r xmlns:w="{W}"><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:default w:val="1"/>'
        f'</w:checkBox></w:ffData></w:fldChar></w:r>')
    p._p.append(fld)
    p.add_run("智慧水利")
    doc.save(tmp_path / "f.docx")
    assert _read(tmp_path / "f.docx").blocks[0].text == f"{CHECKED}智慧水利"
