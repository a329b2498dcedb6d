"""What a human must look at, in Chinese: read from the measures, the findings, the route and the
duplicate evidence. Thresholds come from the rubric's ``flags`` section."""
from __future__ import annotations

from functools import lru_cache

import yaml

from ..config import KNOWLEDGE_DIR
from ..records import Finding, Prediction
from .indicators import Measure
from .penalties import Penalty


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    """Field key -> the form's own label (the first one listed in knowledge/form_labels.yaml)."""
    try:
        data = yaml.safe_load((KNOWLEDGE_DIR / "form_labels.yaml").read_text(encoding="utf-8")) or {}
        return {k: v[0] for k, v in (data.get("fields") or {}).items() if isinstance(v, list) and v}
    except (OSError, yaml.YAMLError):
        return {}


def sub_area_name(sid: str) -> str:
    from ..errors import ScreenError
    from ..taxonomy import load_taxonomy

    try:
        return load_taxonomy().sub_area(sid).name
    except (KeyError, ScreenError):
        return sid

MISSING_CODES = {"field_missing": "必填项", "form3_missing": "申报表(附件3)", "form4_missing": "说明表(附件4)",
                 "explanation_section_missing": "说明材料章节"}
TOO_LONG_CODES = ("effects_too_long", "explanation_too_long", "summary_too_long")


def card_flags(measures: dict[str, Measure], findings: list[Finding], prediction: Prediction | None,
               penalty: Penalty | None, thresholds: dict[str, float], *, missing_fields: tuple[str, ...] = (),
               boilerplate_share: float = 0.0, content_chars: int = 0) -> tuple[str, ...]:
    """``measures`` are keyed by rule name (the first indicator using a rule)."""
    flags: list[str] = []
    codes = {f.code for f in findings}

    if penalty is not None and penalty.flagged:
        more = f"（另有{len(penalty.reasons) - 1}条）" if len(penalty.reasons) > 1 else ""
        flags.append(f"疑似重复/同质化：{penalty.reasons[0]}{more}")  # reasons come costliest first

    q = measures.get("quantified_outcomes")
    if q is not None and q.facts.get("strong_words") and q.value <= thresholds["strong_claim_max_value"]:
        flags.append(f"强烈主张但无量化数据：{'、'.join(q.facts['strong_words'][:4])}")

    ai = measures.get("ai_core_tech")
    if ai is not None and ai.value <= thresholds["conventional_it_max_value"] and (
            ai.facts.get("it_heavy") or not ai.facts.get("families")):
        words = ai.facts.get("it_words") or ai.facts.get("generic") or []
        flags.append("常规信息化为主，AI核心技术不足" + (f"：{'、'.join(words[:4])}" if words else ""))

    if prediction is not None and prediction.disagrees_with_declared:
        declared = sub_area_name(prediction.declared) if prediction.declared else "未勾选"
        flags.append(f"申报方向与模型判断不一致：申报“{declared}”，模型判断“{prediction.sub_area_name}”"
                     f"（{prediction.probability:.0%}）")
    if prediction is not None and prediction.route_by_hand:
        flags.append(f"需人工分办：模型把握不足（责任单位置信度{prediction.unit_probability:.0%}）")

    missing = [MISSING_CODES[c] for c in MISSING_CODES if c in codes]
    labels = field_labels()
    fields = [labels.get(k, k) for k in ([f.field for f in findings if f.code == "field_missing" and f.field]
                                         or list(missing_fields))]
    if missing or missing_fields:
        detail = "、".join(dict.fromkeys([m for m in missing if m != "必填项"] + fields)) or "必填项"
        flags.append(f"必填项缺失：{detail}")

    f = measures.get("funding")
    if f is not None and not f.facts.get("stated", True):
        flags.append("资金投入未说明")
    if "authority_mismatch" in codes:
        flags.append("主管部门与申报方向不一致")
    too_long = [x.message for x in findings if x.code in TOO_LONG_CODES]
    if too_long:
        flags.append("超出字数限制：" + too_long[0])

    checks = measures.get("form_checks")
    if checks is not None and checks.facts.get("pii"):
        flags.append("含个人敏感信息（手机号/身份证号），需脱敏")
    if checks is not None and checks.facts.get("markup"):
        flags.append("字段含脚本、标签或公式，需核对原件")

    if boilerplate_share >= thresholds["boilerplate_share"]:
        flags.append(f"政策套话较多：{boilerplate_share:.0%}的句子不含具体内容")
    if content_chars < thresholds["min_content_chars"]:
        flags.append(f"可评分内容过少（{content_chars}字），需人工阅读")
    return tuple(flags)
