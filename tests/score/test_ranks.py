from pipeline.records import ScoreCard
from pipeline.score.ranks import assign_ranks, competition_ranks


def card(sid, total, sub_area="", unit=""):
    return ScoreCard(submission_id=sid, rubric_version="t", total=total, sub_area=sub_area, unit=unit)


def test_ranks_ties_share_a_rank_and_the_next_skips():
    assert competition_ranks({"a": 90, "b": 80, "c": 80.04, "d": 70}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_ranks_within_sub_area_and_unit_keep_input_order():
    cards = [card("a", 50, "water", "slt"), card("b", 90, "manufacturing", "jxt"),
             card("c", 70, "logistics", "jxt"), card("d", 60, "water", "slt"), card("e", 40)]
    out = assign_ranks(cards)
    assert [c.submission_id for c in out] == ["a", "b", "c", "d", "e"]
    r = {c.submission_id: (c.rank_overall, c.rank_in_sub_area, c.rank_in_unit) for c in out}
    assert r == {"a": (4, 2, 2), "b": (1, 1, 1), "c": (2, 1, 2), "d": (3, 1, 1), "e": (5, 0, 0)}
