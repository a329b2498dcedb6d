"""The dedup stage: fingerprint → candidates → verify → combine → cluster → history check.

    result = find_duplicates(submissions, settings, history=store.past_scenarios())

Candidates come cheaply from three detectors (identical compact-text keys, MinHash-LSH over
boilerplate-discounted shingles, embedding neighbours); each candidate is then verified with
exact similarities and the evidence combined into a kind (see combine.py). Past rounds are
fingerprinted with the batch; a pair of a new and a past submission becomes a HistoryMatch.
Every step is timed in ``result.timings``.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager

import numpy as np

from ..config import Settings, load_settings
from ..embedding import Embedder, make_embedder
from ..errors import SettingsError
from ..records import DedupResult, DuplicateCluster, DuplicatePair, Finding, HistoryMatch, Submission
from .boilerplate import load_policy_bigrams, load_reference
from .clusters import components_to_clusters, pairs_to_components
from .combine import Decision, PairEvidence, evidence_to_decision, evidence_to_pair, verify_pair
from .exact import groups_to_pairs, keys_to_groups
from .fingerprint import Doc, content_text, submissions_to_docs
from .history import PastScenario, to_history_match
from .minhash import shingles_to_signatures, signatures_to_candidates
from .semantic import vectors_to_candidates
from .words import WordWeights, content_words, texts_to_weights, weighted_jaccard

Progress = Callable[[str, int, int], None]
Pair = tuple[int, int]
WORD_SAMPLE = 2000  # batch texts sampled for the word document frequencies (word evidence, cluster labels)


class StepTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = round(self.seconds.get(step, 0.0) + time.perf_counter() - start, 4)


def find_duplicates(submissions: Sequence[Submission], settings: Settings | None = None,
                    history: Sequence[PastScenario] | None = None, embedder: Embedder | None = None,
                    progress: Progress | None = None) -> DedupResult:
    settings = settings if settings is not None else load_settings()
    cfg = settings.dedup
    timer = StepTimer()
    report = progress or (lambda step, done, total: None)

    with timer("prepare"):
        subs, findings = prepare_batch(submissions, cfg.fields)
        past = [p for p in (history or ()) if p.submission.round
                and any((p.submission.fields.get(k) or "").strip() for k in cfg.fields)]
        items = subs + [p.submission for p in past]
        n_new = len(subs)
    if not subs:
        findings.append(Finding(code="dedup_empty_batch", severity="warning",
                                message="没有可比较的申报内容 (no submission with text to compare)"))
        return DedupResult(findings=tuple(findings), timings=timer.seconds, stats={"submissions": 0})

    with timer("fingerprint"):
        reference = load_reference() if cfg.boilerplate_reference else np.zeros(0, dtype=np.uint64)
        policy = load_policy_bigrams() if cfg.boilerplate_reference else np.zeros(0, dtype=np.uint64)
        docs, batch_bp = submissions_to_docs(items, cfg, reference, policy,
                                             progress=lambda d, t: report("fingerprint", d, t))
        by_owner = docs_by_owner(docs, len(items))
    with timer("exact"):
        owners = [d.owner for d in docs]
        exact = groups_to_pairs(keys_to_groups([d.exact for d in docs], owners), owners)
    with timer("minhash"):
        enough = [d.content if len(d.content) >= cfg.min_content_shingles else d.content[:0] for d in docs]
        signatures = shingles_to_signatures(enough, cfg.num_perm, progress=lambda d, t: report("minhash", d, t))
        near = signatures_to_candidates(signatures, owners, cfg.lsh_threshold, cfg.num_perm, cfg.max_bucket,
                                        min_estimate=cfg.lexical_threshold / 2)
    with timer("embed"):
        texts = [content_text(by_owner[i][0]) for i in range(len(items))]
        clipped = [t[:cfg.embed_max_chars] for t in texts]
        if embedder is None:
            embedder = make_embedder(settings.embedder, fit_texts=clipped)
        vectors = embedder.encode(clipped) if embedder is not None else None
        semantic = semantic_thresholds(embedder, cfg)
    with timer("semantic"):
        close: dict[Pair, float] = {}
        if vectors is not None:
            close = vectors_to_candidates(vectors, semantic[1], cfg.semantic_top_k)
    candidates = merge_candidates(exact, near, close, n_new)

    with timer("verify"):
        weights = texts_to_weights(texts[::max(1, len(texts) // WORD_SAMPLE)], cfg.word_prior_docs)
        words = WordCache(texts)
        decided = verify_candidates(candidates, by_owner, vectors, words, weights, semantic, cfg)
    with timer("combine"):
        pairs, matches = combine(decided, items, n_new, past, by_owner, cfg)
    with timer("cluster"):
        clusters = pairs_to_clusters(pairs, subs, texts, words, weights, cfg)

    stats = {"submissions": n_new, "past_scenarios": len(past), "documents": len(docs),
             "candidates_exact": len(exact), "candidates_minhash": len(near), "candidates_semantic": len(close),
             "candidates": len(candidates), "pairs": len(pairs), "clusters": len(clusters),
             "history_matches": len(matches), "boilerplate_batch_shingles": int(len(batch_bp)),
             "boilerplate_reference_shingles": int(len(reference)),
             "embedder": embedder.name if embedder is not None else "none",
             "semantic_threshold": semantic[0] if semantic else "", "semantic_floor": semantic[1] if semantic else ""}
    return DedupResult(pairs=tuple(pairs), clusters=tuple(clusters), history=tuple(matches),
                       findings=tuple(findings), timings=timer.seconds, stats=stats)


# --- steps -------------------------------------------------------------------------------


def prepare_batch(submissions: Sequence[Submission], keys: Sequence[str]) -> tuple[list[Submission], list[Finding]]:
    """Drop repeated ids (the first is kept) and submissions without text to compare, with findings;
    sort by id, so that every later step (and every sample it draws) is independent of input order."""
    seen: set[str] = set()
    out, findings = [], []
    for sub in submissions:
        if sub.id in seen:
            findings.append(Finding(code="dedup_duplicate_id", severity="error", submission_id=sub.id,
                                    message=f"编号重复，仅比较第一条 (id {sub.id} repeated; only the first is compared)"))
            continue
        seen.add(sub.id)
        if not any((sub.fields.get(k) or "").strip() for k in keys):
            findings.append(Finding(code="dedup_empty_text", severity="warning", submission_id=sub.id,
                                    message="没有可比较的场景描述文字，未参与查重 (no text to compare; skipped)"))
            continue
        out.append(sub)
    return sorted(out, key=lambda s: s.id), findings


def docs_by_owner(docs: Sequence[Doc], n: int) -> list[list[Doc]]:
    out: list[list[Doc]] = [[] for _ in range(n)]
    for d in docs:
        out[d.owner].append(d)
    return out


def semantic_thresholds(embedder: Embedder | None, cfg) -> tuple[float, float] | None:
    """(cosine alone, cosine with word evidence) for this embedder, from the settings."""
    if embedder is None:
        return None
    kind = embedder.name.split(":", 1)[0]
    if kind not in cfg.semantic_thresholds or kind not in cfg.semantic_floors:
        raise SettingsError(f"no semantic threshold for embedder {embedder.name!r}: set "
                            f"dedup.semantic_thresholds.{kind} and dedup.semantic_floors.{kind}")
    alone, floor = cfg.semantic_thresholds[kind], cfg.semantic_floors[kind]
    return alone, min(alone, floor)


class WordCache:
    """Word sets of the batch texts, computed on first use (only candidates need them)."""

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        self._cache: dict[int, frozenset[str]] = {}

    def __getitem__(self, i: int) -> frozenset[str]:
        if i not in self._cache:
            self._cache[i] = content_words(self.texts[i])
        return self._cache[i]


def cosine(vectors: np.ndarray | None, a: int, b: int) -> float | None:
    return None if vectors is None else float(np.clip(vectors[a] @ vectors[b], -1.0, 1.0))


def merge_candidates(exact: set[Pair], near: set[Pair], close: dict[Pair, float], n_new: int) -> dict[Pair, tuple]:
    """Candidate pairs with the detectors that proposed them; pairs of two past scenarios are dropped."""
    out: dict[Pair, set[str]] = {}
    for name, pairs in (("exact", exact), ("minhash", near), ("semantic", close.keys())):
        for pair in pairs:
            if pair[0] < n_new:
                out.setdefault(pair, set()).add(name)
    return {pair: tuple(sorted(names)) for pair, names in out.items()}


def verify_candidates(candidates: dict[Pair, tuple], by_owner: Sequence[list[Doc]], vectors: np.ndarray | None,
                      words: "WordCache", weights: WordWeights, semantic: tuple[float, float] | None,
                      cfg) -> list[tuple[PairEvidence, Decision]]:
    """Exact evidence for every candidate; only the pairs that make a decision are kept."""
    decided = []
    for (a, b), detectors in sorted(candidates.items()):
        ev = verify_pair(a, b, by_owner[a], by_owner[b], cosine(vectors, a, b),
                         weighted_jaccard(words[a], words[b], weights), detectors, cfg)
        decision = evidence_to_decision(ev, cfg, semantic)
        if decision is not None:
            decided.append((ev, decision))
    return decided


def pairs_to_clusters(pairs: Sequence[DuplicatePair], subs: Sequence[Submission], texts: Sequence[str],
                      words: "WordCache", weights: WordWeights, cfg) -> list[DuplicateCluster]:
    components = pairs_to_components(pairs, cfg.cluster_min_size)
    if not components:
        return []
    index = {s.id: i for i, s in enumerate(subs)}
    members = {m for c in components for m in c}
    return components_to_clusters(components, pairs, {s.id: s for s in subs}, {m: words[index[m]] for m in members},
                                  {m: len(texts[index[m]]) for m in members}, weights, cfg.cluster_label_terms)


def combine(decided: Sequence[tuple[PairEvidence, Decision]], items: Sequence[Submission], n_new: int,
            past: Sequence[PastScenario], by_owner: Sequence[list[Doc]],
            cfg) -> tuple[list[DuplicatePair], list[HistoryMatch]]:
    """Pairs inside the batch (with aligned evidence) and matches with past rounds."""
    ids = [s.id for s in items]
    pairs: list[DuplicatePair] = []
    matches: list[HistoryMatch] = []
    for ev, decision in decided:
        if ev.b < n_new:
            pairs.append(evidence_to_pair(ev, decision, ids, by_owner[ev.a], by_owner[ev.b], cfg))
        elif decision.scope == "whole" and items[ev.a].round != items[ev.b].round:
            matches.append(to_history_match(items[ev.a], past[ev.b - n_new], round(decision.similarity, 4),
                                            decision.kind))
    pairs.sort(key=lambda p: (-p.similarity, p.a_id, p.b_id))
    matches.sort(key=lambda m: (m.submission_id, -m.similarity, m.round, m.past_id))
    return pairs, matches
