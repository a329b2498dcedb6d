"""Drop page furniture from extracted text: page numbers and running headers/footers."""
from __future__ import annotations

import re
from collections import defaultdict

from .blocks import Block

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
                          r"page\s*\d+(?:\s*of\s*\d+)?|\d{1,3})\s*$", re.I)


def is_page_number(line: str) -> bool:
    return bool(_PAGE_NUMBER.match(line))


def drop_page_furniture(blocks: list[Block]) -> list[Block]:
    """Remove page-number lines, and short free-text lines repeated on three or more pages."""
    pages_of: dict[str, set[int]] = defaultdict(set)
    for b in blocks:
        if not b.is_row and b.page is not None:
            line = b.text.strip()
            if len(line) <= 40:
                pages_of[line].add(b.page)
    running = {line for line, pages in pages_of.items() if len(pages) >= 3}
    out = []
    for b in blocks:
        if not b.is_row and (is_page_number(b.text) or b.text.strip() in running):
            continue
        out.append(b)
    return out
