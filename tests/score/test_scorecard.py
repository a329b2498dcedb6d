from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ScoreSettings
from pipeline.records import DedupResult, DuplicateCluster, DuplicatePair, Finding
from pipeline.score.rubric import CONDITIONS
from pipeline.score.scorecard import score_submissions

from .conftest import STRONG_FIELDS, WEAK_FIELDS, make_prediction, make_sub

PADDING = ("深入贯彻落实省委省政府决策部署，以场景创新驱动新质生产力发展，推动降本增效、提质赋能。"
           "努力形成可复制、可推广的经验做法，推动优质场景向中小企业、民营企业开放共享，示范引领作用突出。")


def test_scorecard_strong_beats_weak_and_records_the_rubric_version(strong, weak, rubric, cfg):
    a, b = score_submissions([strong, weak], settings=cfg)
    assert a.total > 75 > 30 > b.total
    assert a.rubric_version == b.rubric_version == rubric.version
    assert [c.id for c in a.conditions] == list(CONDITIONS)
    assert (a.rank_overall, b.rank_overall) == (1, 2)


def test_scorecard_condition_score_is_the_sum_of_points_and_total_the_weighted_sum(strong, cfg, rubric):
    (c,) = score_submissions([strong], settings=cfg)
    for cond, spec in zip(c.conditions, rubric.conditions):
        assert abs(cond.score - sum(i.points for i in cond.indicators)) < 0.02
        for ind, ispec in zip(cond.indicators, spec.indicators):
            assert abs(ind.points - ind.value * ispec.weight * 100) < 0.01
    assert abs(c.total - sum(x.weight * x.score for x in c.conditions)) < 0.06


def test_scorecard_evidence_is_short_and_taken_from_the_text(strong, cfg):
    (c,) = score_submissions([strong], settings=cfg)
    text = "".join(strong.fields.values())
    shown = 0
    for cond in c.conditions:
        for ind in cond.indicators:
            assert len(ind.evidence) <= cfg.max_evidence
            for e in ind.evidence:
                assert len(e) <= 80
                if ind.id != "form_checks":
                    assert e.strip("…") in text
                    shown += 1
            for w in ind.matched:
                assert any(w in e for e in ind.evidence), (ind.id, w)
    assert shown >= 8


def test_scorecard_boilerplate_padding_does_not_raise_the_score(strong, weak, cfg):
    def pad(s):
        return s.model_copy(update={"fields": {k: PADDING + v for k, v in s.fields.items()}})
    before = score_submissions([strong, weak], settings=cfg)
    after = score_submissions([pad(strong), pad(weak)], settings=cfg)
    for b, a in zip(before, after):
        assert a.total <= b.total
    assert any(f.startswith("政策套话较多") for f in after[1].flags)


def test_scorecard_reordered_sentences_do_not_move_the_score(strong, cfg):
    import re
    rev = {k: "".join(reversed(re.findall(r"[^。；]+[。；]?", v))) for k, v in strong.fields.items()}
    a = score_submissions([strong], settings=cfg)[0]
    b = score_submissions([strong.model_copy(update={"fields": rev})], settings=cfg)[0]
    assert abs(a.total - b.total) <= 5


def test_scorecard_flags_for_a_human(cfg):
    sub = make_sub("S9", WEAK_FIELDS, is_open=False, funding_wan=None, missing_fields=("problems",))
    pred = make_prediction("S9", disagrees_with_declared=True, route_by_hand=True, declared="tech_research")
    findings = [Finding(code="authority_mismatch", severity="warning", message="主管部门不一致", submission_id="S9")]
    (c,) = score_submissions([sub], [pred], findings, settings=cfg)
    text = " | ".join(c.flags)
    assert "申报“技术攻关”" in text
    for label in ("强烈主张但无量化数据", "常规信息化为主", "申报方向与模型判断不一致", "需人工分办",
                  "必填项缺失：仍存在的问题", "资金投入未说明", "主管部门与申报方向不一致"):
        assert label in text, label
    assert (c.sub_area, c.unit) == ("manufacturing", "jxt")


def test_scorecard_duplicate_penalty_is_separate_and_flagged(cfg, rubric):
    a, b = make_sub("A"), make_sub("B")
    dedup = DedupResult(pairs=(DuplicatePair(a_id="A", b_id="B", similarity=1.0, kind="exact"),),
                        clusters=(DuplicateCluster(id="dc-1", label=(), size=2, members=("A", "B"), original_id="A"),))
    ca, cb = score_submissions([a, b], dedup=dedup, settings=cfg)
    assert cb.penalty == rubric.penalties["exact_copy"] and ca.penalty == 0
    assert abs((ca.total - cb.total) - cb.penalty) < 0.11
    assert cb.flags[0].startswith("疑似重复/同质化：与A完全相同") and "扣20分" in cb.flags[0]
    assert ca.flags[0].startswith("疑似重复/同质化") and "原始稿" in ca.flags[0]


def test_scorecard_works_without_predictions_or_dedup(cfg):
    subs = [make_sub("A"), make_sub("B", WEAK_FIELDS, declared=make_sub().declared.model_copy(update={"sub_areas": ()}))]
    ca, cb = score_submissions(subs, None, None, None, settings=cfg)
    assert ca.sub_area == "manufacturing" and ca.unit  # from the tick and the taxonomy
    assert cb.sub_area == "" and cb.rank_in_sub_area == 0 and cb.rank_overall == 2


def test_scorecard_pii_never_reaches_the_card(cfg):
    sub = make_sub(fields={**STRONG_FIELDS, "foundation": STRONG_FIELDS["foundation"] + "联系人手机13905733321。"})
    (c,) = score_submissions([sub], settings=cfg)
    assert "13905733321" not in c.model_dump_json()
    assert any("个人敏感信息" in f for f in c.flags)


@settings(max_examples=25, deadline=None)
@given(fields=st.dictionaries(st.sampled_from(["goals", "effects", "open_status", "plan", "targets"]),
                              st.text(alphabet="大模型知识图谱已向家中小企业开放由降至提升%万元0123456789，。", max_size=120),
                              max_size=5),
       is_open=st.sampled_from([True, False, None]))
def test_scorecard_any_text_gives_valid_cards(fields, is_open):
    (c,) = score_submissions([make_sub(fields=fields, is_open=is_open)], settings=ScoreSettings())
    assert 0 <= c.total <= 100
    for cond in c.conditions:
        assert 0 <= cond.score <= 100
        for ind in cond.indicators:
            assert 0 <= ind.value <= 1 and all(len(e) <= 80 for e in ind.evidence)
