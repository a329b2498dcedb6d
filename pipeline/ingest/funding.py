"""Funding amounts stated in a submission (建设方案与实施路径（含资金投入情况）), in 万元."""
from __future__ import annotations

import re

_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(亿元|亿|万元|万|元)")
_MONEY_WORDS = ("投资", "投入", "资金", "经费", "预算", "出资", "拨款", "补助", "融资", "费用", "金额", "资助", "采购")
_TOTAL_WORDS = ("总投资", "总投入", "总预算", "合计", "共计", "累计投入", "累计投资", "计划投资", "总金额", "总计")
_SCALE = {"亿元": 10000.0, "亿": 10000.0, "万元": 1.0, "万": 1.0, "元": 1e-4}


def funding_mentions(text: str) -> list[tuple[float, str, bool]]:
    """(amount in 万元, the phrase, whether it reads as a total) for money near a funding word."""
    out = []
    for m in _AMOUNT.finditer(text or ""):
        before = text[max(0, m.start() - 24):m.start()]
        if not any(w in before for w in _MONEY_WORDS):
            continue
        value = float(m.group(1).replace(",", "")) * _SCALE[m.group(2)]
        sentence_start = max(before.rfind("。"), before.rfind("；"), before.rfind("\n"))
        phrase = (before[sentence_start + 1:] + m.group(0)).strip()
        out.append((value, phrase, any(w in before for w in _TOTAL_WORDS)))
    return out


def total_funding(text: str) -> tuple[float | None, list[str]]:
    mentions = funding_mentions(text)
    if not mentions:
        return None, []
    totals = [v for v, _, is_total in mentions if is_total]
    value = max(totals) if totals else max(v for v, _, _ in mentions)
    return round(value, 2), [p for _, p, _ in mentions]
