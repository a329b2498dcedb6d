"""Homogenization clusters: groups of submissions that are one idea with names changed.

Connected components of the whole-text duplicate pairs (a copied section alone does not make
two submissions one idea). Each cluster gets a deterministic id (hash of its sorted members),
a label of top terms (jieba words in most members, rare in the batch), its units
and cities, and the member that looks like the original: the earliest round, then the most
complete (most filled fields, longest text), then the smallest id.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence

from ..records import DuplicateCluster, DuplicatePair, Submission
from ..text import match_key
from .words import WordWeights


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def pairs_to_components(pairs: Sequence[DuplicatePair], min_size: int) -> list[tuple[str, ...]]:
    uf = _UnionFind()
    for p in pairs:
        if p.scope == "whole":
            uf.union(p.a_id, p.b_id)
    groups: dict[str, list[str]] = {}
    for x in uf.parent:
        groups.setdefault(uf.find(x), []).append(x)
    return sorted(tuple(sorted(g)) for g in groups.values() if len(g) >= min_size)


def cluster_id(members: Sequence[str]) -> str:
    return "dc-" + hashlib.sha1("\n".join(sorted(members)).encode("utf-8")).hexdigest()[:12]


def original_member(members: Sequence[Submission], text_len: dict[str, int]) -> str:
    def key(s: Submission):
        filled = sum(1 for v in s.fields.values() if v)
        return (s.round or "\uffff", len(s.missing_fields), -filled, -text_len.get(s.id, 0), s.id)

    return min(members, key=key).id


def top_terms(member_words: Sequence[frozenset[str]], weights: WordWeights, n_terms: int) -> tuple[str, ...]:
    """Words found in at least half the members, ranked by presence times rarity in the batch."""
    presence: Counter = Counter()
    for words in member_words:
        presence.update(words)
    need = max(2, math.ceil(len(member_words) / 2))
    scored = sorted((-c * weights.idf(w), w) for w, c in presence.items() if c >= need)
    return tuple(w for _, w in scored[:n_terms])


def components_to_clusters(components: Sequence[tuple[str, ...]], pairs: Sequence[DuplicatePair],
                           subs: dict[str, Submission], words: dict[str, frozenset[str]], text_len: dict[str, int],
                           weights: WordWeights, n_terms: int) -> list[DuplicateCluster]:
    component_of = {m: n for n, members in enumerate(components) for m in members}
    inside_sims: dict[int, list[float]] = {}
    for p in pairs:
        if p.scope == "whole" and p.a_id in component_of:
            inside_sims.setdefault(component_of[p.a_id], []).append(p.similarity)
    out = []
    for n, members in enumerate(components):
        inside = inside_sims.get(n, [])
        member_subs = [subs[m] for m in members]
        units = sorted({s.applicant for s in member_subs if s.applicant}, key=lambda u: (match_key(u), u))
        out.append(DuplicateCluster(
            id=cluster_id(members), label=top_terms([words[m] for m in members], weights, n_terms),
            size=len(members), members=tuple(members), units=tuple(units),
            cities=tuple(sorted({s.city for s in member_subs if s.city})),
            original_id=original_member(member_subs, text_len),
            similarity=round(sum(inside) / len(inside), 4) if inside else 0.0))
    return sorted(out, key=lambda c: (-c.size, c.id))
