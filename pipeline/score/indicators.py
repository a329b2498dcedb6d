"""The rules of the rubric: one function per rule, from a submission to a measure in [0, 1]
with the text that shows it.

A rule reads the submission's concrete sentences (``passages.passages``: boilerplate dropped,
each marked as a result, a plan or context) and the words of knowledge/score_terms.yaml; its
numeric knobs come from the rubric's ``params`` (defaults below). It returns a ``Measure``: the
value, the hits behind it (turned into ≤ 80-character snippets by the scorecard), a note in
Chinese and a few facts the flags read. Rules never see each other or the weights.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

from ..records import Finding, Submission
from .passages import Hit, Passage, clauses, find_markup, find_pii, find_words, hits, mask_pii
from .terms import ScoreTerms


@dataclass(frozen=True)
class Context:
    """What a rule may read about one submission."""

    sub: Submission
    terms: ScoreTerms
    items: list[Passage]  # concrete sentences (boilerplate dropped)
    findings: list[Finding] = field(default_factory=list)  # of this submission

    def of_kind(self, *kinds: str) -> list[Passage]:
        return [p for p in self.items if p.kind in kinds]


@dataclass
class Measure:
    value: float
    hits: list[Hit] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # evidence that is not a span of the text (findings)
    note: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSpec:
    fn: Callable[[Context, dict[str, Any]], Measure]
    defaults: dict[str, Any]
    summary: str


RULES: dict[str, RuleSpec] = {}


def rule(name: str, summary: str, **defaults: Any):
    def register(fn):
        RULES[name] = RuleSpec(fn, defaults, summary)
        return fn

    return register


def _sat(n: float, saturate: float) -> float:
    return 1.0 if saturate <= 0 else min(1.0, n / saturate)


def _clip(x: float) -> float:
    return max(0.0, min(1.0, round(x, 4)))


def _names(words) -> str:
    return "、".join(list(dict.fromkeys(words))[:8])


# --- patterns built from the word lists (cached per loaded terms file) ------------------------

_NUM = r"\d+(?:\.\d+)?(?:万|亿)?"
_STOP = r"，,。；;：:！？!?\n"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(terms: ScoreTerms) -> dict[str, re.Pattern]:
    verbs, units = _alt(terms["change_verbs"]), _alt(terms["outcome_units"])
    before_after = (rf"(?:由|从)[^{_STOP}]{{0,14}}?(?:{_NUM})[^{_STOP}]{{0,10}}?(?:{verbs}|[降减增升提缩压])"
                    rf"[^{_STOP}]{{0,6}}?(?:至|到|为)[^{_STOP}\d]{{0,6}}?(?:{_NUM})\s*(?:{units})?")
    verb_number = rf"(?:{verbs})[^{_STOP}\d]{{0,10}}?(?:{_NUM})\s*(?:{units})"
    verb_words = rf"(?:{verbs})[^{_STOP}\d]{{0,6}}?(?:一半|一倍|近半|过半|一个数量级)"
    then_now = (rf"(?:过去|以往|原来|此前|以前)[^。；;！？!?\n]{{0,16}}?(?:{_NUM})\s*(?:{units})[^。；;！？!?\n]{{0,16}}?"
                rf"(?:现在|目前|如今|现已|上线后)[^。；;！？!?\n\d]{{0,10}}?(?:{_NUM})\s*(?:{units})")
    return {
        "outcome": re.compile(f"{before_after}|{then_now}|{verb_number}|{verb_words}", re.IGNORECASE),
        "usage": re.compile(rf"(?:{_NUM})(?:余|多)?\s*(?:{_alt(terms['usage_units'])})"),
        "level": re.compile(rf"[\u4e00-\u9fff]{{1,4}}(?:{_alt(terms['level_nouns'])})[^{_STOP}\d]{{0,6}}?(?:{_NUM})\s*(?:%|个百分点|分)"),
        "replication": re.compile(rf"(?:{_NUM})\s*(?:{_alt(terms['replication_units'])})"),
        "metric": re.compile(rf"(?:{_alt(terms['metric_nouns'])})[^{_STOP}]{{0,12}}?(?:{_NUM})\s*(?:{_alt(terms['metric_units'])})"),
        "data": re.compile(rf"(?:{_NUM})\s*(?:{_alt(terms['data_units'])})", re.IGNORECASE),
        "time": re.compile(rf"\d+个月|(?:19|20)\d\d年|{_alt(terms['time_markers'])}"),
        "amount": re.compile(rf"(?:{_NUM})\s*(?:万元|亿元)"),
        "count_of_firms": re.compile(rf"(?:{_NUM})\s*(?:家|户|个|所)"),
    }


def _regex_hits(rx: re.Pattern, items: list[Passage]) -> list[Hit]:
    return [Hit(m.group(0), p, m.start(), m.end()) for p in items for m in rx.finditer(p.masked)]


def _key(text: str) -> str:
    """A figure's identity: its numbers (the same figure in the summary and the effects counts once)."""
    nums = re.findall(r"\d+(?:\.\d+)?", text)
    return "/".join(nums) or text


def _clause_text(h: Hit) -> str:
    a, b = h.clause
    return h.passage.masked[a:b]


# --- compliance -----------------------------------------------------------------------------

DEFAULT_DEDUCTIONS = {
    "field_missing": 0.3, "form3_missing": 0.5, "form4_missing": 0.5, "explanation_section_missing": 0.2,
    "effects_too_long": 0.25, "explanation_too_long": 0.25, "summary_too_long": 0.15, "authority_mismatch": 0.3,
    "no_sub_area": 0.2, "several_sub_areas": 0.1, "declared_mismatch": 0.15, "same_scenario_twice": 0.3,
    "open_status_unclear": 0.1,
}


@rule("form_checks", "读取检查的发现（缺项、超字数、主管部门不符…）、个人敏感信息和异常标记逐项扣减",
      deductions=DEFAULT_DEDUCTIONS, pii=0.3, markup=0.1)
def form_checks(ctx: Context, p: dict[str, Any]) -> Measure:
    taken, texts, parts, codes = 0.0, [], [], []
    for f in ctx.findings:
        d = float(p["deductions"].get(f.code, 0.0))
        if d > 0:
            taken += d
            codes.append(f.code)
            texts.append(f.message)
            parts.append(f"{f.code} −{d:g}")
    if ctx.sub.missing_fields and "field_missing" not in codes:  # records read without their findings
        d = p["deductions"].get("field_missing", 0.0) * len(ctx.sub.missing_fields)
        if d > 0:
            taken += d
            codes.append("field_missing")
            texts.append("必填项缺失：" + "、".join(ctx.sub.missing_fields))
            parts.append(f"field_missing −{d:g}")
    pii = find_pii(ctx.sub)
    if pii and p["pii"] > 0:
        taken += p["pii"]
        texts.append("表中写有个人敏感信息：" + mask_pii("、".join(v for _, v in pii[:3])))
        parts.append(f"个人敏感信息 −{p['pii']:g}")
    markup = find_markup(ctx.sub)
    if markup and p["markup"] > 0:
        taken += p["markup"]
        texts.append("字段含脚本、标签或公式：" + markup[0][1][:40])
        parts.append(f"异常标记 −{p['markup']:g}")
    note = "扣减：" + "，".join(parts) if parts else "未发现材料问题"
    return Measure(_clip(1.0 - taken), texts=texts, note=note,
                   facts={"codes": codes, "pii": bool(pii), "markup": bool(markup)})


@rule("security_statements", "数据安全、个人信息保护、脱敏、本地部署、人工复核等具体措施（不同措施计数）", saturate=2)
def security_statements(ctx: Context, p: dict[str, Any]) -> Measure:
    found = hits(ctx.terms["security"], ctx.of_kind("result", "plan"))
    words = list(dict.fromkeys(h.word for h in found))
    note = f"安全与合规措施{len(words)}项：{_names(words)}" if words else "未说明数据安全、个人信息保护等措施"
    return Measure(_clip(_sat(len(words), p["saturate"])), found, note=note)


@rule("funding", "写明总投资（base）、分项构成（breakdown）、资金来源（source）", base=0.6, breakdown=0.25, source=0.15)
def funding(ctx: Context, p: dict[str, Any]) -> Measure:
    sub = ctx.sub
    stated = sub.funding_wan is not None or bool(sub.funding_mentions)
    if not stated:
        return Measure(0.0, note="未写明资金投入", facts={"stated": False})
    rx = _patterns(ctx.terms)["amount"]
    money = [h for h in _regex_hits(rx, ctx.items)]
    by_passage: dict[int, list[Hit]] = {}
    for h in money:
        by_passage.setdefault(id(h.passage), []).append(h)
    breakdown = [hs for hs in by_passage.values() if len(hs) >= 3 or (len(hs) >= 2 and "其中" in hs[0].passage.text)]
    sources = [h for h in hits(ctx.terms["funding_sources"], ctx.items) if id(h.passage) in by_passage]
    value = p["base"] + (p["breakdown"] if breakdown else 0.0) + (p["source"] if sources else 0.0)
    shown = (breakdown[0][:1] if breakdown else money[:1]) + sources[:1]
    total = f"{sub.funding_wan:g}万元" if sub.funding_wan is not None else "已提及"
    note = f"总投资{total}" + ("，有分项" if breakdown else "，无分项") + ("，写明来源" if sources else "，未写来源")
    return Measure(_clip(value), shown, note=note, facts={"stated": True})


# --- innovation -----------------------------------------------------------------------------


@rule("ai_core_tech", "点名的人工智能核心技术类别数（大模型、机器视觉、知识图谱、智能体…）；常规信息化为主时打折",
      saturate=3, it_min=3, it_factor=0.5)
def ai_core_tech(ctx: Context, p: dict[str, Any]) -> Measure:
    family_of = {w: fam for fam, words in ctx.terms.ai_core.items() for w in words}
    items = ctx.of_kind("result", "plan")
    ai = hits(tuple(family_of), items, tags=family_of)
    families = list(dict.fromkeys(h.tag for h in ai))
    it = hits(ctx.terms["conventional_it"], items)
    it_words = list(dict.fromkeys(h.word for h in it))
    generic = list(dict.fromkeys(h.word for h in hits(ctx.terms["ai_generic"], items)))
    value = _sat(len(families), p["saturate"])
    it_heavy = len(it_words) >= p["it_min"] and len(families) <= 1
    if it_heavy:
        value *= p["it_factor"]
    first_per_family = list({h.tag: h for h in reversed(ai)}.values())[::-1]
    if families:
        note = f"AI核心技术{len(families)}类：{_names(h.word for h in first_per_family)}"
    else:
        note = "未点名具体AI技术" + (f"（只有泛称：{_names(generic)}）" if generic else "")
    if it_words:
        note += f"；常规信息化用语{len(it_words)}个：{_names(it_words)}" + ("，以信息化为主，打折" if it_heavy else "")
    shown = first_per_family if families else it[:2]
    return Measure(_clip(value), shown, note=note,
                   facts={"families": families, "it_words": it_words, "generic": generic, "it_heavy": it_heavy})


@rule("technical_depth", "四类技术深度证据：模型指标、训练数据规模、专利/开源/自研、模型迭代机制", saturate=3)
def technical_depth(ctx: Context, p: dict[str, Any]) -> Measure:
    items = ctx.of_kind("result", "plan")
    pats = _patterns(ctx.terms)
    metric = _regex_hits(pats["metric"], items)
    data = [h for h in _regex_hits(pats["data"], items)
            if any(True for _ in find_words(ctx.terms["data_nouns"], _clause_text(h)))]
    ip = hits(ctx.terms["ip_outputs"], items)
    iteration = hits(ctx.terms["iteration"], items)
    kinds = {"模型指标": metric, "数据规模": data, "专利/开源/自研": ip, "模型迭代": iteration}
    present = [k for k, v in kinds.items() if v]
    shown = [v[0] for v in kinds.values() if v]
    note = f"技术深度{len(present)}类：{'、'.join(present)}" if present else "未给出模型指标、数据规模、专利或迭代机制"
    return Measure(_clip(_sat(len(present), p["saturate"])), shown, note=note, facts={"kinds": present})


# --- effectiveness --------------------------------------------------------------------------


@rule("quantified_outcomes", "带单位的数字与改进方向（由…降至…、提升…%）：已取得的按1计，已达到的指标水平（准确率94%）按 "
      "level_weight 计，目标按 planned_weight 计", saturate=4, level_weight=0.5, planned_weight=0.25)
def quantified_outcomes(ctx: Context, p: dict[str, Any]) -> Measure:
    pats = _patterns(ctx.terms)
    achieved: dict[str, Hit] = {}
    levels: dict[str, Hit] = {}
    planned: dict[str, Hit] = {}
    for h in _regex_hits(pats["outcome"], ctx.of_kind("result")):
        achieved.setdefault(_key(h.word), h)
    for h in _regex_hits(pats["level"], ctx.of_kind("result")):
        k = _key(h.word)
        if k not in achieved and not any(k in a for a in achieved):
            levels.setdefault(k, h)
    for h in _regex_hits(pats["outcome"], ctx.of_kind("plan")):
        k = _key(h.word)
        if k not in achieved:
            planned.setdefault(k, h)
    score = len(achieved) + p["level_weight"] * len(levels) + p["planned_weight"] * len(planned)
    effects_text = " ".join(ctx.sub.fields.get(k, "") for k in ("effects", "summary"))
    strong = list(dict.fromkeys(w for w, _, _ in find_words(ctx.terms["strong_claims"], effects_text)))
    note = f"已取得的量化成效{len(achieved)}项，已达到的指标水平{len(levels)}项，量化目标{len(planned)}项"
    if strong and not achieved:
        note += f"；成效表述多为“{_names(strong)}”等定性说法"
    shown = list(achieved.values()) + list(levels.values()) + list(planned.values())
    return Measure(_clip(_sat(score, p["saturate"])), shown, note=note,
                   facts={"achieved": len(achieved), "levels": len(levels), "planned": len(planned),
                          "strong_words": strong})


@rule("deployment", "已开放应用（open_weight）、投用时间（running_weight）、用户/点位/使用量（usage_weight）",
      open_weight=0.3, running_weight=0.3, usage_weight=0.4, usage_saturate=3)
def deployment(ctx: Context, p: dict[str, Any]) -> Measure:
    results = ctx.of_kind("result")
    pats = _patterns(ctx.terms)
    opened = ctx.sub.is_open is True or (
        ctx.sub.is_open is None and any("已" in x.text and "开放" in x.text for x in results))
    verbs = ctx.terms["usage_verbs"]
    in_use = hits(ctx.terms["in_use"] + verbs, results)
    running = [h for h in in_use if pats["time"].search(h.passage.masked)]
    usage: dict[str, Hit] = {}
    for h in _regex_hits(pats["usage"], results):
        if h.passage.field in ("effects", "open_status") or any(True for _ in find_words(verbs, h.passage.masked)):
            usage.setdefault(_key(h.word), h)
    if not running:  # a dated result sentence that reports a use figure, or dated effects
        running = [h for h in usage.values() if pats["time"].search(h.passage.masked)][:1]
    if not running:
        dated = [x for x in results if x.field == "effects" and (m := pats["time"].search(x.masked))]
        running = [Hit(pats["time"].search(x.masked).group(0), x, *pats["time"].search(x.masked).span())
                   for x in dated[:1]]
    value = (p["open_weight"] * opened + p["running_weight"] * bool(running)
             + p["usage_weight"] * _sat(len(usage), p["usage_saturate"]))
    parts = ["已开放应用" if opened else "尚未开放应用",
             "写明投用时间" if running else "未写投用时间", f"使用规模数字{len(usage)}项"]
    return Measure(_clip(value), running[:1] + list(usage.values()), note="，".join(parts),
                   facts={"open": opened, "running": bool(running), "usage": len(usage)})


# --- demonstration --------------------------------------------------------------------------


@rule("replication", "已在若干单位/地区使用（按1计）与具体的推广计划（按 planned_weight 计）",
      saturate=3, planned_weight=0.5)
def replication(ctx: Context, p: dict[str, Any]) -> Measure:
    pats = _patterns(ctx.terms)
    verbs, scope = ctx.terms["replication_verbs"], ctx.terms["scope_words"]
    existing: dict[str, Hit] = {}
    for h in _regex_hits(pats["replication"], ctx.of_kind("result")):
        if any(True for _ in find_words(verbs, h.passage.masked)):
            existing.setdefault(_key(h.word), h)
    planned: dict[str, Hit] = {}
    for x in ctx.of_kind("plan"):
        for a, b in clauses(x):
            text = x.masked[a:b]
            if not any(True for _ in find_words(("推广", "复制", "辐射", "输出", "开放", "服务"), text)):
                continue
            m = pats["replication"].search(text)
            found = [(w, s, e) for w, s, e in find_words(scope, text)]
            if m:
                planned.setdefault(_key(m.group(0)) + "@plan", Hit(m.group(0), x, a + m.start(), a + m.end()))
            elif found and any(True for _ in find_words(("推广", "复制", "辐射"), text)):
                w, s, e = found[0]
                planned.setdefault(w, Hit(w, x, a + s, a + e))
    score = len(existing) + p["planned_weight"] * len(planned)
    note = f"已推广使用{len(existing)}处，具体推广计划{len(planned)}项"
    return Measure(_clip(_sat(score, p["saturate"])), list(existing.values()) + list(planned.values()), note=note,
                   facts={"existing": len(existing), "planned": len(planned)})


@rule("standards_outputs", "形成或制定标准、规范、指南、规程、标准化产品（不同成果计数）", saturate=2)
def standards_outputs(ctx: Context, p: dict[str, Any]) -> Measure:
    verbs, exclude = ctx.terms["standard_verbs"], ctx.terms["standard_exclude"]
    found: dict[str, Hit] = {}
    counted = re.compile(r"\d+\s*(?:项|份|个|套|部)")
    for x in ctx.of_kind("result", "plan"):
        for a, b in clauses(x):
            text = x.masked[a:b]
            if not any(True for _ in find_words(verbs, text)) and not counted.search(text):
                continue
            for w, s, e in find_words(ctx.terms["standard_nouns"], text, exclude):
                found.setdefault(text[max(0, s - 6):e], Hit(w, x, a + s, a + e))
                break
    words = [h.word for h in found.values()]
    note = f"标准规范类成果{len(found)}项：{_names(words)}" if found else "未提出标准、规范或标准化产品"
    return Measure(_clip(_sat(len(found), p["saturate"])), list(found.values()), note=note)


# --- openness -------------------------------------------------------------------------------


def _concrete(x: Passage, sub: Submission) -> bool:
    """A result sentence with a number or 已, or the open-status answer of a scenario that is open."""
    if not x.is_result:
        return False
    return bool(re.search(r"\d", x.text)) or "已" in x.text or (x.field == "open_status" and sub.is_open is True)


@rule("sme_openness", "向中小企业、民营企业、个体户、农户开放（base），有数量（count_bonus）、多类对象（breadth_bonus）；仅计划时 planned_value",
      base=0.6, count_bonus=0.2, breadth_bonus=0.2, planned_value=0.3)
def sme_openness(ctx: Context, p: dict[str, Any]) -> Measure:
    sme, exclude, verbs = ctx.terms["sme"], ctx.terms["sme_exclude"], ctx.terms["open_verbs"]
    achieved: list[Hit] = []
    planned: list[Hit] = []
    for x in ctx.of_kind("result", "plan"):
        found = [Hit(w, x, s, e) for w, s, e in find_words(sme, x.masked, exclude)]
        if not found or not any(True for _ in find_words(verbs, x.masked)):
            continue
        (achieved if _concrete(x, ctx.sub) else planned).extend(found)
    rx = _patterns(ctx.terms)["count_of_firms"]
    if achieved:
        counted = any(rx.search(h.passage.masked) for h in achieved)
        kinds = list(dict.fromkeys(h.word for h in achieved))
        value = p["base"] + p["count_bonus"] * counted + p["breadth_bonus"] * (len(kinds) >= 2)
        note = f"已向{_names(kinds)}开放" + ("，有数量" if counted else "，无数量")
        shown = list({id(h.passage): h for h in reversed(achieved)}.values())[::-1]
    elif planned:
        value, note, shown = p["planned_value"], f"计划向{_names(h.word for h in planned)}开放", planned[:1]
    else:
        value, note, shown = 0.0, "未提及向中小企业、民营企业开放", []
    return Measure(_clip(value), shown, note=note, facts={"achieved": bool(achieved), "planned": bool(planned)})


@rule("open_access", "已开放应用（open_base）加开放方式数（接口、开源、SaaS、数据集、免费…）；未开放但写明了开放对象的计划"
      "（planned_base）加开放方式数 × planned_factor", open_base=0.5, saturate=2, planned_base=0.2, planned_factor=0.3)
def open_access(ctx: Context, p: dict[str, Any]) -> Measure:
    opened = ctx.sub.is_open is True or (
        ctx.sub.is_open is None and any("已" in x.text and "开放" in x.text for x in ctx.of_kind("result")))
    relevant = [x for x in ctx.items if x.field == "open_status" or (x.kind != "context" and "开放" in x.text)]
    found = hits(ctx.terms["open_channels"], relevant)
    channels = list(dict.fromkeys(h.word for h in found))
    breadth = _sat(len(channels), p["saturate"])
    recipients = re.compile("[向给供]")
    plan = [x for x in ctx.items if x.field == "open_status" and recipients.search(x.text) and "不对外" not in x.text
            and any(True for _ in find_words(ctx.terms["open_verbs"], x.masked))]
    if opened:
        value = p["open_base"] + (1 - p["open_base"]) * breadth
        note = "已开放应用"
    elif plan:
        value = p["planned_base"] + p["planned_factor"] * breadth
        note = "尚未开放，写明了开放计划"
    else:
        value, note = 0.0, "尚未开放"
    note += f"，开放方式：{_names(channels)}" if channels else "，未说明开放方式"
    shown = list({h.word: h for h in reversed(found)}.values())[::-1]
    if not opened and plan and not shown:
        w, a, b = next(find_words(ctx.terms["open_verbs"], plan[0].masked))
        shown = [Hit(w, plan[0], a, b)]
    return Measure(_clip(value), shown, note=note, facts={"open": opened, "channels": channels})
