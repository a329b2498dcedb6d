"""The orchestrator: steps, bad and empty batches, short texts, invariants."""
from __future__ import annotations

from hypothesis import given, settings as hsettings, strategies as st
from dedup_texts import DIFFERENT_SCENARIOS, ELDERLY_FALL, FACTORY_QC, make_sub

from pipeline.config import load_settings
from pipeline.dedup import find_duplicates

STEPS = ("prepare", "fingerprint", "exact", "minhash", "embed", "semantic", "verify", "combine", "cluster")


def test_dedup_empty_batch_is_a_finding_not_a_crash(settings):
    result = find_duplicates([], settings)
    assert not result.pairs and [f.code for f in result.findings] == ["dedup_empty_batch"]


def test_dedup_bad_batch_empty_texts_and_repeated_ids(settings):
    subs = [make_sub("a", ELDERLY_FALL), make_sub("a", FACTORY_QC), make_sub("blank", "  \n "),
            make_sub("b", ELDERLY_FALL)]
    result = find_duplicates(subs, settings)
    assert sorted(f.code for f in result.findings) == ["dedup_duplicate_id", "dedup_empty_text"]
    assert [(p.a_id, p.b_id, p.kind) for p in result.pairs] == [("a", "b", "exact")]
    assert result.stats["submissions"] == 2


def test_dedup_every_step_is_timed_and_counted(settings, background):
    result = find_duplicates(background, load_settings())  # default settings: lexical embedder
    assert set(STEPS) <= set(result.timings)
    assert result.stats["embedder"] == "lexical" and result.stats["submissions"] == len(background)


SHORT_A = "紧固件AI视觉分拣：海盐某紧固件企业部署多相机视觉分拣线，识别螺纹缺损、头部裂纹等缺陷，分拣速度每分钟600件。"
SHORT_B = "紧固件AI视觉分拣：平湖某紧固件企业部署多相机视觉分拣线，可识别头部裂纹、螺纹缺损等缺陷，分拣速度每分钟550件。"
SHORT_OTHER = "眼镜镜片智能排产：瓯海某镜片企业应用AI排产系统，按订单光度、膜层和交期自动生成加工计划，交期缩短两天。"
TINY_A, TINY_B = "AI视觉分拣线", "AI视觉分拣线。"


def test_dedup_short_summary_lines_light_edit_found_negative_not(settings):
    subs = [make_sub("a", SHORT_A), make_sub("b", SHORT_B), make_sub("c", SHORT_OTHER)]
    result = find_duplicates(subs, settings)
    assert [(p.a_id, p.b_id, p.kind) for p in result.pairs] == [("a", "b", "light_edit")]


def test_dedup_texts_shorter_than_a_shingle_window_still_compare(settings):
    subs = [make_sub("a", TINY_A), make_sub("b", TINY_B), make_sub("c", "养老")]
    result = find_duplicates(subs, settings)
    assert [(p.a_id, p.b_id) for p in result.pairs] == [("a", "b")]


@given(st.lists(st.tuples(st.integers(0, len(DIFFERENT_SCENARIOS) - 1), st.booleans()), min_size=0, max_size=8))
@hsettings(max_examples=15, deadline=None)
def test_dedup_pairs_and_clusters_agree(picks):
    settings = load_settings(overrides=["embedder.kind=none"])
    subs = [make_sub(f"s{i}", DIFFERENT_SCENARIOS[k] + ("补充说明。" if extra else "")) for i, (k, extra) in enumerate(picks)]
    result = find_duplicates(subs, settings)
    keys = [(p.a_id, p.b_id) for p in result.pairs]
    assert all(a < b for a, b in keys) and len(set(keys)) == len(keys)
    assert all(0.0 <= p.similarity <= 1.0 for p in result.pairs)
    same = {(f"s{i}", f"s{j}") for i, (ki, _) in enumerate(picks) for j, (kj, _) in enumerate(picks)
            if ki == kj and f"s{i}" < f"s{j}"}
    assert set(keys) == same  # copies of one scenario pair up, different scenarios never do
    in_clusters = {m for c in result.clusters for m in c.members}
    assert in_clusters == {x for k in keys for x in k}
