"""Homogenization and duplicate penalties from the dedup stage's result.

Points (rubric ``penalties``) are taken off the total and shown separately on the card. In the
batch, only the strongest piece of evidence counts (an exact copy is not also charged as a cluster
member); a history match counts on top; the sum is capped. The original of a cluster is not
penalized but still flagged, so a reviewer looks at the whole group.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..records import DedupResult

KIND_NAMES = {"exact": "完全相同", "light_edit": "轻度改写", "paraphrase": "同一场景换说法", "template": "同一模板"}
HISTORY_NAMES = {"resubmits_selected": "重复申报往届已入选场景", "copies_selected": "抄用往届入选场景",
                 "resubmits": "重复申报往届场景"}
_KIND_KEY = {"exact": "exact_copy", "light_edit": "light_edit", "paraphrase": "paraphrase", "template": "template"}


@dataclass
class Penalty:
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)  # Chinese, one per piece of evidence
    flagged: bool = False  # in a pair, cluster or history match, penalized or not


def duplicate_penalties(dedup: DedupResult | None, rules: dict[str, float]) -> dict[str, Penalty]:
    """Submission id -> its penalty; submissions without duplicate evidence are absent."""
    out: dict[str, Penalty] = {}
    if dedup is None:
        return out
    batch: dict[str, float] = {}
    past: dict[str, float] = {}

    costs: dict[str, list[float]] = {}

    def note(sid: str, text: str, points: float, into: dict[str, float]) -> None:
        pen = out.setdefault(sid, Penalty())
        pen.flagged = True
        pen.reasons.append(text + (f"（扣{points:g}分）" if points else ""))
        costs.setdefault(sid, []).append(points)
        into[sid] = max(into.get(sid, 0.0), points)

    original_of: dict[str, str] = {}
    for c in dedup.clusters:
        for m in c.members:
            original_of[m] = c.original_id
        for m in c.members:
            others = [x for x in c.members if x != m]
            if m == c.original_id:
                note(m, f"与{len(others)}份申报为同一思路或模板（同质化组），本份被判为原始稿", 0.0, batch)
            else:
                note(m, f"与{c.original_id}等{len(others)}份为同质化组，非原始稿", rules["cluster_member"], batch)

    for pair in dedup.pairs:
        base = rules[_KIND_KEY[pair.kind]]
        if pair.scope == "section":
            base *= rules["section_factor"]
        kind = KIND_NAMES.get(pair.kind, pair.kind) + ("（部分章节）" if pair.scope == "section" else "")
        a_orig, b_orig = original_of.get(pair.a_id), original_of.get(pair.b_id)
        if a_orig and a_orig == b_orig:  # same cluster: only the non-original pays
            copies = [x for x in (pair.a_id, pair.b_id) if x != a_orig]
            for sid in copies:
                other = pair.b_id if sid == pair.a_id else pair.a_id
                note(sid, f"与{other}{kind}，相似度{pair.similarity:.2f}", base, batch)
            for sid in (pair.a_id, pair.b_id):
                if sid not in copies:
                    other = pair.b_id if sid == pair.a_id else pair.a_id
                    note(sid, f"与{other}{kind}，相似度{pair.similarity:.2f}，本份被判为原始稿", 0.0, batch)
        else:  # who copied whom is unknown
            share = base * rules["unknown_original"]
            for sid, other in ((pair.a_id, pair.b_id), (pair.b_id, pair.a_id)):
                note(sid, f"与{other}{kind}，相似度{pair.similarity:.2f}，原始稿不明", share, batch)

    for h in dedup.history:
        points = rules.get(h.kind, 0.0)
        name = HISTORY_NAMES.get(h.kind, h.kind)
        note(h.submission_id, f"{name}：{h.round} {h.past_name or h.past_id}，相似度{h.similarity:.2f}", points, past)

    for sid, pen in out.items():
        pen.points = round(min(rules["max_points"], batch.get(sid, 0.0) + past.get(sid, 0.0)), 2)
        order = sorted(range(len(pen.reasons)), key=lambda i: -costs[sid][i])  # costliest first, stable
        pen.reasons = [pen.reasons[i] for i in order]
    return out
