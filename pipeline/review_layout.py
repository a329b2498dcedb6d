"""The layout of the joint-review workbook, `review-workbook/1` (docs/review_workbook.md), as data.

The triage report (pipeline/report/) writes this layout and the feedback import (pipeline/feedback/)
reads it; both take it from here and both follow the doc. Change it only together with the doc.
"""
from __future__ import annotations

LAYOUT_VERSION = "review-workbook/1"

# Sheets.
INSTRUCTIONS_SHEET = "说明"
FINDINGS_SHEET = "检查发现"
DUPLICATES_SHEET = "重复与同质化"
META_SHEET = "_meta"  # hidden; key/value rows, see META_KEYS
FIXED_SHEETS = (INSTRUCTIONS_SHEET, FINDINGS_SHEET, DUPLICATES_SHEET, META_SHEET)
UNROUTED_SHEET = "待分办"  # submissions with no unit to send them to (unit sheet layout)

# Rows of a unit sheet.
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
HEADER = tuple(title for title, _ in COLUMNS)  # A–Z
KEY_OF_TITLE = dict(COLUMNS)
# What reviewers fill in (columns R–Z); a row with any of them filled counts as reviewed.
REVIEWER_KEYS = ("final", "compliance", "innovation", "effectiveness", "demonstration", "openness", "total",
                 "decision", "comment")
SCORE_KEYS = ("compliance", "innovation", "effectiveness", "demonstration", "openness")
REPORT_COLUMNS = tuple(title for title, key in COLUMNS if key not in REVIEWER_KEYS)  # A–Q, written by the report
REVIEWER_COLUMNS = tuple(title for title, key in COLUMNS if key in REVIEWER_KEYS)  # R–Z, left to the reviewers

DECISIONS = ("推荐", "不推荐", "待定", "退回分办")
RETURNED = "退回分办"
YES, NO = "是", "否"

# Columns of the other sheets.
FINDINGS_COLUMNS = ("申报编号", "场景名称", "代码", "级别", "说明", "证据", "字段", "文件")
DUPLICATES_COLUMNS = ("类型", "编号", "申报编号", "场景名称", "对应申报编号", "对应场景名称", "相似度", "类别", "说明")

META_KEYS = ("layout", "round", "created", "rubric_version", "model_version", "taxonomy_version")
