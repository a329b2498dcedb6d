"""Verify candidate pairs exactly and combine the evidence into duplicate pairs.

For a candidate pair the exact measures are: the Jaccard similarity and the containment of
the boilerplate-discounted, masked shingle sets of the whole texts and of every section, the
IDF-weighted Jaccard of their words (words.py), and the embedding cosine. The decision, in order:

* ``exact``: the compact texts are identical;
* lexical Jaccard >= ``lexical_threshold`` (or one text contains the other): the same text
  edited. It is a ``light_edit`` when the texts also share their specific words (IDF-weighted
  word Jaccard >= ``same_content_words``), else a ``template``: one skeleton filled with
  another scenario's content;
* ``paraphrase``: cosine >= the embedder's threshold, or cosine >= its floor *and* word
  evidence >= ``paraphrase_words`` (the same company, place and method told in other words);
* a section that matches while another section does not (a section copied into an otherwise
  new application) makes a pair with ``scope="section"``, whatever the whole-text evidence.

Matching passages are aligned sentence to sentence (greedy one-to-one on character-bigram
Jaccard of the masked sentences), skipping boilerplate sentences.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..config import DedupSettings
from ..records import AlignedPassage, Detector, DuplicateKind, DuplicatePair
from .fingerprint import WHOLE, Doc
from .shingles import compact, kgram_hashes, sorted_unique


@dataclass(frozen=True)
class PairEvidence:
    a: int  # owner indices, a < b
    b: int
    exact: bool
    lexical: float
    containment: float
    words: float
    semantic: float | None
    sections: dict[str, float]
    section_exact: bool
    detectors: tuple[Detector, ...]

    @property
    def best_section(self) -> float:
        return max(self.sections.values(), default=0.0)


# --- exact similarity --------------------------------------------------------------------


def overlap(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment in the smaller set) of two sorted unique hash arrays."""
    if len(x) == 0 or len(y) == 0:
        return 0.0, 0.0
    inter = len(np.intersect1d(x, y, assume_unique=True))
    return inter / (len(x) + len(y) - inter), inter / min(len(x), len(y))


def comparable_sets(da: Doc, db: Doc) -> tuple[np.ndarray, np.ndarray]:
    """Content shingles of two documents at one shingle size (the smaller one's)."""
    if da.k == db.k:
        return da.content, db.content
    k = min(da.k, db.k)
    return (da.content if da.k == k else sorted_unique(kgram_hashes(da.masked, k)),
            db.content if db.k == k else sorted_unique(kgram_hashes(db.masked, k)))


def doc_similarity(da: Doc, db: Doc, min_shingles: int) -> tuple[float, float]:
    x, y = comparable_sets(da, db)
    if min(len(x), len(y)) < min_shingles:
        return 0.0, 0.0
    return overlap(x, y)


def section_similarities(a_docs: Sequence[Doc], b_docs: Sequence[Doc], cfg: DedupSettings) -> tuple[dict[str, float], bool]:
    """Best match of each section of a among b's sections (same key first); key ``a~b`` if keys differ."""
    a_sec = [d for d in a_docs if d.section != WHOLE] or [d for d in a_docs if d.section == WHOLE]
    b_sec = [d for d in b_docs if d.section != WHOLE] or [d for d in b_docs if d.section == WHOLE]
    out: dict[str, float] = {}
    exact = False
    if len(a_sec) + len(b_sec) <= 2 and all(d.section == WHOLE for d in (*a_sec, *b_sec)):
        return out, exact  # single-section texts: the whole-text similarity says it all
    for da in a_sec:
        if da.chars < cfg.min_section_chars:
            continue
        best, best_key = 0.0, ""
        for db in b_sec:
            if db.chars < cfg.min_section_chars:
                continue
            if da.exact and da.exact == db.exact:
                exact = True
            sim, _ = doc_similarity(da, db, cfg.min_content_shingles)
            key = da.label if da.label == db.label else f"{da.label}~{db.label}"
            if sim > best or (sim == best and da.label == db.label):
                best, best_key = sim, key
        if best_key:
            out[best_key] = round(best, 4)
    return out, exact


def verify_pair(a: int, b: int, a_docs: Sequence[Doc], b_docs: Sequence[Doc], semantic: float | None,
                words: float, detectors: tuple[Detector, ...], cfg: DedupSettings) -> PairEvidence:
    wa, wb = a_docs[0], b_docs[0]  # the whole documents come first
    lexical, containment = doc_similarity(wa, wb, cfg.min_content_shingles)
    sections, section_exact = section_similarities(a_docs, b_docs, cfg)
    return PairEvidence(a=a, b=b, exact=bool(wa.exact) and wa.exact == wb.exact, lexical=lexical,
                        containment=containment, words=words, semantic=semantic,
                        sections=sections, section_exact=section_exact, detectors=detectors)


# --- decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    kind: DuplicateKind
    similarity: float
    scope: str


def evidence_to_decision(ev: PairEvidence, cfg: DedupSettings, semantic: tuple[float, float] | None) -> Decision | None:
    """``semantic`` is the embedder's (threshold alone, floor with word evidence), None without one."""
    if ev.exact:
        return Decision("exact", 1.0, "whole")
    if ev.best_section >= cfg.section_threshold and min(ev.sections.values()) < cfg.lexical_threshold:
        # one section copied, another one new: a copied section in an otherwise new application
        return Decision("exact" if ev.section_exact else "light_edit", ev.best_section, "section")
    if ev.lexical >= cfg.lexical_threshold or ev.containment >= cfg.containment_threshold:
        kind = "light_edit" if ev.words >= cfg.same_content_words else "template"
        return Decision(kind, max(ev.lexical, ev.words) if ev.lexical >= cfg.lexical_threshold else ev.containment,
                        "whole")
    if ev.semantic is not None and semantic is not None:
        alone, floor = semantic
        if ev.semantic >= alone or (ev.semantic >= floor and ev.words >= cfg.paraphrase_words):
            return Decision("paraphrase", ev.semantic, "whole")
    if ev.best_section >= cfg.section_threshold:
        return Decision("exact" if ev.section_exact else "light_edit", ev.best_section, "section")
    return None


# --- alignment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    section: str
    text: str
    grams: frozenset[str]


def doc_sentences(docs: Sequence[Doc]) -> list[Sentence]:
    """Sentences of the sections (or of the whole text when there are none), boilerplate dropped."""
    parts = [d for d in docs if d.section != WHOLE] or list(docs[:1])
    out = []
    for d in parts:
        for i, text in enumerate(d.sentences):
            if d.boilerplate_sentences[i]:
                continue
            masked = d.masked[d.offsets[i]:d.offsets[i + 1]]
            grams = frozenset(masked[j:j + 2] for j in range(len(masked) - 1))
            if len(grams) >= 3:
                out.append(Sentence(d.label, text, grams))
    return out


def align_passages(a_docs: Sequence[Doc], b_docs: Sequence[Doc], cfg: DedupSettings) -> tuple[AlignedPassage, ...]:
    if cfg.evidence_passages == 0:
        return ()
    sa = doc_sentences(a_docs)
    sb = doc_sentences(b_docs)
    scored = []
    for i, x in enumerate(sa):
        for j, y in enumerate(sb):
            inter = len(x.grams & y.grams)
            if inter:
                sim = inter / (len(x.grams) + len(y.grams) - inter)
                if sim >= cfg.evidence_min_similarity:
                    scored.append((-sim, i, j))
    scored.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for neg, i, j in scored:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((i, j, -neg))
        if len(chosen) == cfg.evidence_passages:
            break
    chosen.sort()
    return tuple(AlignedPassage(section_a=sa[i].section, section_b=sb[j].section, a=sa[i].text, b=sb[j].text,
                                similarity=round(min(sim, 1.0), 4)) for i, j, sim in chosen)


# --- pairs -------------------------------------------------------------------------------


def evidence_to_pair(ev: PairEvidence, decision: Decision, ids: Sequence[str], a_docs: Sequence[Doc],
                     b_docs: Sequence[Doc], cfg: DedupSettings) -> DuplicatePair:
    a_id, b_id = ids[ev.a], ids[ev.b]
    if a_id > b_id:
        a_id, b_id, a_docs, b_docs = b_id, a_id, b_docs, a_docs
    detectors = set(ev.detectors)
    if decision.scope == "section":
        detectors.add("section")
    return DuplicatePair(
        a_id=a_id, b_id=b_id, similarity=round(min(max(decision.similarity, 0.0), 1.0), 4), kind=decision.kind,
        scope=decision.scope, lexical=round(ev.lexical, 4),
        semantic=None if ev.semantic is None else round(min(max(ev.semantic, 0.0), 1.0), 4),
        sections=dict(sorted(ev.sections.items())), evidence=align_passages(a_docs, b_docs, cfg),
        detectors=tuple(sorted(detectors)))


def has_content(docs: Sequence[Doc]) -> bool:
    return bool(docs) and bool(compact(docs[0].text))
