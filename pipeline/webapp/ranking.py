"""Sums, ranks, progress and disagreement: plain functions over the rows of one round.

As the call's 部门联审 says, each submission's condition scores are summed (weighted by the rubric)
into a total; the totals of the submitted reviews of the department it is routed to are averaged;
the submissions are ranked within each category (sub-area or domain). Drafts and reviews left by a
department it was routed to before do not count.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from statistics import mean

from ..taxonomy import Taxonomy
from .models import Review, SubmissionRow, User
from .rubric import ScoringForm

CATEGORIES = ("sub_area", "domain")


@dataclass
class Standing:
    """One submission's place in the joint review."""

    submission_id: str
    name: str
    applicant: str
    city: str
    unit: str | None
    sub_area: str | None
    domain: str | None
    route_status: str
    prescore_total: float | None
    conditions: dict[str, float | None]  # mean score per condition
    total: float | None  # mean of the reviewers' totals
    n_reviews: int  # submitted reviews that count
    n_drafts: int
    spread: float | None  # max − min of the reviewers' totals
    condition_spread: float | None  # the largest max − min over the conditions
    votes: dict[str, int] = field(default_factory=dict)  # decision -> count
    override: str | None = None
    shortlisted: bool = False
    rank: int = 0  # within its category, set by ``rank_categories``

    @property
    def recommended(self) -> bool:
        return self.votes.get("推荐", 0) > self.votes.get("不推荐", 0)


def counting(row: SubmissionRow, reviews: list[Review]) -> list[Review]:
    """The reviews that count for a submission: submitted, by the unit it is routed to now."""
    return [r for r in reviews if r.status == "submitted" and r.unit == row.unit]


def standing_of(row: SubmissionRow, reviews: list[Review], form: ScoringForm, tax: Taxonomy,
                cutoff: float) -> Standing:
    done = counting(row, reviews)
    conditions: dict[str, float | None] = {}
    spreads = []
    for cid in form.condition_ids:
        values = [float(r.scores[cid]) for r in done if r.scores.get(cid) is not None]
        conditions[cid] = round(mean(values), 2) if values else None
        if len(values) > 1:
            spreads.append(max(values) - min(values))
    totals = [r.total for r in done if r.total is not None]
    sub_area = row.sub_area if row.sub_area in tax.sub_areas else None
    st = Standing(
        submission_id=row.submission_id, name=row.name, applicant=row.applicant, city=row.city, unit=row.unit,
        sub_area=sub_area, domain=tax.sub_areas[sub_area].domain if sub_area else None,
        route_status=row.route_status, prescore_total=row.prescore_total, conditions=conditions,
        total=round(mean(totals), 2) if totals else None, n_reviews=len(done),
        n_drafts=sum(1 for r in reviews if r.status == "draft" and r.unit == row.unit),
        spread=round(max(totals) - min(totals), 2) if len(totals) > 1 else None,
        condition_spread=round(max(spreads), 2) if spreads else None,
        votes=dict(Counter(r.decision for r in done if r.decision)), override=row.override)
    if row.override == "include":
        st.shortlisted = True
    elif row.override == "exclude":
        st.shortlisted = False
    else:
        st.shortlisted = bool(st.total is not None and st.total >= cutoff and st.recommended
                              and row.route_status == "routed")
    return st


def standings(rows: list[SubmissionRow], reviews: list[Review], form: ScoringForm, tax: Taxonomy,
              cutoff: float) -> list[Standing]:
    by_sub: dict[int, list[Review]] = defaultdict(list)
    for r in reviews:
        by_sub[r.submission_pk].append(r)
    return [standing_of(row, by_sub[row.pk], form, tax, cutoff) for row in rows]


def _sort_key(st: Standing):
    return (st.total is None, -(st.total or 0.0), -(st.prescore_total or 0.0), st.submission_id)


def rank_categories(items: list[Standing], by: str = "sub_area") -> dict[str, list[Standing]]:
    """Category id -> its standings best first, with ``rank`` set (equal totals share a rank).

    Submissions without a counted review are listed last and unranked (rank 0).
    """
    if by not in CATEGORIES:
        raise ValueError(f"rank by {by!r}: use one of {', '.join(CATEGORIES)}")
    groups: dict[str, list[Standing]] = defaultdict(list)
    for st in items:
        groups[getattr(st, by) or ""].append(st)
    for group in groups.values():
        group.sort(key=_sort_key)
        previous, rank = None, 0
        for i, st in enumerate(group, 1):
            if st.total is None:
                st.rank = 0
                continue
            if st.total != previous:
                rank, previous = i, st.total
            st.rank = rank
    return dict(groups)


def shortlist(items: list[Standing], tax: Taxonomy) -> list[Standing]:
    """The shortlisted submissions, by domain and sub-area in the taxonomy's order, best first."""
    ranked = rank_categories(items, "sub_area")
    out: list[Standing] = []
    for sid in tax.sub_areas:
        out += [st for st in ranked.get(sid, []) if st.shortlisted]
    return out


@dataclass(frozen=True)
class UnitProgress:
    unit: str
    name: str
    reviewers: int
    routed: int  # submissions in its queue now
    reviewed: int  # with at least one counted review
    complete: int  # with a counted review from every reviewer of the unit
    drafts: int  # submissions with a draft and no counted review
    returned: int  # sent back by this unit, waiting for the commission

    @property
    def share(self) -> float:
        return self.reviewed / self.routed if self.routed else 1.0


def progress(rows: list[SubmissionRow], reviews: list[Review], users: list[User], tax: Taxonomy) -> list[UnitProgress]:
    by_sub: dict[int, list[Review]] = defaultdict(list)
    for r in reviews:
        by_sub[r.submission_pk].append(r)
    reviewers = Counter(u.unit for u in users if u.role == "reviewer" and u.active)
    out = []
    for uid, unit in tax.units.items():
        queue = [row for row in rows if row.unit == uid and row.route_status == "routed"]
        counted = [len({r.user_id for r in counting(row, by_sub[row.pk])}) for row in queue]
        drafts = sum(1 for row, n in zip(queue, counted)
                     if n == 0 and any(r.status == "draft" and r.unit == uid for r in by_sub[row.pk]))
        out.append(UnitProgress(uid, unit.name, reviewers[uid], len(queue), sum(1 for n in counted if n),
                                sum(1 for n in counted if reviewers[uid] and n >= reviewers[uid]), drafts,
                                sum(1 for row in rows if row.route_status == "returned" and row.returned_by == uid)))
    return out


def disagreements(items: list[Standing], total_points: float, condition_points: float) -> list[Standing]:
    """Submissions whose reviewers' totals, or one condition's scores, lie far apart; worst first."""
    hits = [st for st in items if (st.spread or 0) >= total_points or (st.condition_spread or 0) >= condition_points]
    return sorted(hits, key=lambda st: (-(st.spread or 0), -(st.condition_spread or 0), st.submission_id))
