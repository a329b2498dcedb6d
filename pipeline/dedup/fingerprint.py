"""Submissions → documents with fingerprints: exact keys and boilerplate-flagged shingle sets.

A *document* is the whole content of a submission, or one of its sections (goals, effects,
the explanation's parts ...) when it has several. Each document is split into sentences
(kept as written, for evidence), masked (digits and place or unit names → placeholders),
compacted and shingled. Boilerplate flags come from the reference shingles first, then
from the batch's document frequencies, computed over whole documents.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import yaml

from ..config import KNOWLEDGE_DIR, DedupSettings
from ..records import Submission
from ..text import normalize
from .boilerplate import batch_boilerplate, policy_flags, read_phrases, reference_flags
from .exact import exact_key
from .shingles import compact, kgram_hashes, mask_text, member, sentences, shingle_size, sorted_unique

WHOLE = "*"  # section key of the whole-submission document


@dataclass(frozen=True)
class Doc:
    owner: int  # index of the submission in the batch
    section: str  # field key, or WHOLE
    label: str  # field key(s) the text came from, "+"-joined for the whole document
    sentences: tuple[str, ...]  # as written (normalized), for evidence and embedding
    masked: str  # compact masked text, all sentences joined
    offsets: np.ndarray  # start of each sentence in ``masked``; len(sentences) + 1 entries
    k: int
    hashes: np.ndarray  # sorted unique shingle hashes of ``masked``
    boilerplate: np.ndarray  # bool per hash
    boilerplate_sentences: np.ndarray  # bool per sentence: policy language, form labels, batch boilerplate
    exact: str  # exact key of the unmasked text
    positions: np.ndarray | None = field(repr=False, default=None)  # window hashes in text order (until flagged)
    reference_hits: np.ndarray | None = field(repr=False, default=None)  # per window: reference boilerplate
    policy_hits: np.ndarray | None = field(repr=False, default=None)  # per bigram: policy language

    @property
    def content(self) -> np.ndarray:
        return self.hashes[~self.boilerplate]

    @property
    def text(self) -> str:
        return "".join(self.sentences)

    @property
    def chars(self) -> int:
        return len(self.masked)


# --- what to read ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Cities and counties of knowledge/places.yaml plus the places of dedup_phrases.yaml."""
    names: list[str] = list(read_phrases()["places"])
    path = KNOWLEDGE_DIR / "places.yaml"
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for city, counties in (data.get("cities") or {}).items():
            names += [city, city.removesuffix("市")] + [str(c) for c in counties or ()]
    return tuple(normalize(n) for n in names if n)


def submission_sections(sub: Submission, keys: Sequence[str]) -> list[tuple[str, str]]:
    """(field key, text) of every non-empty content field, in ``keys`` order (fields are normalized
    by ingestion and by io.read_batch)."""
    return [(k, sub.fields[k]) for k in keys if compact(sub.fields.get(k, ""))]


def submission_names(sub: Submission, cfg: DedupSettings) -> tuple[tuple[str, ...], ...]:
    """Name lists to mask, in order: the submission's own applicant, city and place, then all places."""
    if not cfg.mask_places:
        return ()
    own = tuple(sorted({normalize(x) for x in (sub.applicant, sub.city, sub.location) if x and len(x) >= 2}))
    return (own, place_names()) if own else (place_names(),)


def mask_all(text: str, name_lists: tuple[tuple[str, ...], ...], mask_digits: bool) -> str:
    text = mask_text(text, (), mask_digits)
    for names in name_lists:
        text = mask_text(text, names, False)
    return text


# --- one document ------------------------------------------------------------------------


def text_to_doc(owner: int, section: str, label: str, text: str, names: tuple[tuple[str, ...], ...],
                cfg: DedupSettings, reference: np.ndarray, policy: np.ndarray) -> Doc:
    sents = tuple(sentences(text, min_chars=1))
    masked_parts = [compact(mask_all(s, names, cfg.mask_digits)) for s in sents]
    offsets = np.cumsum([0] + [len(p) for p in masked_parts])
    masked = "".join(masked_parts)
    k = shingle_size(len(masked), cfg.shingle_size, cfg.short_chars, cfg.short_shingle_size)
    positions = kgram_hashes(masked, k)
    hashes = sorted_unique(positions)
    return Doc(owner=owner, section=section, label=label, sentences=sents, masked=masked, offsets=offsets, k=k,
               hashes=hashes, boilerplate=np.zeros(len(hashes), dtype=bool), boilerplate_sentences=np.zeros(len(sents), dtype=bool),
               exact=exact_key(text), positions=positions, reference_hits=reference_flags(masked, k, reference),
               policy_hits=policy_flags(masked, policy))


def submission_to_docs(owner: int, sub: Submission, cfg: DedupSettings, reference: np.ndarray,
                       policy: np.ndarray) -> list[Doc]:
    """The whole-text document first, then one per section when there are two or more."""
    sections = submission_sections(sub, cfg.fields)
    if not sections:
        return []
    names = submission_names(sub, cfg)
    label = "+".join(k for k, _ in sections)
    whole = text_to_doc(owner, WHOLE, label, "\n".join(t for _, t in sections), names, cfg, reference, policy)
    docs = [whole]
    if len(sections) > 1:
        docs += [text_to_doc(owner, key, key, text, names, cfg, reference, policy)
                 for key, text in sections if len(compact(text)) >= cfg.min_section_chars]
    return docs


# --- the batch ---------------------------------------------------------------------------


def apply_batch_boilerplate(doc: Doc, batch: np.ndarray, cfg: DedupSettings) -> Doc:
    """Flag a document's boilerplate shingles: windows in the reference or among the batch's
    frequent shingles, and every window of a boilerplate sentence (one where such windows reach
    ``boilerplate_sentence_share``, or policy bigrams ``policy_sentence_share``).
    A shingle is boilerplate when all its occurrences in the document are."""
    hits = doc.reference_hits | member(doc.positions, batch) if len(batch) else doc.reference_hits
    shares = sentence_shares(doc.offsets, hits)
    policy = sentence_shares(doc.offsets, doc.policy_hits)
    boiler = (shares >= cfg.boilerplate_sentence_share) | (policy >= cfg.policy_sentence_share)
    if boiler.all():
        boiler[:] = False  # nothing but boilerplate: compare it as it is rather than not at all
    in_boilerplate_sentence = np.repeat(boiler, np.diff(doc.offsets))[:len(hits)]
    flagged = hits | in_boilerplate_sentence
    content = sorted_unique(doc.positions[~flagged])
    return replace(doc, boilerplate=~member(doc.hashes, content), boilerplate_sentences=boiler,
                   positions=None, reference_hits=None, policy_hits=None)


def sentence_shares(offsets: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """Share of boilerplate windows among the windows starting in each sentence."""
    n = len(offsets) - 1
    if n <= 0 or len(hits) == 0:
        return np.zeros(max(n, 0))
    starts = np.minimum(offsets[:-1], len(hits))
    lengths = np.maximum(np.minimum(offsets[1:], len(hits)) - starts, 0)
    sums = np.add.reduceat(np.append(hits.astype(float), 0.0), starts)[:n] * (lengths > 0)
    return np.divide(sums, lengths, out=np.zeros(n), where=lengths > 0)


def docs_to_batch_boilerplate(docs: Sequence[Doc], cfg: DedupSettings) -> np.ndarray:
    whole = [d.hashes for d in docs if d.section == WHOLE]
    return batch_boilerplate(whole, cfg.boilerplate_max_df, cfg.boilerplate_min_docs)


def submissions_to_docs(subs: Sequence[Submission], cfg: DedupSettings, reference: np.ndarray,
                        policy: np.ndarray, progress=None) -> tuple[list[Doc], np.ndarray]:
    """Fingerprint every submission; returns the documents and the batch boilerplate hashes."""
    docs: list[Doc] = []
    for i, sub in enumerate(subs):
        docs += submission_to_docs(i, sub, cfg, reference, policy)
        if progress and i % 2000 == 0:
            progress(i, len(subs))
    batch = docs_to_batch_boilerplate(docs, cfg)
    return [apply_batch_boilerplate(d, batch, cfg) for d in docs], batch


def content_text(doc: Doc) -> str:
    """The document's sentences without the boilerplate ones (all of them if none is left)."""
    kept = [s for s, boiler in zip(doc.sentences, doc.boilerplate_sentences) if not boiler]
    return "".join(kept) if kept else doc.text

