"""Word evidence: IDF-weighted Jaccard of the jieba words two texts share.

Paraphrases share few character runs but keep the specifics of the scenario: the company,
the place, the equipment, the method. Weighting shared words by their rarity in the batch
separates them from different scenarios of the same sub-area, which share only the common
words of the field. The document frequencies are counted on a sample of the batch and
smoothed with ``prior_docs`` pseudo-documents, so a tiny batch still gives sensible weights.
"""
from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9+.-]*$")


def content_words(text: str) -> frozenset[str]:
    """Distinct jieba words of two or more characters (Chinese or Latin; no bare numbers)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return frozenset(w for w in jieba.lcut(text) if len(w) >= 2 and _WORD.match(w))


@dataclass(frozen=True)
class WordWeights:
    df: Counter
    n_docs: int
    prior_docs: int = 20

    def idf(self, word: str) -> float:
        return math.log((self.n_docs + self.prior_docs) / (self.df.get(word, 0) + 1))


def texts_to_weights(texts: Sequence[str], prior_docs: int = 20) -> WordWeights:
    df: Counter = Counter()
    for t in texts:
        df.update(content_words(t))
    return WordWeights(df, len(texts), prior_docs)


def weighted_jaccard(a: Iterable[str], b: Iterable[str], weights: WordWeights) -> float:
    a, b = set(a), set(b)
    union = sum(weights.idf(w) for w in a | b)
    return sum(weights.idf(w) for w in a & b) / union if union > 0 else 0.0
