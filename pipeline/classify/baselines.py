"""Baselines every metric is reported against: the most frequent class and keyword rules
built from the taxonomy file alone (names, aliases and descriptions)."""
from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from ..taxonomy import Taxonomy
from .features import prepare, words


def most_frequent() -> DummyClassifier:
    return DummyClassifier(strategy="most_frequent")


class KeywordRules(ClassifierMixin, BaseEstimator):
    """Counts each sub-area's taxonomy words in the text; ties and no hits fall to the prior."""

    def __init__(self, taxonomy: Taxonomy | None = None):
        self.taxonomy = taxonomy

    def fit(self, X, y) -> "KeywordRules":
        tax = self.taxonomy
        self.classes_ = np.array(sorted(tax.sub_areas))
        doc_freq: Counter = Counter()
        vocab: dict[str, set[str]] = {}
        for sid, sa in tax.sub_areas.items():
            terms = set(words(prepare(" ".join((sa.name, *sa.aliases, sa.description)))))
            vocab[sid] = {t for t in terms if len(t) >= 2}
            doc_freq.update(vocab[sid])
        # A word in many sub-areas' descriptions (智能, 平台) says nothing about any one of them.
        self.keywords_ = {sid: {t: 1.0 / doc_freq[t] for t in ts if doc_freq[t] <= 3} for sid, ts in vocab.items()}
        prior = Counter(y)
        self.prior_ = np.array([prior.get(c, 0) + 1e-3 for c in self.classes_], dtype=float)
        self.prior_ /= self.prior_.sum()
        return self

    def predict_proba(self, X) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)))
        for i, text in enumerate(X):
            toks = Counter(words(prepare(text)))
            scores = np.array([sum(w * toks[t] for t, w in self.keywords_[c].items()) for c in self.classes_])
            out[i] = scores + 1e-3 * self.prior_
            out[i] /= out[i].sum()
        return out

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
