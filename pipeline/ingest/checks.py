"""Checks from the notice's rules, each a named finding with a severity and its evidence.

Codes are stable identifiers (used by the report, the scoring stage and tests); messages are
Chinese, for reviewers.
"""
from __future__ import annotations

from ..config import IngestSettings
from ..records import Finding, Submission
from ..taxonomy import Taxonomy
from ..text import char_len
from .labels import FormLabels

FIELD_NAMES_ZH = {
    "name": "场景名称", "applicant": "申报单位", "owner": "业主单位", "location": "所在地点", "authority": "主管部门",
    "domain": "场景领域", "goals": "场景建设目标", "foundation": "现有建设基础", "open_status": "是否已开放应用",
    "effects": "主要成效", "problems": "仍存在的问题", "next_steps": "下步重点工作", "background": "背景及意义",
    "plan": "建设方案与实施路径", "targets": "总体目标与预期成果", "summary": "场景说明", "remarks": "备注",
}
_EXPLANATION = ("background", "plan", "targets")
_REQUIRED_SEVERITY = {"problems": "warning", "next_steps": "warning", "owner": "warning"}


def _excerpt(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


def missing_fields(sub: Submission, labels: FormLabels) -> list[str]:
    missing = []
    forms = [f for f in ("form3", "form4", "summary") if sub.has_form(f)]
    for form in forms:
        for key in labels.required.get(form, ()):
            if key == "applicant" and sub.applicant:
                continue
            if not (sub.original.get(key) or "").strip() and key not in missing:
                missing.append(key)
    return missing


def check_submission(sub: Submission, labels: FormLabels, tax: Taxonomy, s: IngestSettings) -> list[Finding]:
    out: list[Finding] = []

    def add(code, severity, message, field=None, evidence=""):
        out.append(Finding(code=code, severity=severity, message=message, submission_id=sub.id,
                           path=sub.sources[0].path if sub.sources else None, field=field, evidence=evidence))

    for key in missing_fields(sub, labels):
        add("field_missing", _REQUIRED_SEVERITY.get(key, "error"),
            f"必填项“{FIELD_NAMES_ZH.get(key, key)}”缺失或为空", field=key)

    has3, has4 = sub.has_form("form3"), sub.has_form("form4")
    if has3 and not has4:
        add("form4_missing", "warning", "缺少《人工智能+典型应用场景说明表》(附件4)")
    if has4 and not has3:
        add("form3_missing", "warning", "缺少《人工智能+典型应用场景申报表》(附件3)")

    effects = sub.original.get("effects", "")
    if char_len(effects) > s.effects_max_chars:
        add("effects_too_long", "warning",
            f"主要成效 {char_len(effects)} 字，超过 {s.effects_max_chars} 字限制", field="effects",
            evidence=_excerpt(effects))
    if has4:
        total = sum(char_len(sub.original.get(k, "")) for k in _EXPLANATION)
        if total > s.explanation_max_chars:
            add("explanation_too_long", "warning",
                f"说明材料共 {total} 字，超过 {s.explanation_max_chars} 字限制", field="plan")
        for key in _EXPLANATION:
            if not sub.original.get(key, "").strip() and key not in missing_fields(sub, labels):
                add("explanation_section_missing", "error", f"说明材料缺少“{FIELD_NAMES_ZH[key]}”部分", field=key)
    summary = sub.original.get("summary", "")
    if char_len(summary) > s.summary_max_chars:
        add("summary_too_long", "warning",
            f"汇总表场景说明 {char_len(summary)} 字，超过 {s.summary_max_chars} 字限制", field="summary",
            evidence=_excerpt(summary))

    declared = sub.declared
    if has3 or declared.raw:
        n = len(declared.sub_areas) + len(declared.other_domains)
        if n == 0:
            add("no_sub_area", "error", "场景领域未勾选任何方向", field="domain", evidence=_excerpt(declared.raw))
        elif n > 1:
            names = [tax.sub_area(s_).name for s_ in declared.sub_areas] + (["其他"] * len(declared.other_domains))
            add("several_sub_areas", "warning", f"场景领域勾选了多个方向：{'、'.join(names)}", field="domain",
                evidence=_excerpt(declared.raw))
        if declared.other_domains:
            add("other_sub_area", "info", f"勾选“其他”，注明：{declared.other_text or '(未注明)'}", field="domain",
                evidence=declared.other_text)
    if has3 and sub.is_open is None:
        add("open_status_unclear", "warning", "“是否已开放应用”未勾选“是”或“否”", field="open_status")

    if has4 and sub.funding_wan is None:
        add("funding_not_stated", "warning", "说明材料未写明资金投入情况", field="plan")

    _check_authority(sub, tax, add)
    return out


def _declared_sub_area(sub: Submission, tax: Taxonomy) -> str | None:
    d = sub.declared
    if len(d.sub_areas) == 1 and not d.other_domains:
        return d.sub_areas[0]
    if not d.sub_areas and len(d.other_domains) == 1 and d.other_text:
        # The form has no 智慧交通 box: "其他（请注明）：智慧交通" names a real sub-area.
        return tax.find_sub_area(d.other_text)
    return None


def _check_authority(sub: Submission, tax: Taxonomy, add) -> None:
    sid = _declared_sub_area(sub, tax)
    if not sid or not sub.authority:
        return
    expected = tax.unit_of(sid)
    declared_unit = tax.find_unit(sub.authority)
    if declared_unit != expected.id:
        add("authority_mismatch", "warning",
            f"主管部门“{sub.authority}”与所选方向“{tax.sub_area(sid).name}”的责任单位“{expected.name}”不一致",
            field="authority", evidence=sub.authority)
