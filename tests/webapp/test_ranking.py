"""Sums and ranks per category, disagreements, progress, the shortlist (pure functions)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.webapp.models import Review, SubmissionRow, User
from pipeline.webapp.ranking import disagreements, progress, rank_categories, shortlist, standings
from pipeline.webapp.rubric import parse_rubric

FORM = parse_rubric({"version": "t", "scale": 100, "conditions": [
    {"id": "a", "name": "甲", "weight": 0.5}, {"id": "b", "name": "乙", "weight": 0.5}]})


def row(pk: int, sid: str, unit="slt", sub_area="water", status="routed", override=None, pre=None) -> SubmissionRow:
    return SubmissionRow(pk=pk, submission_id=sid, name=sid, applicant="", city="", unit=unit, sub_area=sub_area,
                         route_status=status, override=override, prescore_total=pre)


def review(pk: int, user: int, a: float, b: float, unit="slt", status="submitted", decision="推荐") -> Review:
    return Review(submission_pk=pk, user_id=user, unit=unit, status=status, scores={"a": a, "b": b},
                  total=FORM.total({"a": a, "b": b}), decision=decision)


def test_ranking_total_is_the_weighted_sum_and_reviewers_are_averaged(tax):
    rows = [row(1, "S1"), row(2, "S2")]
    reviews = [review(1, 1, 80, 60), review(1, 2, 60, 60), review(2, 1, 90, 90)]
    items = {s.submission_id: s for s in standings(rows, reviews, FORM, tax, 60)}
    assert items["S1"].total == 65.0 and items["S1"].conditions == {"a": 70.0, "b": 60.0}
    assert items["S1"].spread == 10.0 and items["S2"].spread is None
    ranked = rank_categories(list(items.values()), "sub_area")["water"]
    assert [(s.submission_id, s.rank) for s in ranked] == [("S2", 1), ("S1", 2)]
    assert list(rank_categories(list(items.values()), "domain")) == ["governance"]


def test_ranking_drafts_and_other_units_reviews_do_not_count(tax):
    rows = [row(1, "S1", unit="yjt", sub_area="emergency")]
    reviews = [review(1, 1, 10, 10, unit="slt"), review(1, 2, 90, 90, unit="yjt", status="draft")]
    (item,) = standings(rows, reviews, FORM, tax, 60)
    assert item.total is None and item.n_reviews == 0 and item.n_drafts == 1
    assert rank_categories([item])["emergency"][0].rank == 0


def test_ranking_ties_share_a_rank_and_unscored_come_last(tax):
    rows = [row(i, f"S{i}", pre=i) for i in range(1, 5)]
    reviews = [review(1, 1, 70, 70), review(2, 1, 70, 70), review(3, 1, 50, 50)]
    ranked = rank_categories(standings(rows, reviews, FORM, tax, 60))["water"]
    assert [(s.submission_id, s.rank) for s in ranked] == [("S2", 1), ("S1", 1), ("S3", 3), ("S4", 0)]


def test_ranking_shortlist_needs_cutoff_and_majority_and_honours_overrides(tax):
    rows = [row(1, "S1"), row(2, "S2"), row(3, "S3", override="include"), row(4, "S4", override="exclude"),
            row(5, "S5")]
    reviews = [review(1, 1, 80, 80), review(2, 1, 80, 80, decision="不推荐"), review(3, 1, 10, 10),
               review(4, 1, 99, 99), review(5, 1, 59, 59)]
    chosen = [s.submission_id for s in shortlist(standings(rows, reviews, FORM, tax, 60), tax)]
    assert chosen == ["S1", "S3"]


def test_ranking_disagreements_by_total_or_by_condition(tax):
    rows = [row(1, "S1"), row(2, "S2"), row(3, "S3")]
    reviews = [review(1, 1, 90, 90), review(1, 2, 50, 50),  # totals 40 apart
               review(2, 1, 100, 20), review(2, 2, 60, 60),  # same total, condition a 40 apart
               review(3, 1, 70, 70), review(3, 2, 65, 65)]
    hits = disagreements(standings(rows, reviews, FORM, tax, 60), 20, 30)
    assert [s.submission_id for s in hits] == ["S1", "S2"]


def test_ranking_progress_per_unit(tax):
    rows = [row(1, "S1"), row(2, "S2"), row(3, "S3"), row(4, "S4", status="returned")]
    rows[3].returned_by = "slt"
    users = [User(id=1, name="a", role="reviewer", unit="slt", active=True),
             User(id=2, name="b", role="reviewer", unit="slt", active=True)]
    reviews = [review(1, 1, 1, 1), review(1, 2, 1, 1), review(2, 1, 1, 1), review(3, 2, 1, 1, status="draft")]
    slt = next(p for p in progress(rows, reviews, users, tax) if p.unit == "slt")
    assert (slt.reviewers, slt.routed, slt.reviewed, slt.complete, slt.drafts, slt.returned) == (2, 3, 2, 1, 1, 1)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100)), min_size=1, max_size=12))
def test_ranking_ranks_follow_totals(tax, scores):
    rows = [row(i, f"S{i:02d}") for i in range(len(scores))]
    reviews = [review(i, 1, a, b) for i, (a, b) in enumerate(scores)]
    ranked = rank_categories(standings(rows, reviews, FORM, tax, 60))["water"]
    totals = [s.total for s in ranked]
    assert totals == sorted(totals, reverse=True)
    for s in ranked:
        assert s.rank == 1 + sum(1 for t in totals if t > s.total)
