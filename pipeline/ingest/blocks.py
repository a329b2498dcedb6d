"""What a reader produces: the document as an ordered list of blocks.

A block is a paragraph (one cell) or a table row (several cells). Checkboxes of every
kind (glyphs, Wingdings symbols, Word content controls) are rendered by the readers as
☑ / ☐ so the field extractor sees one convention. A cell continuing a vertical merge is
``None``: its text was already given in the row above.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CHECKED = "☑"
UNCHECKED = "☐"


@dataclass(frozen=True)
class Block:
    cells: tuple[str | None, ...]
    is_row: bool = False
    page: int | None = None

    @property
    def text(self) -> str:
        return " ".join(c for c in self.cells if c)


@dataclass(frozen=True)
class PageProblem:
    """A page whose text could not be read reliably (e.g. needs OCR)."""

    page: int
    code: str
    detail: str


@dataclass
class RawDocument:
    path: str
    kind: str  # docx, pdf, xlsx, csv, txt
    blocks: list[Block] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    rows: list[dict[str, str]] | None = None  # for spreadsheets: one dict per data row
    header_row: int | None = None  # 1-based row of the header found in a spreadsheet
