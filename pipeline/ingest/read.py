"""Read one input file into form parts; runs in worker processes."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..config import IngestSettings
from ..errors import InputFileError
from .blocks import PageProblem
from .clean import drop_page_furniture
from .convert_legacy import convert_to_docx
from .discover import InputFile
from .fields import FormPart, document_to_parts
from .labels import load_form_labels
from .read_docx import read_docx
from .read_pdf import read_pdf
from .read_sheet import read_csv, read_xls, read_xlsx
from .read_text import read_text


@dataclass
class ParsedFile:
    path: str
    kind: str
    size: int
    sha256: str
    parts: list[FormPart] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    error: str | None = None
    note: str = ""


def parse_input(f: InputFile, settings: IngestSettings) -> ParsedFile:
    import hashlib

    result = ParsedFile(f.path, f.kind, len(f.data), hashlib.sha256(f.data).hexdigest())
    if f.kind != f.named_kind and f.named_kind not in ("", "md") and not (f.kind == "xlsx" and f.named_kind == "xlsm"):
        result.note = f"文件扩展名 .{f.named_kind} 与实际类型 {f.kind} 不符，已按 {f.kind} 读取"
    try:
        doc = _read(f, settings)
        labels = load_form_labels(settings.form_labels)
        doc.blocks = drop_page_furniture(doc.blocks)
        result.parts = document_to_parts(doc, labels)
        result.problems = doc.problems
        if not result.parts:
            # A readable file that holds no form is reported, so it cannot vanish from the batch.
            needs_ocr = any(p.code == "needs_ocr" for p in doc.problems)
            result.error = ("文本层无法识别，需要 OCR (no readable text: scanned or garbled PDF)" if needs_ocr
                            else "文件中未找到申报表、说明表或汇总表的字段 (no form fields found)")
    except InputFileError as exc:
        result.error = exc.reason
    except Exception as exc:  # a damaged file must not stop the batch
        result.error = f"文件损坏或无法解析 ({type(exc).__name__}: {str(exc)[:120]})"
    return result


def _read(f: InputFile, s: IngestSettings):
    from .labels import load_form_labels

    match = load_form_labels(s.form_labels).match
    kind = f.kind
    if kind == "encrypted-office":
        raise InputFileError(f.path, "文件已加密(设置了打开密码)，无法读取 (encrypted Office file: remove the password)")
    if kind == "docx":
        try:
            return read_docx(f.data, f.path)
        except Exception as exc:
            raise InputFileError(f.path, f"Word 文件损坏或不完整 (corrupt DOCX: {type(exc).__name__})") from None
    if kind in ("doc", "wps"):
        return read_docx(convert_to_docx(f.data, f.path, soffice=s.libreoffice, timeout=s.convert_timeout_s), f.path)
    if kind == "pdf":
        return read_pdf(f.data, f.path, max_pages=s.max_pdf_pages, garbage_threshold=s.garbage_ratio)
    if kind in ("xlsx", "xlsm"):
        return read_xlsx(f.data, f.path, match)
    if kind == "xls":
        return read_xls(f.data, f.path, match)
    if kind == "csv":
        return read_csv(f.data, f.path, match)
    if kind in ("txt", "md"):
        return read_text(f.data, f.path)
    raise InputFileError(f.path, f"不支持的文件类型 ({kind})")
