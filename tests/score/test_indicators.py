import pytest

from pipeline.records import Finding
from pipeline.score.indicators import RULES, Context
from pipeline.score.passages import passages

from .conftest import STRONG_FIELDS, WEAK_FIELDS, make_sub


def measure(rule, sub, terms, findings=(), **params):
    spec = RULES[rule]
    ctx = Context(sub=sub, terms=terms, items=passages(sub, terms), findings=list(findings))
    return spec.fn(ctx, {**spec.defaults, **params})


def test_indicators_ai_core_tech_counts_families_not_buzzwords(terms):
    ai = measure("ai_core_tech", make_sub(fields={"goals": "采用大模型和知识图谱，结合机器视觉识别缺陷。"}), terms)
    assert ai.value == 1.0 and set(ai.facts["families"]) == {"large_model", "knowledge_graph", "machine_vision"}
    buzz = measure("ai_core_tech", make_sub(fields={"goals": "运用人工智能、大数据、物联网等技术，实现智能化。"}), terms)
    assert buzz.value == 0.0 and "人工智能" in buzz.facts["generic"]


def test_indicators_ai_core_tech_discounts_plain_it(terms):
    it = {"plan": "建设信息化管理平台、数据库和可视化大屏，引入机器学习做分析。"}
    m = measure("ai_core_tech", make_sub(fields=it), terms)
    assert m.facts["it_heavy"] and m.value == pytest.approx(1 / 3 * 0.5, abs=1e-3)


def test_indicators_ai_core_tech_ignores_background(terms):
    m = measure("ai_core_tech", make_sub(fields={"background": "大模型和知识图谱技术日益成熟。"}), terms)
    assert m.value == 0.0


def test_indicators_quantified_outcomes_needs_number_unit_and_direction(terms):
    m = measure("quantified_outcomes", make_sub(fields={"effects": "废品率由4.8%降至3.1%，年节约成本约820万元，效率提升3.1倍。"}), terms)
    assert m.facts["achieved"] == 3 and m.value == pytest.approx(0.75)
    vague = measure("quantified_outcomes", make_sub(fields={"effects": "生产效率明显提高，经济效益较好。"}), terms)
    assert vague.value == 0.0 and "明显" in vague.facts["strong_words"]


def test_indicators_quantified_outcomes_then_now_and_levels(terms):
    m = measure("quantified_outcomes", make_sub(fields={"effects": "候车时间过去是9.4分钟，现在是7.1分钟；识别准确率94%。"}), terms)
    assert m.facts["achieved"] == 1 and m.facts["levels"] == 1
    assert m.value == pytest.approx((1 + 0.5) / 4)


def test_indicators_quantified_targets_count_less_than_results(terms):
    achieved = measure("quantified_outcomes", make_sub(fields={"effects": "废品率由4.8%降至3.1%。"}), terms)
    planned = measure("quantified_outcomes", make_sub(fields={"targets": "废品率由4.8%降至3.1%。"}), terms)
    assert achieved.value == pytest.approx(0.25) and planned.value == pytest.approx(0.25 * 0.25)


def test_indicators_quantified_same_figure_in_summary_counts_once(terms):
    one = {"effects": "废品率由4.8%降至3.1%。"}
    twice = {**one, "summary": "AI质检使废品率由4.8%降至3.1%。"}
    assert measure("quantified_outcomes", make_sub(fields=one), terms).value == \
        measure("quantified_outcomes", make_sub(fields=twice), terms).value


def test_indicators_quantified_evidence_hits_are_in_the_text(terms):
    sub = make_sub(fields=STRONG_FIELDS)
    m = measure("quantified_outcomes", sub, terms)
    for h in m.hits:
        assert h.passage.text[h.start:h.end] in sub.fields[h.passage.field]


def test_indicators_deployment_open_running_usage(terms):
    full = measure("deployment", make_sub(fields={"effects": "系统上线14个月，累计检测286万件，服务企业12家，覆盖3个县。"}), terms)
    assert full.value == pytest.approx(1.0)
    closed = measure("deployment", make_sub(fields={"effects": "平台上线后管理更规范。"}, is_open=False), terms)
    assert closed.value == 0.0


def test_indicators_replication_existing_beats_planned(terms):
    done = measure("replication", make_sub(fields={"open_status": "已向12家中小企业开放，并在3个县使用。"}), terms)
    plan = measure("replication", make_sub(fields={"targets": "向省内30家企业推广。"}), terms)
    assert done.facts["existing"] == 2 and plan.facts["planned"] == 1
    assert done.value > plan.value > 0


def test_indicators_standards_need_an_output_not_a_guide(terms):
    yes = measure("standards_outputs", make_sub(fields={"targets": "牵头制定团体标准1项，编写技术导则1份。"}), terms)
    assert yes.value == 1.0
    no = measure("standards_outputs", make_sub(fields={"next_steps": "建立知识库更新机制，与部门办事指南同步。"}), terms)
    assert no.value == 0.0


def test_indicators_sme_openness_achieved_planned_and_school_is_not_sme(terms):
    done = measure("sme_openness", make_sub(fields={"open_status": "已向12家中小企业和5家民营企业开放检测模型。"}), terms)
    assert done.value == pytest.approx(1.0)
    plan = measure("sme_openness", make_sub(fields={"open_status": "下步拟向中小企业开放。"}, is_open=False), terms)
    assert plan.value == pytest.approx(0.3)
    school = measure("sme_openness", make_sub(fields={"open_status": "已在全区中小学使用。"}), terms)
    assert school.value == 0.0


def test_indicators_open_access_open_planned_closed(terms):
    opened = measure("open_access", make_sub(fields={"open_status": "模型以SaaS方式开放，提供接口和开源代码。"}), terms)
    assert opened.value == pytest.approx(1.0)
    planned = measure("open_access", make_sub(fields={"open_status": "下步拟把风险结果提供给物业企业。"}, is_open=False), terms)
    assert planned.value == pytest.approx(0.2)
    closed = measure("open_access", make_sub(fields={"open_status": "涉及警务数据，暂不对外开放。"}, is_open=False), terms)
    assert closed.value == 0.0


def test_indicators_security_statements_count_distinct_measures(terms):
    m = measure("security_statements", make_sub(fields={"plan": "数据脱敏后本地部署，落实等保要求。"}), terms)
    assert m.value == 1.0 and {"脱敏", "本地部署", "等保"} <= {h.word for h in m.hits}
    assert measure("security_statements", make_sub(fields=WEAK_FIELDS), terms).value == 0.0


def test_indicators_funding_total_breakdown_source(terms):
    full = measure("funding", make_sub(fields={"plan": "项目总投资2350万元，其中设备1310万元、软件640万元，资金来源为企业自筹。"}), terms)
    assert full.value == pytest.approx(1.0)
    bare = measure("funding", make_sub(fields={"plan": "项目总投资2350万元。"}), terms)
    assert bare.value == pytest.approx(0.6)
    none = measure("funding", make_sub(fields={"plan": "分步实施。"}, funding_wan=None), terms)
    assert none.value == 0.0 and none.facts["stated"] is False


def test_indicators_form_checks_deduct_findings_pii_and_markup(terms):
    sub = make_sub(fields={"foundation": "联系人手机13905733321。", "effects": "<script>alert(1)</script>效率提升2倍。"})
    findings = [Finding(code="effects_too_long", severity="warning", message="主要成效 650 字，超过 500 字限制",
                        submission_id="S1")]
    m = measure("form_checks", sub, terms, findings)
    assert m.value == pytest.approx(1 - 0.25 - 0.3 - 0.1)
    assert any("139****3321" in t for t in m.texts) and not any("13905733321" in t for t in m.texts)
    assert measure("form_checks", make_sub(), terms).value == 1.0


def test_indicators_form_checks_uses_missing_fields_without_findings(terms):
    m = measure("form_checks", make_sub(missing_fields=("problems",)), terms)
    assert m.value == pytest.approx(0.7) and m.facts["codes"] == ["field_missing"]


def test_indicators_every_rule_returns_a_value_in_range(terms):
    for name, spec in RULES.items():
        for fields in (STRONG_FIELDS, WEAK_FIELDS, {}):
            m = measure(name, make_sub(fields=fields), terms)
            assert 0.0 <= m.value <= 1.0, name
