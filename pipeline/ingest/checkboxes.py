"""Ticks in 场景领域 and 是否已开放应用, in every way applicants make them.

Readers turn Word controls and symbol-font boxes into ☑/☐; typed glyphs (☒ ■ √ ✓ [x] vs
□ [ ]) are folded here. A tick belongs to the label that follows it.
"""
from __future__ import annotations

import re

from ..records import DeclaredArea
from ..taxonomy import Taxonomy
from ..text import match_key
from .blocks import CHECKED, UNCHECKED

_CHECKED_GLYPHS = ("☑", "☒", "■", "√", "✓", "✔", "✅", "▣", "⊠", "[x]", "[X]", "[√]", "[✓]", "(x)", "(√)", "（√）", "【√】")
_UNCHECKED_GLYPHS = ("☐", "□", "[ ]", "[]", "( )", "（ ）", "【 】", "○", "▢")
_BOX = re.compile(f"([{CHECKED}{UNCHECKED}])")
_OTHER = re.compile(r"^其他\s*[（(]?\s*请注明\s*[)）]?\s*[:：]?\s*(.*)$")
_DOMAIN_HEAD = re.compile(r"(人工智能\+?\s*)?([\u4e00-\u9fff]{2,6})类(应用)?场景[:：]?")


def fold_glyphs(text: str) -> str:
    for g in _CHECKED_GLYPHS:
        text = text.replace(g, CHECKED)
    for g in _UNCHECKED_GLYPHS:
        text = text.replace(g, UNCHECKED)
    return text


def ticked_items(text: str) -> list[tuple[bool, str]]:
    """(ticked, label) for each box in the text, label = the text up to the next box or line end."""
    items: list[tuple[bool, str]] = []
    for line in fold_glyphs(text).split("\n"):
        parts = _BOX.split(line)
        for i in range(1, len(parts) - 1, 2):
            label = parts[i + 1].strip(" \t，,；;")
            items.append((parts[i] == CHECKED, label))
    return items


def parse_declared(text: str, tax: Taxonomy) -> DeclaredArea:
    """Ticked sub-areas, ticked 其他 boxes and their text; a box-less answer is matched by name."""
    folded = _rejoin_lines(fold_glyphs(text))
    subs: list[str] = []
    other_domains: list[str] = []
    other_texts: list[str] = []
    has_boxes = bool(_BOX.search(folded))
    if has_boxes:
        for line in folded.split("\n"):
            head = _DOMAIN_HEAD.search(line)
            domain = tax.find_domain(head.group(2)) if head else None
            for ticked, label in ticked_items(line):
                if not ticked:
                    continue
                m = _OTHER.match(label)
                if m:
                    other_domains.append(domain or "")
                    if m.group(1).strip():
                        other_texts.append(m.group(1).strip())
                    continue
                sid = tax.find_sub_area(label) or _prefix_sub_area(label, tax)
                if sid and sid not in subs:
                    subs.append(sid)
    else:
        for piece in re.split(r"[、,，;；/\s]+", folded):
            sid = tax.find_sub_area(piece) if piece else None
            if sid and sid not in subs:
                subs.append(sid)
    return DeclaredArea(sub_areas=tuple(subs), other_domains=tuple(d for d in other_domains),
                        other_text="；".join(other_texts), raw=text.strip())


def _rejoin_lines(text: str) -> str:
    """One line per domain: a break not followed by the next domain's heading is a wrap."""
    return re.sub(r"\n(?!\s*人工智能)", "", text)


def _prefix_sub_area(label: str, tax: Taxonomy) -> str | None:
    # "先进制造业 人工智能+社会治理类…" when a line break was lost: try the label's first words.
    key = match_key(label)
    for sa in tax.sub_areas.values():
        for name in (sa.name, *sa.aliases):
            if key.startswith(match_key(name)):
                return sa.id
    return None


def parse_open_status(text: str) -> tuple[bool | None, str]:
    """是否已开放应用: (True/False/None when neither or both ticked, the text of the ticked line)."""
    folded = fold_glyphs(text)
    yes = re.search(f"{CHECKED}\\s*是", folded)
    no = re.search(f"{CHECKED}\\s*否", folded)
    if yes and not no:
        return True, _answer_text(folded, "是")
    if no and not yes:
        return False, _answer_text(folded, "否")
    return None, re.sub(f"[{CHECKED}{UNCHECKED}]", "", folded).strip()


def _answer_text(folded: str, word: str) -> str:
    m = re.search(f"{CHECKED}\\s*{word}\\s*[:：,，]?(.*?)(?=[{CHECKED}{UNCHECKED}]\\s*[是否]|$)", folded, re.S)
    return m.group(1).strip() if m else ""
