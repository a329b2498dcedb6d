"""Masking of personal numbers in report text: mobile phones, landlines and ID numbers.

Applicants sometimes write a contact's mobile, office phone or 身份证号 into a form field. The
report, its JSON and the workbook travel between departments, so these numbers are masked
unless ``report.show_pii`` is true. Masking keeps the shape (the same length, the separators,
a few leading and trailing digits) so a reviewer still sees that a number was there.
"""
from __future__ import annotations

import re
from typing import Any

# 18-character resident ID number: 17 digits and a digit or X. Not part of a longer number.
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Mainland mobile: 1[3-9] and 9 digits, optionally +86 / 86 before it and spaces or hyphens
# between the 3-4-4 groups (139 0573 3321, 139-0573-3321).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")
# Landline: area code 0 + 2–3 digits, in brackets or followed by a hyphen or space, then 7–8
# digits, optionally an extension (0571-87054876, (0571)87054876, 0571 87054876-8021).
_LANDLINE = re.compile(
    r"(?<!\d)(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-－—\s])\d{7,8}(?:[-－转]\d{1,5})?(?!\d)")
# A landline written without a separator (057187054876) is told from other numbers by the word
# before it.
_LANDLINE_BARE = re.compile(r"((?:电话|座机|传真|热线|联系方式|[Tt]el|TEL)[^\d\n]{0,4})(0\d{9,11})(?!\d)")
# Keys whose values are identifiers (submission ids are hashes and may look like numbers).
IDENTIFIER_KEYS = frozenset({"id", "submission_id", "a_id", "b_id", "other_id", "past_id", "original_id"})


def _keep(text: str, head: int, tail: int) -> str:
    """Replace the digits of ``text`` by ``*`` except the first ``head`` and last ``tail``."""
    positions = [i for i, c in enumerate(text) if c.isdigit() or c in "Xx"]
    hide = set(positions[head:len(positions) - tail]) if len(positions) > head + tail else set(positions)
    return "".join("*" if i in hide else c for i, c in enumerate(text))


def _mask_id(m: re.Match) -> str:
    return _keep(m.group(0), 6, 4)  # region code and the last four, as Chinese portals show IDs


def _mask_mobile(m: re.Match) -> str:
    text = m.group(0)
    digits = sum(c.isdigit() for c in text)
    return _keep(text, digits - 8, 4)  # 139****3321 (+86 kept as written)


def _mask_landline(m: re.Match) -> str:
    text = m.group(0)
    area = re.match(r"[(（]?0\d{2,3}", text)
    head = sum(c.isdigit() for c in area.group(0)) if area else 0
    return _keep(text, head, 4)  # 0571-****4876


def mask_pii(text: str) -> str:
    """The text with ID numbers, mobiles and landlines masked; everything else unchanged."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = _ID.sub(_mask_id, text)
    text = _MOBILE.sub(_mask_mobile, text)
    text = _LANDLINE.sub(_mask_landline, text)
    # 010 and 02x are three-digit area codes, the others four.
    return _LANDLINE_BARE.sub(lambda m: m.group(1) + _keep(m.group(2), 3 if m.group(2)[1] in "12" else 4, 4), text)


def mask_tree(value: Any) -> Any:
    """Every string inside ``value`` (dicts, lists, tuples, nested) masked; keys, and the values of
    identifier keys (``IDENTIFIER_KEYS``), kept as they are."""
    if isinstance(value, str):
        return mask_pii(value)
    if isinstance(value, dict):
        return {k: v if k in IDENTIFIER_KEYS else mask_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_tree(v) for v in value)
    return value
