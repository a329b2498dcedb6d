"""Boilerplate: shingles every applicant writes, which must not make two scenarios look alike.

Two sources, both document frequencies of shingles:

* the reference documents (the call, its forms, provincial and national policy texts):
  shipped as hashed 4-character shingles in ``knowledge/dedup_boilerplate.txt``, built by
  ``data/dedup/build_boilerplate.py`` together with the short policy phrases listed in
  ``knowledge/dedup_phrases.yaml`` (贯彻落实, 新质生产力, 降本增效 ...). A ``k``-shingle
  (``k >= 4``) is boilerplate when every 4-character window inside it is;
* the batch itself: a shingle found in at least ``max(min_docs, max_df * n)`` submissions
  is boilerplate (policy phrases and form labels nobody listed yet).

A third source works per sentence: a sentence whose character bigrams are mostly policy
language (``knowledge/dedup_policy_bigrams.txt``: bigrams far more frequent in the policy
documents than in scenario descriptions) is a policy sentence, even when its wording is new.

Boilerplate shingles are dropped before MinHash and before the exact Jaccard; every shingle of
a boilerplate sentence is dropped too, and boilerplate sentences are left out of embeddings.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..config import KNOWLEDGE_DIR
from ..errors import KnowledgeFileError
from ..text import normalize
from ..yaml_files import read_yaml
from .shingles import compact, covered_windows, kgram_hashes, member

REFERENCE_K = 4
BOILERPLATE_FILE = KNOWLEDGE_DIR / "dedup_boilerplate.txt"
POLICY_BIGRAMS_FILE = KNOWLEDGE_DIR / "dedup_policy_bigrams.txt"
PHRASES_FILE = KNOWLEDGE_DIR / "dedup_phrases.yaml"
_EMPTY = np.zeros(0, dtype=np.uint64)


@dataclass(frozen=True)
class Boilerplate:
    """Sorted hash arrays: reference 4-gram hashes, and batch shingle hashes of size ``k``."""

    reference: np.ndarray
    batch: np.ndarray
    k: int


def texts_to_reference_hashes(texts: list[str]) -> np.ndarray:
    """Sorted unique 4-gram hashes of normalized, compacted texts."""
    parts = [kgram_hashes(compact(normalize(t)), REFERENCE_K) for t in texts if t]
    return np.unique(np.concatenate(parts)) if parts else _EMPTY


def read_hash_file(path: Path) -> np.ndarray:
    """One hexadecimal hash per line; ``#`` starts a comment."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise KnowledgeFileError(f"boilerplate file not found: {path}; rebuild it with "
                                 f"python data/dedup/build_boilerplate.py") from None
    try:
        values = [int(s, 16) for s in (line.split("#", 1)[0].strip() for line in lines) if s]
    except ValueError as exc:
        raise KnowledgeFileError(f"{path}: every line must be one hexadecimal hash ({exc})") from None
    return np.unique(np.array(values, dtype=np.uint64))


@lru_cache(maxsize=4)
def read_phrases(path: Path = PHRASES_FILE) -> dict[str, tuple[str, ...]]:
    """The hand-written lists: ``policy_phrases``, ``form_phrases`` and ``places``."""
    data = read_yaml(path, "phrase") or {}
    out = {}
    for key in ("policy_phrases", "form_phrases", "places"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise KnowledgeFileError(f"{path}: {key} must be a list of strings")
        out[key] = tuple(normalize(v) for v in value)
    return out


@lru_cache(maxsize=4)
def load_reference(path: Path = BOILERPLATE_FILE, phrases: Path = PHRASES_FILE) -> np.ndarray:
    """Shipped reference hashes plus the hand-listed phrases, sorted unique."""
    listed = read_phrases(phrases)
    phrase_hashes = texts_to_reference_hashes(list(listed["policy_phrases"] + listed["form_phrases"]))
    return np.union1d(read_hash_file(path), phrase_hashes)


@lru_cache(maxsize=4)
def load_policy_bigrams(path: Path = POLICY_BIGRAMS_FILE) -> np.ndarray:
    """Sorted hashes of the policy-language character bigrams (one bigram per line, ``#`` comments)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise KnowledgeFileError(f"policy bigram file not found: {path}; rebuild it with "
                                 f"python data/dedup/build_boilerplate.py") from None
    grams = [g for g in (line.split("#", 1)[0].strip() for line in lines) if g]
    bad = [g for g in grams if len(g) != 2]
    if bad:
        raise KnowledgeFileError(f"{path}: every line must be two characters, got {bad[:5]}")
    return np.unique(np.concatenate([kgram_hashes(g, 2) for g in grams])) if grams else _EMPTY


def policy_flags(text: str, policy: np.ndarray) -> np.ndarray:
    """For each 2-character window of a compact text: is it a policy-language bigram?"""
    return member(kgram_hashes(text, 2), policy)


def reference_flags(text: str, k: int, reference: np.ndarray) -> np.ndarray:
    """For each ``k``-window of a compact text: is it covered by reference 4-grams?

    Windows shorter than 4 characters are never reference boilerplate.
    """
    n = max(len(text) - k + 1, 0)
    if k < REFERENCE_K or len(reference) == 0 or n == 0:
        return np.zeros(n, dtype=bool)
    grams = kgram_hashes(text, REFERENCE_K)
    hit = member(grams, reference)
    return covered_windows(hit, k - REFERENCE_K + 1)


def batch_boilerplate(shingle_sets: list[np.ndarray], max_df: float, min_docs: int) -> np.ndarray:
    """Shingles found in at least ``max(min_docs, max_df * n)`` of the texts (each set unique)."""
    n = len(shingle_sets)
    cut = max(min_docs, int(np.ceil(max_df * n)))
    if n < cut or n == 0:
        return _EMPTY
    values, counts = np.unique(np.concatenate(shingle_sets), return_counts=True)
    return values[counts >= cut]
