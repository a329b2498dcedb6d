import pytest

from pipeline.records import DedupResult, DuplicateCluster, DuplicatePair, HistoryMatch
from pipeline.score.penalties import duplicate_penalties


def pair(a, b, kind="light_edit", scope="whole", sim=0.8):
    return DuplicatePair(a_id=a, b_id=b, similarity=sim, kind=kind, scope=scope)


def cluster(members, original):
    return DuplicateCluster(id="dc-x", label=("客服",), size=len(members), members=tuple(sorted(members)),
                            original_id=original)


def test_penalties_cluster_original_is_flagged_not_charged(rubric):
    d = DedupResult(pairs=(pair("A", "B"), pair("A", "C"), pair("B", "C")), clusters=(cluster("ABC", "A"),))
    pens = duplicate_penalties(d, rubric.penalties)
    assert pens["A"].points == 0 and pens["A"].flagged
    assert pens["B"].points == pens["C"].points == rubric.penalties["light_edit"]


def test_penalties_exact_copy_charges_the_strongest_evidence_only(rubric):
    d = DedupResult(pairs=(pair("A", "B", "exact", sim=1.0),), clusters=(cluster("AB", "A"),))
    pens = duplicate_penalties(d, rubric.penalties)
    assert pens["B"].points == rubric.penalties["exact_copy"]  # not exact + cluster_member
    assert len(pens["B"].reasons) == 2 and "完全相同" in pens["B"].reasons[0]  # the costliest reason first


def test_penalties_pair_outside_a_cluster_charges_both_halves(rubric):
    pens = duplicate_penalties(DedupResult(pairs=(pair("A", "B", "template", scope="section"),)), rubric.penalties)
    expected = rubric.penalties["template"] * rubric.penalties["section_factor"] * rubric.penalties["unknown_original"]
    assert pens["A"].points == pens["B"].points == pytest.approx(expected)
    assert "原始稿不明" in pens["A"].reasons[0]


def test_penalties_history_adds_and_is_capped(rubric):
    d = DedupResult(pairs=(pair("A", "B", "exact"),), clusters=(cluster("AB", "A"),),
                    history=(HistoryMatch(submission_id="B", round="2025", past_id="P1", past_name="往届场景",
                                          selected=True, kind="copies_selected", similarity=0.95),))
    pens = duplicate_penalties(d, rubric.penalties)
    assert pens["B"].points == rubric.penalties["max_points"]  # 20 + 25 capped at 30
    assert any("往届" in r for r in pens["B"].reasons)


def test_penalties_none_or_empty_dedup_gives_nothing(rubric):
    assert duplicate_penalties(None, rubric.penalties) == {}
    assert duplicate_penalties(DedupResult(), rubric.penalties) == {}
