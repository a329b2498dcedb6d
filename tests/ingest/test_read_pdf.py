import io

import pytest

from pipeline.errors import InputFileError
from pipeline.forms_writer import write_form3
from pipeline.ingest.read_pdf import garbage_ratio, read_pdf, unwrap_lines


def test_read_pdf_garbage_ratio_separates_text_from_debris():
    assert garbage_ratio("场景名称：基于机器视觉的质检，漏检率下降60%。") == 0.0
    assert garbage_ratio("(cid:1234)(cid:88)(cid:9)") == 1.0
    assert garbage_ratio("。ㄋ模┩七M\ufffd\ufffd") > 0.25
    assert garbage_ratio("") == 0.0


def test_read_pdf_unwrap_joins_soft_wraps_keeps_headings():
    text = "人工智能+产业升级类应用场景：☑先进\n制造业 ☐现代农业\n一、背景及意义\n短行。\n下一行"
    out = unwrap_lines(text)
    assert "☑先进制造业" in out
    assert "\n一、背景及意义" in out and "短行。\n下一行" in out


def _scanned_pdf() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.axis("off")
    ax.plot([0, 1], [0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def test_read_pdf_page_without_text_needs_ocr():
    doc = read_pdf(_scanned_pdf(), "scan.pdf")
    assert [p.code for p in doc.problems] == ["needs_ocr"]
    assert doc.blocks == []


def test_read_pdf_garbage_page_is_retried_then_flagged(monkeypatch):
    from pipeline.ingest import read_pdf as mod

    class FakePage:
        lines, rects = [], []

        def find_tables(self):
            return []

        def extract_text(self):
            return "(cid:12)(cid:44)(cid:90)(cid:7)" * 20

        def extract_text_lines(self):
            return [{"top": 10.0, "text": self.extract_text()}]

        def flush_cache(self):
            pass

    class FakePdf:
        pages = [FakePage()]

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    import pdfplumber

    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: FakePdf())
    monkeypatch.setattr(mod, "_pdfium_text", lambda data, i: "场景名称 仍然可以读出的文字")
    doc = read_pdf(b"%PDF-fake", "x.pdf")
    assert [p.code for p in doc.problems] == ["pdf_text_retried"]
    assert doc.blocks[0].text == "场景名称 仍然可以读出的文字"
    monkeypatch.setattr(mod, "_pdfium_text", lambda data, i: "\ufffd" * 50)
    doc = read_pdf(b"%PDF-fake", "x.pdf")
    assert [p.code for p in doc.problems] == ["needs_ocr"]


def test_read_pdf_truncated_is_an_input_error(tmp_path, form3_data, to_pdf):
    write_form3(form3_data, tmp_path / "a.docx")
    data = to_pdf(tmp_path / "a.docx").read_bytes()
    with pytest.raises(InputFileError, match="损坏|no pages|没有"):
        read_pdf(data[: len(data) // 3], "cut.pdf")


def test_read_pdf_encrypted_is_an_input_error(tmp_path, form3_data, to_pdf):
    from pypdf import PdfReader, PdfWriter

    write_form3(form3_data, tmp_path / "a.docx")
    w = PdfWriter()
    for page in PdfReader(to_pdf(tmp_path / "a.docx")).pages:
        w.add_page(page)
    w.encrypt(user_password="secret")
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(InputFileError, match="加密"):
        read_pdf(buf.getvalue(), "locked.pdf")


def test_read_pdf_page_limit(tmp_path, form3_data, to_pdf):
    write_form3(form3_data, tmp_path / "a.docx")
    with pytest.raises(InputFileError, match="max_pdf_pages"):
        read_pdf(to_pdf(tmp_path / "a.docx").read_bytes(), "a.pdf", max_pages=0)
