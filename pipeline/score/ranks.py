"""Ranks of the score cards: overall, within the routed sub-area and within the routed unit.

Competition ranking on totals rounded to one decimal (equal totals share a rank; the next rank
skips), so the order never depends on input order. A card without a sub-area or unit gets 0 there.
"""
from __future__ import annotations

from collections import defaultdict

from ..records import ScoreCard


def competition_ranks(totals: dict[str, float]) -> dict[str, int]:
    rounded = {k: round(v, 1) for k, v in totals.items()}
    values = sorted(rounded.values(), reverse=True)
    first = {}
    for i, v in enumerate(values, 1):
        first.setdefault(v, i)
    return {k: first[v] for k, v in rounded.items()}


def _group_ranks(cards: list[ScoreCard], key) -> dict[str, int]:
    groups: dict[str, dict[str, float]] = defaultdict(dict)
    for c in cards:
        if key(c):
            groups[key(c)][c.submission_id] = c.total
    out: dict[str, int] = {}
    for members in groups.values():
        out.update(competition_ranks(members))
    return out


def assign_ranks(cards: list[ScoreCard]) -> list[ScoreCard]:
    """The same cards, in the same order, with their three ranks filled in."""
    overall = competition_ranks({c.submission_id: c.total for c in cards})
    in_sub = _group_ranks(cards, lambda c: c.sub_area)
    in_unit = _group_ranks(cards, lambda c: c.unit)
    return [c.model_copy(update={"rank_overall": overall[c.submission_id],
                                 "rank_in_sub_area": in_sub.get(c.submission_id, 0),
                                 "rank_in_unit": in_unit.get(c.submission_id, 0)}) for c in cards]
