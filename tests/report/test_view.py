"""The view every rendering is made from: routes, pairs seen from each side, flags, order, masking."""
from __future__ import annotations

import pytest

from pipeline.bundle import RunBundle
from pipeline.config import ReportSettings
from pipeline.report.view import bundle_to_view, mask_view, round_label

from .conftest import PII_FOUNDATION


def by_id(view):
    return {s.id: s for s in view.submissions}


def test_view_pair_is_oriented_from_each_side(bundle, taxonomy):
    subs = by_id(bundle_to_view(bundle, taxonomy, ReportSettings()))
    mine, theirs = subs["S0000000003"].pairs[0], subs["S0000000004"].pairs[0]
    assert (mine.other_id, theirs.other_id) == ("S0000000004", "S0000000003")
    assert mine.passages[1].self_text.endswith("（本）") and mine.passages[1].other_text.endswith("（对方）")
    assert theirs.passages[1].self_text.endswith("（对方）") and theirs.passages[1].other_text.endswith("（本）")
    assert mine.passages[0].self_label == "场景建设目标" and mine.kind_label == "轻度改写"


def test_view_passages_per_pair_is_a_setting(bundle, taxonomy):
    subs = by_id(bundle_to_view(bundle, taxonomy, ReportSettings(passages_per_pair=1)))
    assert len(subs["S0000000003"].pairs[0].passages) == 1


def test_view_route_falls_back_when_there_is_no_prediction(bundle, taxonomy):
    s6 = by_id(bundle_to_view(bundle, taxonomy, ReportSettings()))["S0000000006"]
    assert s6.route.prediction is None and s6.route.route_by_hand
    assert (s6.route.routed_by, s6.route.unit_name) == ("authority", "省应急管理厅")
    assert {f.code for f in s6.flags} >= {"unclassified", "route_by_hand", "error", "unscored"}


def test_view_route_shows_declared_against_predicted(bundle, taxonomy):
    s5 = by_id(bundle_to_view(bundle, taxonomy, ReportSettings()))["S0000000005"]
    assert s5.route.declared_text == "应急管理" and s5.route.sub_area_name == "智慧水利"
    assert [(c.name, c.declared, c.chosen) for c in s5.route.candidates] == [
        ("智慧水利", False, True), ("应急管理", True, False), ("生态环保", False, False)]
    assert {f.code for f in s5.flags} >= {"route_by_hand", "declared_mismatch", "cluster", "warning"}


def test_view_is_sorted_by_pre_score_and_unscored_last(scored_bundle, taxonomy):
    view = bundle_to_view(scored_bundle, taxonomy, ReportSettings())
    totals = [s.score.total for s in view.submissions]
    assert totals == sorted(totals, reverse=True)
    assert view.meta.rubric_version == "rubric-test-1" and view.counts.scored == 6
    unscored = bundle_to_view(RunBundle(submissions=scored_bundle.submissions), taxonomy, ReportSettings())
    assert all(s.score is None and s.flags[-1].label == "未评分" for s in unscored.submissions)
    assert [s.id for s in unscored.submissions] == sorted(s.id for s in scored_bundle.submissions)


def test_view_counts_and_meta(bundle, taxonomy):
    view = bundle_to_view(bundle, taxonomy, ReportSettings(title="预审报告"))
    assert view.meta.title == "预审报告（2026年第1轮）"
    assert view.counts.pairs == 1 and view.counts.clusters == 1 and view.counts.history == 1
    assert view.counts.files_failed == 2 and view.counts.findings == {"warning": 2, "error": 2}
    assert [f.code for f in view.file_findings] == ["file_unreadable"]


@pytest.mark.parametrize("raw, label", [("2026-1", "2026年第1轮"), ("2026第2轮", "2026年第2轮"), ("试点批次", "试点批次"),
                                        ("", "")])
def test_view_round_label(raw, label):
    assert round_label(raw) == label


def test_view_masking_reaches_every_text_but_not_ids(scored_bundle, taxonomy):
    view = bundle_to_view(scored_bundle, taxonomy, ReportSettings())
    raw = view.model_dump_json()
    assert "13905733321" in raw and PII_FOUNDATION[:10] in raw
    masked = mask_view(view)
    text = masked.model_dump_json()
    for number in ("13905733321", "330481198806150028", "87054876"):
        assert number not in text
    assert [s.id for s in masked.submissions] == [s.id for s in view.submissions]
    s2 = by_id(masked)["S0000000002"]
    assert "139****3321" in s2.route.prediction.evidence_passages[0]  # evidence too, not only fields
    assert "139****3321" in s2.score.conditions[0].indicators[0].evidence[0]  # and the score's evidence
