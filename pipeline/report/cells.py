"""Spreadsheet cells that are safe to fill with submission text.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` is read by Excel and WPS as a formula
(``=HYPERLINK("http://…")``, ``@SUM(…)``, DDE payloads), and openpyxl itself stores a string
starting with ``=`` as a formula. Such text is prefixed with a single quote, as
docs/review_workbook.md specifies. Characters an XLSX file cannot hold are dropped, and text is
cut to the cell limit, so a hostile submission cannot break the workbook either.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CELL_LIMIT = 32767  # characters Excel keeps in one cell


def safe_text(text: str, limit: int = CELL_LIMIT) -> str:
    """``text`` ready for a cell: no illegal characters, never read as a formula, at most ``limit`` long."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        text = "'" + text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def safe_cell(value: object, limit: int = CELL_LIMIT) -> object:
    """Numbers, booleans and None pass through; every string goes through :func:`safe_text`."""
    if value is None or isinstance(value, (int, float)):
        return value
    return safe_text(str(value), limit)
