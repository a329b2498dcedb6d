"""Text features of the default model: jieba words and character n-grams, both TF-IDF.

Digits are folded to 0 so that "提升35%" and "提升60%" share features; the text is put in
Simplified script first so Traditional submissions meet the same vocabulary.
"""
from __future__ import annotations

import re
from functools import lru_cache

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from ..config import KNOWLEDGE_DIR
from ..text import normalize

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_STOP = frozenset("的 了 和 与 及 等 在 是 为 对 将 把 被 以 并 其 该 从 由 向 于 或 也 而 中 上 下 个 一 这 那 之 已 可 能 有 通过 进行 实现 开展 推进 提升 建设 场景".split())


def prepare(text: str) -> str:
    return _DIGITS.sub("0", normalize(text))


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.load_userdict(str(KNOWLEDGE_DIR / "jieba_words.txt"))
    return jieba


def words(text: str) -> list[str]:
    """jieba tokens of the prepared text, without punctuation and the commonest function words."""
    return [w for w in _jieba().lcut(text) if _KEEP.search(w) and w not in _STOP]


def build_vectorizer(word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (1, 3),
                     min_df: int = 1, max_features: int | None = 200_000) -> FeatureUnion:
    word = TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=True, ngram_range=word_ngrams,
                           min_df=min_df, sublinear_tf=True, max_features=max_features)
    char = TfidfVectorizer(analyzer="char", ngram_range=char_ngrams, min_df=min_df + 1, sublinear_tf=True,
                           max_features=max_features)
    return FeatureUnion([("word", word), ("char", char)])
