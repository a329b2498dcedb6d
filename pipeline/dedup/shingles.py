"""Text → comparable forms: compact text, masked text, sentences, hashed character shingles.

A shingle is a run of ``k`` characters of the compact text (no whitespace, no punctuation,
lower case), so copies that differ only in spacing or punctuation width shingle alike.
Shingles are 64-bit hashes computed with numpy (a polynomial rolling hash over code points,
finished with the MurmurHash3 mixer): stable across runs and processes, unlike ``hash()``.
Texts shorter than ``short_chars`` use ``short_k``-character shingles so that a short summary
line still has enough shingles to compare.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_NON_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*%?")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
_MULT = np.uint64(0x100000001B3)
_EMPTY = np.zeros(0, dtype=np.uint64)

DIGIT_MASK = "δ"
NAME_MASK = "λ"


def compact(text: str) -> str:
    """Text without whitespace and punctuation, lower case: the form exact keys and shingles read."""
    return _NON_CONTENT.sub("", text or "").lower()


def mask_text(text: str, names: tuple[str, ...] = (), mask_digits: bool = True) -> str:
    """Digits become ``DIGIT_MASK`` and each of ``names`` (places, the applicant) ``NAME_MASK``.

    Two texts from one template differ mostly in these; masking lets them shingle alike.
    The masks are letters, so they survive ``compact``.
    """
    if mask_digits:
        text = _DIGITS.sub(DIGIT_MASK, text)
    if names:
        text = names_pattern(names).sub(NAME_MASK, text)
    return text


@lru_cache(maxsize=1024)
def names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """One alternation of the names, longest first, so that 杭州市 is masked before 杭州."""
    ordered = sorted({n for n in names if n}, key=lambda n: (-len(n), n))
    return re.compile("|".join(map(re.escape, ordered))) if ordered else re.compile(r"(?!)")


def sentences(text: str, min_chars: int = 4) -> list[str]:
    """Sentences and lines of a text, trimmed; fragments shorter than ``min_chars`` content chars dropped."""
    out = []
    for piece in _SENTENCE_END.split(text or ""):
        piece = piece.strip()
        if len(compact(piece)) >= min_chars:
            out.append(piece)
    return out


def codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: a bijection that spreads structured hashes evenly."""
    v = values ^ (values >> np.uint64(33))
    v = v * np.uint64(0xFF51AFD7ED558CCD)
    v = v ^ (v >> np.uint64(33))
    v = v * np.uint64(0xC4CEB9FE1A85EC53)
    return v ^ (v >> np.uint64(33))


def kgram_hashes(text: str, k: int) -> np.ndarray:
    """Hash of every ``k``-character window of ``text``, in text order (duplicates kept)."""
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    cps = codepoints(text)
    n = len(cps) - k + 1
    if n <= 0:
        return _EMPTY
    h = np.full(n, np.uint64(k), dtype=np.uint64)  # the size is part of the hash: 3- and 4-grams never collide
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * _MULT + cps[j:j + n]
        return fmix64(h)


def shingle_size(text_len: int, k: int, short_chars: int, short_k: int) -> int:
    return k if text_len >= short_chars else min(k, short_k)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for the short arrays of one text (sort + neighbour test, no hashing)."""
    if len(values) < 2:
        return values.copy()
    s = np.sort(values)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` for a sorted ``sorted_set``, by binary search."""
    if len(sorted_set) == 0 or len(values) == 0:
        return np.zeros(len(values), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[idx] == values


def shingle_set(text: str, k: int) -> np.ndarray:
    """Sorted unique shingle hashes of an already compact text."""
    return sorted_unique(kgram_hashes(text, k))


def to_uint32(hashes: np.ndarray) -> np.ndarray:
    """Fold 64-bit shingle hashes to the 32-bit values MinHash's affine32 scheme takes."""
    return ((hashes >> np.uint64(32)) ^ (hashes & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def covered_windows(flags: np.ndarray, width: int) -> np.ndarray:
    """``out[i]`` is True when ``flags[i:i+width]`` are all True (sliding AND, vectorized)."""
    n = len(flags) - width + 1
    if n <= 0:
        return np.zeros(0, dtype=bool)
    misses = np.concatenate(([0], np.cumsum(~flags)))
    return (misses[width:width + n] - misses[:n]) == 0


@dataclass(frozen=True)
class ShingleProfile:
    """The shingles of one text: all of them, and the flags of those that are boilerplate."""

    k: int
    hashes: np.ndarray  # sorted unique uint64
    boilerplate: np.ndarray  # bool, aligned with hashes

    @property
    def content(self) -> np.ndarray:
        return self.hashes[~self.boilerplate]
