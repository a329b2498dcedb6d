"""A small screened round built by hand, and plausible score cards made up for the tests only.

The round has what the report must handle: hostile markup and a formula in the text, personal
numbers, a duplicate pair with aligned passages, a homogenized cluster, a history match,
findings about submissions and about files, a route by hand, a declared/predicted mismatch,
and a submission the classifier never saw.
"""
from __future__ import annotations

import pytest

from pipeline.bundle import RunBundle
from pipeline.records import (
    AlignedPassage,
    ConditionScore,
    DeclaredArea,
    DedupResult,
    DuplicateCluster,
    DuplicatePair,
    Finding,
    HistoryMatch,
    IndicatorScore,
    ManifestEntry,
    Prediction,
    ScoreCard,
    SourceRef,
    SubAreaScore,
    Submission,
)
from pipeline.taxonomy import Taxonomy, load_taxonomy

HOSTILE_EFFECTS = "<b>加粗</b>平均匹配时长由2.5天缩短到4小时。<script>alert('x')</script>"
BREAKOUT = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
FORMULA_SUMMARY = '=HYPERLINK("http://evil.example","点击")零工岗位与求职者画像双向智能匹配。'
PII_FOUNDATION = "项目联系人：沈晓燕，手机13905733321，身份证号330481198806150028，办公电话0573-87054876。"

WATER_GOALS = "利用视频AI识别、雷达水位计和渗压监测，构建“AI巡查+人工复核”的小型水库安全管理模式。"
WATER_FOUND = "辖区共有小型水库46座、山塘212座，已全部纳入省水库安全管理系统。"


def _sub(sid: str, name: str, applicant: str, city: str, authority: str, ticks: tuple[str, ...] = (),
         **fields: str) -> Submission:
    return Submission(id=sid, name=name, applicant=applicant, location=f"{city}某区", city=city, authority=authority,
                      fields=fields, original={**fields, "owner": applicant}, declared=DeclaredArea(sub_areas=ticks),
                      is_open=True, funding_wan=260.0, funding_mentions=("项目总投资260万元",),
                      sources=(SourceRef(path=f"batch/{city}/{sid}_附件3_申报表.docx", form="form3"),),
                      round="2026-1")


def _pred(tax: Taxonomy, sid: str, top: list[tuple[str, float]], *, by_hand: bool = False,
          declared: str | None = None, terms: tuple[str, ...] = (), passages: tuple[str, ...] = ()) -> Prediction:
    first = tax.sub_area(top[0][0])
    unit = tax.unit_of(first.id)
    return Prediction(
        submission_id=sid, sub_area=first.id, sub_area_name=first.name, domain=first.domain,
        domain_name=tax.domains[first.domain].name, unit=unit.id, unit_name=unit.name, probability=top[0][1],
        unit_probability=sum(p for s, p in top if tax.sub_area(s).unit == unit.id),
        top=tuple(SubAreaScore(sub_area=s, name=tax.sub_area(s).name, probability=p) for s, p in top),
        route_by_hand=by_hand, evidence_terms=terms, evidence_passages=passages, declared=declared,
        disagrees_with_declared=bool(declared and declared != first.id), model_version="test-model-1")


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def make_bundle(taxonomy: Taxonomy) -> RunBundle:
    subs = [
        _sub("S0000000001", "县域零工市场AI智能匹配与技能培训推荐场景", "台州市椒江区公共就业服务中心", "台州市", "省人社厅",
             ("employment",), goals="建设AI岗位匹配系统，实现双向智能推荐。", effects=HOSTILE_EFFECTS,
             summary=FORMULA_SUMMARY, problems=BREAKOUT),
        _sub("S0000000002", "独居老人居家安全AI无感监护场景", "海宁市颐康居家养老服务中心", "嘉兴市", "省民政厅",
             ("elderly_care",), goals="以毫米波雷达感知跌倒、久卧不起。", foundation=PII_FOUNDATION),
        _sub("S0000000003", "小型水库AI智能巡查与安全预警场景", "台州市黄岩区水利局", "台州市", "省水利厅", ("water",),
             goals=WATER_GOALS, foundation=WATER_FOUND),
        _sub("S0000000004", "小型水库及山塘AI智能巡查场景", "衢州市衢江区水利局", "衢州市", "省水利厅", ("water",),
             goals=WATER_GOALS, foundation=WATER_FOUND + "巡查员平均年龄58岁。"),
        _sub("S0000000005", "山塘安全AI巡查场景", "丽水市莲都区水利局", "丽水市", "省水利厅", ("emergency",),
             goals="山塘安全AI巡查，汛期实时监测。"),
        _sub("S0000000006", "“九小场所”电气火灾AI风险感知场景", "嘉兴市秀洲区应急管理局", "嘉兴市", "省应急管理厅",
             goals="对九小场所开展电气火灾风险智能感知。"),
    ]
    preds = [
        _pred(taxonomy, "S0000000001", [("employment", 0.93), ("convenience", 0.05), ("cross_fusion", 0.02)],
              declared="employment", terms=("就业", "匹配"), passages=("建设AI岗位匹配系统，实现双向智能推荐。",)),
        _pred(taxonomy, "S0000000002", [("elderly_care", 0.97), ("health", 0.02), ("convenience", 0.01)],
              declared="elderly_care", terms=("老人",), passages=(PII_FOUNDATION,)),
        _pred(taxonomy, "S0000000003", [("water", 0.99), ("emergency", 0.01), ("ecology", 0.0)], declared="water"),
        _pred(taxonomy, "S0000000004", [("water", 0.98), ("emergency", 0.02), ("ecology", 0.0)], declared="water"),
        _pred(taxonomy, "S0000000005", [("water", 0.55), ("emergency", 0.40), ("ecology", 0.05)], by_hand=True,
              declared="emergency"),
        # S0000000006 has no prediction: the classifier never saw it.
    ]
    pair = DuplicatePair(
        a_id="S0000000003", b_id="S0000000004", similarity=0.92, kind="light_edit", lexical=0.81, semantic=0.95,
        sections={"goals": 1.0, "foundation": 0.9}, detectors=("minhash", "semantic"),
        evidence=(AlignedPassage(section_a="goals", section_b="goals", a=WATER_GOALS, b=WATER_GOALS, similarity=1.0),
                  AlignedPassage(section_a="foundation", section_b="foundation", a="辖区共有小型水库46座（本）",
                                 b="辖区共有小型水库46座（对方）", similarity=0.9)))
    cluster = DuplicateCluster(id="dc-0000000000ab", label=("水库", "巡查", "<i>山塘</i>"), size=3,
                               members=("S0000000003", "S0000000004", "S0000000005"),
                               original_id="S0000000003", similarity=0.8)
    history = HistoryMatch(submission_id="S0000000004", round="2025-1", past_id="P2025001",
                           past_name="小型水库智能巡查场景", selected=True, kind="resubmits_selected", similarity=0.88)
    findings = [
        Finding(code="summary_too_long", severity="warning", message="场景说明超过100字", submission_id="S0000000001",
                field="summary", evidence=FORMULA_SUMMARY),
        Finding(code="declared_mismatch", severity="warning", message="申报方向与模型建议不一致",
                submission_id="S0000000005", evidence="勾选：应急管理；模型：智慧水利"),
        Finding(code="field_missing", severity="error", message="缺少主要成效", submission_id="S0000000006",
                field="effects"),
        Finding(code="file_unreadable", severity="error", message="文件无法读取：PDF 已加密", path="batch/加密.pdf"),
    ]
    manifest = [
        ManifestEntry(path="batch/台州市/S0000000001_附件3_申报表.docx", status="processed", kind="docx"),
        ManifestEntry(path="batch/加密.pdf", status="failed", kind="pdf", reason="PDF 已加密"),
        ManifestEntry(path="batch/空白.docx", status="failed", kind="docx", reason="空文件"),
    ]
    return RunBundle(submissions=subs, predictions=preds, findings=findings, manifest=manifest,
                     dedup=DedupResult(pairs=(pair,), clusters=(cluster,), history=(history,)),
                     meta={"round": "2026-1", "created": "2026-07-02T08:00:00+00:00", "model_version": "test-model-1",
                           "taxonomy_version": taxonomy.version})


@pytest.fixture
def bundle(taxonomy) -> RunBundle:
    return make_bundle(taxonomy)


CONDITIONS = (("compliance", "合规性", 0.2), ("innovation", "创新性", 0.25), ("effectiveness", "实效性", 0.25),
              ("demonstration", "示范性", 0.15), ("openness", "开放性", 0.15))


def fake_scorecards(bundle: RunBundle) -> list[ScoreCard]:
    """Plausible score cards for the tests (the real ones come from pipeline/score).

    Totals are spread deterministically by position; the first indicator of each condition quotes
    the longest field, so hostile and personal text reaches the score section too. S0000000003 and
    S0000000004 get the same total, to test shared ranks.
    """
    cards = []
    totals = {"S0000000003": 71.5, "S0000000004": 71.5}
    for n, sub in enumerate(bundle.submissions):
        text = max(sub.fields.values(), key=len, default="")
        conditions = []
        for i, (cid, name, weight) in enumerate(CONDITIONS):
            value = round(0.3 + ((n * 7 + i * 3) % 10) / 14, 3)
            indicators = (
                IndicatorScore(id=f"{cid}_a", name=f"{name}指标甲", value=value, points=round(60 * value, 1),
                               evidence=(text[:60],), matched=(text[2:6],), note="依据申报文本中的关键表述"),
                IndicatorScore(id=f"{cid}_b", name=f"{name}指标乙", value=1 - value, points=round(40 * (1 - value), 1),
                               evidence=(), note="未找到相关表述"),
            )
            score = round(sum(ind.points for ind in indicators), 1)
            conditions.append(ConditionScore(id=cid, name=name, score=score, weight=weight, indicators=indicators))
        total = totals.get(sub.id, round(sum(c.score * c.weight for c in conditions), 1))
        cards.append(ScoreCard(submission_id=sub.id, rubric_version="rubric-test-1", total=total,
                               conditions=tuple(conditions), penalty=5.0 if sub.id == "S0000000004" else 0.0,
                               flags=("与往届入选场景高度相似",) if sub.id == "S0000000004" else ()))
    return cards


@pytest.fixture
def scored_bundle(bundle) -> RunBundle:
    bundle.scores = fake_scorecards(bundle)
    bundle.meta["rubric_version"] = "rubric-test-1"
    return bundle
