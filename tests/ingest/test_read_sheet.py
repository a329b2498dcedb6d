import pytest

from pipeline.errors import InputFileError
from pipeline.forms_writer import write_summary_csv, write_summary_xlsx
from pipeline.ingest.labels import load_form_labels
from pipeline.ingest.read_sheet import read_csv, read_xlsx
from pipeline.ingest.read_text import read_text

ROWS = [{"name": "智慧渔港船舶进出港识别", "owner": "舟山某公司", "location": "舟山市普陀区", "authority": "省农业农村厅",
         "domain": "现代农业", "summary": "AI识别渔船进出港"},
        {"name": "山塘水库安全监测", "owner": "丽水某水务公司", "location": "丽水市龙泉市", "authority": "省水利厅",
         "domain": "智慧水利", "summary": "雨水情与渗压在线监测"}]
MATCH = load_form_labels().match


def test_read_sheet_xlsx_header_under_title_row(tmp_path):
    write_summary_xlsx(ROWS, tmp_path / "t.xlsx")
    doc = read_xlsx((tmp_path / "t.xlsx").read_bytes(), "t.xlsx", MATCH)
    assert doc.header_row == 3
    assert [r["name"] for r in doc.rows] == [r["name"] for r in ROWS]  # the note row is not a record
    assert doc.rows[1]["summary"] == "雨水情与渗压在线监测"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_read_sheet_csv_encodings(tmp_path, encoding):
    write_summary_csv(ROWS, tmp_path / "t.csv", encoding=encoding)
    doc = read_csv((tmp_path / "t.csv").read_bytes(), "t.csv", MATCH)
    assert [r["owner"] for r in doc.rows] == ["舟山某公司", "丽水某水务公司"]


def test_read_sheet_without_header_is_a_clear_error(tmp_path):
    (tmp_path / "x.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="场景名称"):
        read_csv((tmp_path / "x.csv").read_bytes(), "x.csv", MATCH)


def test_read_text_gbk_and_utf8():
    text = "场景名称：智慧工地\n申报单位：某建设集团"
    for enc in ("gbk", "utf-8"):
        doc = read_text(text.encode(enc), "a.txt")
        assert [b.text for b in doc.blocks] == text.split("\n")


def test_read_sheet_legacy_xls(tmp_path):
    import xlwt

    from pipeline.forms_writer import SUMMARY_COLUMNS, summary_rows
    from pipeline.ingest.read_sheet import read_xls

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("汇总表")
    sheet.write(0, 0, "人工智能+典型应用场景汇总表")
    for j, title in enumerate(SUMMARY_COLUMNS):
        sheet.write(2, j, title)
    for i, row in enumerate(summary_rows(ROWS), start=3):
        for j, value in enumerate(row):
            sheet.write(i, j, int(value) if j == 0 else value)
    book.save(str(tmp_path / "t.xls"))
    doc = read_xls((tmp_path / "t.xls").read_bytes(), "t.xls", MATCH)
    assert doc.header_row == 3
    assert [r["name"] for r in doc.rows] == [r["name"] for r in ROWS]
    assert doc.rows[0]["seq"] == "1" and doc.rows[0]["location"] == "舟山市普陀区"
