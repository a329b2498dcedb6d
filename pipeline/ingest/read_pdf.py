"""PDF reader: tables and text of text PDFs, with a garbage check per page.

pdfplumber gives table structure (needed to pair a form's labels with their values) but is
slow, so it only looks for tables on pages that have ruling lines; other pages take the
plain text from pypdfium2. A page whose text layer is garbage ((cid:NN), U+FFFD, mojibake
from SimSun/GBK-EUC fonts) is retried with pypdfium2 and reported as needing OCR when still
unreadable.
"""
from __future__ import annotations

import io
import re

from ..errors import InputFileError
from .blocks import Block, PageProblem, RawDocument

_CID = re.compile(r"\(cid:\d+\)")
# Characters a Chinese form legitimately contains: CJK, ASCII, common punctuation and boxes.
_OK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2010-\u206f"
                 r"\u2190-\u21ff\u2460-\u24ff\u25a0-\u25ff\u2600-\u27bf\x20-\x7e\s·×÷°±]")


def garbage_ratio(text: str) -> float:
    """Share of characters that are not plausible in a Chinese form's text layer."""
    if not text or not text.strip():
        return 0.0
    cid_chars = sum(len(m) for m in _CID.findall(text))
    rest = _CID.sub("", text)
    bad = sum(1 for ch in rest if not _OK.match(ch)) + rest.count("\ufffd")
    total = cid_chars + len(rest)
    return (cid_chars + bad) / total if total else 0.0


def read_pdf(data: bytes, path: str, *, max_pages: int = 60, garbage_threshold: float = 0.25) -> RawDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps pdfminer's many error types
        if _caused_by(exc, PDFPasswordIncorrect) or "password" in repr(exc).lower() or "encrypt" in repr(exc).lower():
            raise InputFileError(path, "PDF 已加密，无法读取 (encrypted PDF: remove the password and resubmit)") from None
        raise InputFileError(path, f"PDF 文件损坏或不完整 (corrupt or truncated PDF: "
                                   f"{type(_root(exc)).__name__})") from None
    doc = RawDocument(path=path, kind="pdf")
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise InputFileError(path, f"PDF 文件损坏或不完整 (corrupt PDF: {type(exc).__name__})") from None
        if len(pages) == 0:
            raise InputFileError(path, "PDF 没有页面 (the PDF has no pages)")
        if len(pages) > max_pages:
            raise InputFileError(path, f"PDF 共 {len(pages)} 页，超过上限 {max_pages} 页 (too many pages; raise ingest.max_pdf_pages)")
        for number, page in enumerate(pages, start=1):
            try:
                _read_page(page, number, data, doc, garbage_threshold)
            except InputFileError:
                raise
            except Exception as exc:
                doc.problems.append(PageProblem(number, "page_unreadable", f"第{number}页无法解析: {type(exc).__name__}"))
            finally:
                page.flush_cache()
    return doc


def _root(exc: BaseException) -> BaseException:
    while True:
        inner = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException)
                                                     else None)
        if inner is None or inner is exc:
            return exc
        exc = inner


def _caused_by(exc: BaseException, kind: type) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException)
                                                   else None)
        seen += 1
    return False


def _read_page(page, number: int, data: bytes, doc: RawDocument, threshold: float) -> None:
    tables = page.find_tables() if (page.lines or page.rects) else []
    outside = page
    for t in tables:
        outside = outside.outside_bbox(t.bbox)
    lines = [(w["top"], w["text"]) for w in outside.extract_text_lines()]
    free_text = "\n".join(text for _, text in lines)
    table_rows = [(t.bbox[1], t.extract()) for t in tables]
    all_text = free_text + "".join(str(c) for _, rows in table_rows for r in rows for c in r if c)
    ratio = garbage_ratio(all_text)
    if ratio > threshold:
        retry = _pdfium_text(data, number - 1)
        if garbage_ratio(retry) <= threshold and retry.strip():
            doc.problems.append(PageProblem(number, "pdf_text_retried",
                                            f"第{number}页文本层乱码({ratio:.0%})，已改用第二种提取器"))
            doc.blocks.extend(Block((line,), page=number) for line in retry.splitlines() if line.strip())
        else:
            doc.problems.append(PageProblem(number, "needs_ocr",
                                            f"第{number}页文本层无法识别(乱码占比 {ratio:.0%})，需要 OCR 或人工核对"))
        return
    if not all_text.strip():
        doc.problems.append(PageProblem(number, "needs_ocr", f"第{number}页没有文本层(可能是扫描件)，需要 OCR"))
        return
    # Free text above the first table, then tables in reading order with text between them.
    items: list[tuple[float, Block]] = [(top, Block((text,), page=number)) for top, text in lines]
    for top, rows in table_rows:
        for i, row in enumerate(rows):
            cells = tuple(_clean_cell(c) for c in row)
            if any(cells):
                items.append((top + i * 1e-3, Block(cells, is_row=True, page=number)))
    items.sort(key=lambda it: it[0])
    doc.blocks.extend(b for _, b in items)


def _clean_cell(cell: str | None) -> str | None:
    # pdfplumber gives None for the covered part of a merged cell, like our DOCX reader.
    return None if cell is None else unwrap_lines(cell.strip())


_HARD_END = tuple("。；;：:！!？?")
_STARTS_BLOCK = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十]+[、.．)）]|\d+[、.．)）]|[（(]\d+[)）]|[☐☑☒□■√✓✔]|[①-⑩])")


def unwrap_lines(text: str) -> str:
    """Join a cell's soft-wrapped lines; keep breaks after sentence ends and before headings.

    A line that fills the cell's width was wrapped by the layout, not by the writer.
    """
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    width = max(_display_width(line) for line in lines)
    out = [lines[0]]
    last_width = _display_width(lines[0])
    for line in lines[1:]:
        prev = out[-1]
        soft = last_width >= 0.8 * width and not prev.rstrip().endswith(_HARD_END)
        last_width = _display_width(line)
        if soft and not _STARTS_BLOCK.match(line):
            out[-1] = prev + line
        else:
            out.append(line)
    return "\n".join(out)


def _display_width(line: str) -> int:
    """Width in half-width cells: a CJK character takes two, as on the page."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line.rstrip())


def _pdfium_text(data: bytes, index: int) -> str:
    try:
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return pdf[index].get_textpage().get_text_range()
        finally:
            pdf.close()
    except Exception:
        return ""
