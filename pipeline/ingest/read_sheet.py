"""Summary tables (附件2) from XLSX, XLS and CSV: one record per data row.

The header row is found by its labels, even under a title row ("人工智能+典型应用场景汇总表")
or a note; CSV may be GBK/GB18030 as often as UTF-8.
"""
from __future__ import annotations

import csv
import io

from ..errors import InputFileError
from .blocks import RawDocument
from ..text import decode_text

_MAX_HEADER_SCAN = 15


def read_xlsx(data: bytes, path: str, match_label) -> RawDocument:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InputFileError(path, f"Excel 文件损坏或已加密 (cannot open workbook: {type(exc).__name__})") from None
    try:
        sheets = [[["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
                  for ws in wb.worksheets]
    finally:
        wb.close()
    return _rows_to_doc(sheets, path, "xlsx", match_label)


def read_xls(data: bytes, path: str, match_label) -> RawDocument:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:
        raise InputFileError(path, f"XLS 文件损坏或已加密 (cannot open workbook: {type(exc).__name__})") from None
    sheets = [[[_xls_cell(v) for v in sh.row_values(r)] for r in range(sh.nrows)] for sh in book.sheets()]
    return _rows_to_doc(sheets, path, "xls", match_label)


def _xls_cell(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def read_csv(data: bytes, path: str, match_label) -> RawDocument:
    text, _ = decode_text(data, path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect)]
    return _rows_to_doc([rows], path, "csv", match_label)


def _rows_to_doc(sheets: list[list[list[str]]], path: str, kind: str, match_label) -> RawDocument:
    for rows in sheets:
        found = _find_header(rows, match_label)
        if found is None:
            continue
        index, columns = found
        records = []
        for row in rows[index + 1:]:
            values = {key: (row[i].strip() if i < len(row) and row[i] else "") for i, key in columns.items()}
            content = {k: v for k, v in values.items() if k != "seq" and v}
            if not content or _is_note_row(row):
                continue
            records.append(values)
        return RawDocument(path=path, kind=kind, rows=records, header_row=index + 1)
    raise InputFileError(path, "未找到汇总表表头(需要包含“场景名称”等列) (no header row with 场景名称 found)")


def _find_header(rows: list[list[str]], match_label) -> tuple[int, dict[int, str]] | None:
    for i, row in enumerate(rows[:_MAX_HEADER_SCAN]):
        columns = {}
        for j, cell in enumerate(row):
            key = match_label(cell) if cell else None
            if key and key not in columns.values():
                columns[j] = key
        if "name" in columns.values() and len(columns) >= 3:
            return i, columns
    return None


def _is_note_row(row: list[str]) -> bool:
    first = next((c for c in row if c and c.strip()), "")
    return first.strip().startswith(("注：", "注:", "备注：", "说明："))
