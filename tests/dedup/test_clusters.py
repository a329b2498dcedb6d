"""Homogenization clusters: one template used by several units and cities."""
from __future__ import annotations

from dedup_texts import DIFFERENT_SCENARIOS, make_sub

from pipeline.dedup import find_duplicates
from pipeline.dedup.clusters import cluster_id

TEMPLATE = (
    "{city}{unit}建设“AI+社区网格”智能巡查场景，网格员手机拍照上传后，模型自动识别占道经营、垃圾乱堆和违规停车等问题，"
    "事件自动分拨到责任部门并跟踪办结，群众可在小程序查看处置进度。"
    "运行以来事件平均处置时长由{days}天缩短到{hours}小时，网格员日均巡查时间减少{pct}%。"
)
CITIES = [("湖州", "吴兴区城市管理局", "3", "6", "30"), ("衢州", "柯城区综合执法局", "4", "8", "25"),
          ("丽水", "莲都区城管中心", "2", "5", "35")]


def _template_batch():
    subs = [make_sub(f"bg{i:02d}", t) for i, t in enumerate(DIFFERENT_SCENARIOS)]
    for n, (city, unit, days, hours, pct) in enumerate(CITIES):
        subs.append(make_sub(f"t{n}", TEMPLATE.format(city=city, unit=unit, days=days, hours=hours, pct=pct),
                             applicant=unit, city=city + "市", round_="2026" if n else "2025",
                             goals="网格智能巡查" if n == 1 else ""))
    return subs


def test_clusters_one_template_used_by_three_cities(settings):
    result = find_duplicates(_template_batch(), settings)
    (cluster,) = result.clusters
    assert cluster.members == ("t0", "t1", "t2") and cluster.size == 3
    assert cluster.id == cluster_id(["t2", "t1", "t0"])
    assert set(cluster.cities) == {"湖州市", "衢州市", "丽水市"}
    assert len(cluster.units) == 3
    assert cluster.original_id == "t0"  # the earliest round wins over the most complete
    assert any(term in {"网格", "网格员", "巡查", "小程序", "占道", "分拨"} for term in cluster.label)
    assert all(p.kind in ("light_edit", "template", "exact") for p in result.pairs)


def test_clusters_are_deterministic_under_input_order(settings):
    batch = _template_batch()
    first = find_duplicates(batch, settings)
    second = find_duplicates(list(reversed(batch)), settings)
    assert first.clusters == second.clusters
    assert first.pairs == second.pairs


def test_clusters_none_for_different_scenarios(settings, background):
    result = find_duplicates(background, settings)
    assert not result.clusters and not result.pairs
