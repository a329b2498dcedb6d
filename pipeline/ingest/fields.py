"""From a document's blocks to form parts: the fields of an application form (附件3),
an explanation form (附件4) or a summary-table row (附件2), as written.

A label is recognised in its own table cell, before a colon, or as a heading line; the text
that follows belongs to it until the next label. One file may hold both forms; a title line
(…申报表 / …说明表) starts a new part.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..records import FormKind
from .blocks import Block, RawDocument
from .labels import FormLabels

_FORM3_ONLY = {"applicant", "domain", "goals", "foundation", "open_status", "effects", "problems", "next_steps"}
_FORM4_ONLY = {"owner", "explanation", "background", "plan", "targets"}


@dataclass
class FormPart:
    path: str
    form: FormKind = "unknown"
    values: dict[str, list[str]] = field(default_factory=dict)
    row: int | None = None

    def add(self, key: str, text: str) -> None:
        if text and text.strip():
            self.values.setdefault(key, []).append(text.strip())
        else:
            self.values.setdefault(key, [])

    def raw(self, key: str) -> str:
        return "\n".join(self.values.get(key, []))

    def infer_form(self) -> FormKind:
        if self.form != "unknown":
            return self.form
        keys = set(self.values)
        if keys & _FORM4_ONLY and not keys & _FORM3_ONLY:
            return "form4"
        if keys & _FORM3_ONLY:
            return "form3"
        return "text"


class _Builder:
    def __init__(self, path: str, labels: FormLabels):
        self.labels = labels
        self.path = path
        self.parts: list[FormPart] = [FormPart(path)]
        self.current: str | None = None

    @property
    def part(self) -> FormPart:
        return self.parts[-1]

    def new_part(self, form: FormKind) -> None:
        if self.part.values:
            self.parts.append(FormPart(self.path, form=form))
        else:
            self.part.form = form
        self.current = None

    def line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        form = self.labels.form_of_title(line) if len(line) <= 40 else None
        if form and self.labels.split_inline(line) is None:
            self.new_part(form)
            return
        split = self.labels.split_inline(line)
        if split:
            key, rest = split
            if key == "name" and self.part.values.get("name") and self._part_has_content():
                self.new_part("unknown")  # a second form in the same file without a title
            self.current = key
            self.part.add(key, rest)
        elif self.current:
            self.part.add(self.current, line)

    def _part_has_content(self) -> bool:
        return any(self.part.values.get(k) for k in self.part.values if k not in ("name", "seq"))

    def text(self, text: str) -> None:
        for line in text.split("\n"):
            self.line(line)

    def row(self, cells: tuple[str | None, ...]) -> None:
        if cells and not cells[0] and any(cells[1:]):
            # The label cell is merged from the row above: the row continues that field.
            for c in cells[1:]:
                if c:
                    self.text(c)
            return
        i = 0
        matched_any = False
        while i < len(cells):
            cell = cells[i]
            key = self.labels.match(cell) if cell else None
            if key is None and cell and ("\n" in cell or len(cell) > 30):
                split = self.labels.split_inline(cell.split("\n")[0])
                if split and i == 0:
                    # A label sharing its cell with the text, e.g. "说明材料\n一、背景及意义…".
                    self.text(cell)
                    matched_any = True
                    i += 1
                    continue
            if key:
                matched_any = True
                if key == "name" and self.part.values.get("name") and self._part_has_content():
                    self.new_part("unknown")
                self.current = key
                self.part.add(key, "")
                j = i + 1
                while j < len(cells) and not (cells[j] and self.labels.match(cells[j])):
                    if cells[j]:
                        self.text(cells[j])
                    j += 1
                i = j
            else:
                if cell:
                    self.text(cell)
                i += 1
        if not matched_any:
            return


def document_to_parts(doc: RawDocument, labels: FormLabels) -> list[FormPart]:
    if doc.rows is not None:
        parts = []
        for n, row in enumerate(doc.rows, start=1):
            part = FormPart(doc.path, form="summary", row=n)
            for key, value in row.items():
                part.add(key, value)
            parts.append(part)
        return parts
    parts = _build(doc.blocks, doc.path, labels)
    if sum(len(p.values) for p in parts) < 3:
        # Table structure lost (e.g. a .doc converted by an old filter): labels run into values.
        flat = [Block((_split_run_together(b.text, labels),)) for b in doc.blocks]
        retry = _build(flat, doc.path, labels)
        if sum(len(p.values) for p in retry) > sum(len(p.values) for p in parts):
            parts = retry
    return parts


def _build(blocks: list[Block], path: str, labels: FormLabels) -> list[FormPart]:
    b = _Builder(path, labels)
    for block in blocks:
        if block.is_row:
            b.row(block.cells)
        else:
            b.text(block.text)
    parts = [p for p in b.parts if p.values]
    for p in parts:
        p.form = p.infer_form()
    return parts


def _split_run_together(text: str, labels: FormLabels) -> str:
    """Put each canonical label (four characters or more) on a line of its own."""
    import re

    words = sorted({w for w in labels.canonical if len(w) >= 4}, key=len, reverse=True)
    if not words:
        return text
    pattern = re.compile("(" + "|".join(map(re.escape, words)) + ")")
    return pattern.sub(lambda m: "\n" + m.group(1) + "\n", text)


def block_lines(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in blocks)
