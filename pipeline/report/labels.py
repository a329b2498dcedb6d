"""Chinese names the report shows for the codes of the records (kinds, severities, fields, flags)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..config import KNOWLEDGE_DIR

SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
PAIR_KIND = {"exact": "完全相同", "light_edit": "轻度改写", "paraphrase": "同义改写", "template": "同一模板"}
PAIR_SCOPE = {"whole": "全文", "section": "部分段落"}
DETECTOR = {"exact": "完全匹配", "minhash": "文本指纹", "semantic": "语义相似", "section": "段落比对"}
HISTORY_KIND = {
    "resubmits_selected": "往届已入选场景再次申报",
    "copies_selected": "与往届入选场景高度相似",
    "resubmits": "往届申报过的场景",
}
# The five basic conditions of the notice (三、（二）), in the order of the workbook's columns K–O.
CONDITIONS = (
    ("compliance", "合规性"),
    ("innovation", "创新性"),
    ("effectiveness", "实效性"),
    ("demonstration", "示范性"),
    ("openness", "开放性"),
)
# Fields shown in the header of a card rather than among its texts.
HEADER_FIELDS = ("name", "applicant", "owner", "location", "authority", "domain", "seq")
# Labels of fields that form_labels.yaml does not name (read from plain id,text files).
EXTRA_FIELD_LABELS = {"text": "场景描述"}

# What a reviewer must look at, by flag code (the filter of the table and column Q of the workbook).
FLAGS = {
    "route_by_hand": "需人工分办",
    "unclassified": "未分类",
    "declared_mismatch": "申报方向与建议不一致",
    "duplicate": "疑似重复",
    "cluster": "同质化",
    "history": "与往届重复",
    "error": "有错误级检查发现",
    "warning": "有警告级检查发现",
    "unscored": "未评分",
}

DISCLAIMER = ("本报告由系统根据申报材料文本自动生成。分办建议、检查发现、查重结果和预评分均为辅助参考，"
              "不构成评审结论；是否推荐以部门联审专家的评审意见为准。")
SCORE_NOTE = "预评分是系统依据申报文本对五项基本条件给出的参考分，仅供联审专家参考，不代替专家评分。"


@lru_cache(maxsize=4)
def field_labels(form_labels: str = "form_labels.yaml") -> dict[str, str]:
    """Field key → the form's own label (the first label of knowledge/form_labels.yaml)."""
    path = Path(form_labels) if Path(form_labels).is_absolute() else KNOWLEDGE_DIR / form_labels
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    labels = {k: v[0] for k, v in (data.get("fields") or {}).items() if isinstance(v, list) and v}
    return {**EXTRA_FIELD_LABELS, **labels}
