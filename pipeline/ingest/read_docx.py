"""DOCX reader: paragraphs, tables (merged and nested), content controls and checkboxes.

python-docx's high-level API skips text inside content controls (w:sdt) and repeats
merged cells, so the body XML is walked directly, with python-docx only opening the package.
"""
from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from .blocks import CHECKED, UNCHECKED, Block, RawDocument

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_W14_CHECKBOX = f"{{{W14}}}checkbox"
_W14_CHECKED = f"{{{W14}}}checked"
_W14_VAL = f"{{{W14}}}val"

# Symbol-font check boxes inserted with Insert > Symbol (w:sym), by private-use code point.
_SYMBOL_BOXES = {
    "F0FE": CHECKED, "F0FD": CHECKED, "F078": CHECKED, "F052": CHECKED, "F053": CHECKED,
    "F054": CHECKED, "F0A8": UNCHECKED, "F06F": UNCHECKED, "F0A3": UNCHECKED, "F0A1": UNCHECKED,
    "F071": UNCHECKED, "F0A0": UNCHECKED,
}

_T, _TAB, _BR, _CR, _SYM = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:sym")
_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_SDT_PR, _SDT_CONTENT = qn("w:sdtPr"), qn("w:sdtContent")
_DEL_TEXT, _INSTR = qn("w:delText"), qn("w:instrText")
_V_MERGE, _TC_PR, _VAL, _CHAR = qn("w:vMerge"), qn("w:tcPr"), qn("w:val"), qn("w:char")
_FFDATA, _CHECKBOX_FF, _DEFAULT, _CHECKED_FF = qn("w:ffData"), qn("w:checkBox"), qn("w:default"), qn("w:checked")


def read_docx(data: bytes, path: str) -> RawDocument:
    doc = Document(io.BytesIO(data))
    blocks: list[Block] = []
    _walk_body(doc.element.body, blocks)
    return RawDocument(path=path, kind="docx", blocks=blocks)


def _walk_body(parent, blocks: list[Block]) -> None:
    for child in parent.iterchildren():
        if child.tag == _P:
            text = _paragraph_text(child)
            if text.strip():
                blocks.append(Block((text,)))
        elif child.tag == _TBL:
            _table_blocks(child, blocks)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk_body(content, blocks)


def _table_blocks(tbl, blocks: list[Block]) -> None:
    for tr in tbl.iterchildren(_TR):
        cells: list[str | None] = []
        nested_rows: list[Block] = []
        tcs = list(_row_cells(tr))
        for tc in tcs:
            if _continues_vertical_merge(tc):
                cells.append(None)
                continue
            parts: list[str] = []
            for child in tc.iterchildren():
                if child.tag == _P:
                    parts.append(_paragraph_text(child))
                elif child.tag == _TBL:
                    if len(tcs) == 1:  # a layout table wrapping the real form: read its rows as rows
                        _table_blocks(child, nested_rows)
                    else:
                        sub: list[Block] = []
                        _table_blocks(child, sub)
                        parts.extend(b.text for b in sub)
                elif child.tag == _SDT:
                    content = child.find(_SDT_CONTENT)
                    if content is not None:
                        parts.extend(_paragraph_text(p) for p in content.iter(_P))
            cells.append("\n".join(p for p in parts if p.strip()).strip())
        if any(c for c in cells):
            blocks.append(Block(tuple(cells), is_row=True))
        blocks.extend(nested_rows)


def _row_cells(tr):
    """Cells of a row, including those wrapped in a cell-level content control."""
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(_TC)


def _continues_vertical_merge(tc) -> bool:
    pr = tc.find(_TC_PR)
    if pr is None:
        return False
    vm = pr.find(_V_MERGE)
    return vm is not None and vm.get(_VAL) in (None, "continue")


def _paragraph_text(p) -> str:
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(el, out: list[str]) -> None:
    for child in el.iterchildren():
        tag = child.tag
        if tag == _SDT:
            box = _sdt_checkbox(child)
            if box is not None:
                out.append(box)
                continue  # the control's own glyph is display only
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _collect(content, out)
        elif tag == _T:
            out.append(child.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _SYM:
            out.append(_SYMBOL_BOXES.get((child.get(_CHAR) or "").upper(), ""))
        elif tag == _FFDATA:
            box = _legacy_checkbox(child)
            if box:
                out.append(box)
        elif tag in (_DEL_TEXT, _INSTR, _SDT_PR):
            continue  # deleted revisions and field codes are not content
        else:
            _collect(child, out)


def _sdt_checkbox(sdt) -> str | None:
    pr = sdt.find(_SDT_PR)
    if pr is None:
        return None
    box = pr.find(_W14_CHECKBOX)
    if box is None:
        return None
    checked = box.find(_W14_CHECKED)
    return CHECKED if checked is not None and checked.get(_W14_VAL) in ("1", "true") else UNCHECKED


def _legacy_checkbox(ffdata) -> str | None:
    """Old-style form-field check boxes (Word 97 FORMCHECKBOX)."""
    box = ffdata.find(_CHECKBOX_FF)
    if box is None:
        return None
    state = box.find(_CHECKED_FF)
    if state is None:
        state = box.find(_DEFAULT)
    on = state is not None and state.get(_VAL, "1") not in ("0", "false")
    return CHECKED if on else UNCHECKED
