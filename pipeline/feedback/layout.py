"""The layout of the joint-review workbook, `review-workbook/1` (docs/review_workbook.md), as data.

The triage report writes this layout and the feedback import reads it; both follow the doc.
"""
from __future__ import annotations

LAYOUT_VERSION = "review-workbook/1"
META_SHEET = "_meta"
FIXED_SHEETS = ("说明", "检查发现", "重复与同质化", META_SHEET)
UNROUTED_SHEET = "待分办"  # the report's sheet of submissions with no unit to send them to (unit sheet layout)
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3

# Columns A–Z of a unit sheet, by title, with the key the importer uses.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "seq"),
    ("申报编号", "id"),
    ("场景名称", "name"),
    ("申报单位", "applicant"),
    ("所在城市", "city"),
    ("申报方向", "declared"),
    ("建议子方向", "suggested"),
    ("置信度", "unit_probability"),
    ("需人工分办", "route_by_hand"),
    ("预评分", "pre_score"),
    ("合规性", "pre_compliance"),
    ("创新性", "pre_innovation"),
    ("实效性", "pre_effectiveness"),
    ("示范性", "pre_demonstration"),
    ("开放性", "pre_openness"),
    ("本单位排名", "rank"),
    ("提示", "flags"),
    ("核定子方向", "final"),
    ("合规性评分", "compliance"),
    ("创新性评分", "innovation"),
    ("实效性评分", "effectiveness"),
    ("示范性评分", "demonstration"),
    ("开放性评分", "openness"),
    ("评审总分", "total"),
    ("评审结论", "decision"),
    ("评审意见", "comment"),
)
HEADER = tuple(title for title, _ in COLUMNS)
KEY_OF_TITLE = dict(COLUMNS)
# What reviewers fill in (columns R–Z); a row with any of them filled counts as reviewed.
REVIEWER_KEYS = ("final", "compliance", "innovation", "effectiveness", "demonstration", "openness", "total",
                 "decision", "comment")
SCORE_KEYS = ("compliance", "innovation", "effectiveness", "demonstration", "openness")
DECISIONS = ("推荐", "不推荐", "待定", "退回分办")
RETURNED = "退回分办"
YES, NO = "是", "否"
META_KEYS = ("layout", "round", "created", "rubric_version", "model_version", "taxonomy_version")
