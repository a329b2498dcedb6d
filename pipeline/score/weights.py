"""Learning the rubric's weights from past reviewers' scores, and how well scores agree with them.

Kept simple and explainable: indicator values stay as the rules measure them; only the weights
change. A non-negative least-squares fit (scipy ``nnls``) on centred data, so every weight stays
≥ 0 and the intercept is absorbed; the fitted shares are pulled toward the hand-set ones by
``shrinkage`` (small reviewer sets are noisy). With per-condition reviewer scores the fit has two
levels: indicators within each condition against that condition's score, then the conditions
against the total. Agreement is Spearman's rank correlation on held-out submissions (k-fold),
reported next to the hand-set rubric and equal weights.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy.optimize import nnls
from scipy.stats import spearmanr

from ..records import ScoreCard
from .rubric import Rubric


def indicator_matrix(cards: list[ScoreCard], rubric: Rubric) -> np.ndarray:
    """Rows: cards; columns: the rubric's indicators in order; cells: the measured values."""
    order = [i.id for _, i in rubric.indicators]
    out = np.zeros((len(cards), len(order)))
    for r, card in enumerate(cards):
        values = {i.id: i.value for c in card.conditions for i in c.indicators}
        missing = [k for k in order if k not in values]
        if missing:
            raise ValueError(f"card {card.submission_id} was scored with another rubric (no {', '.join(missing)})")
        out[r] = [values[k] for k in order]
    return out


def spearman(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def _nnls_shares(X: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    coef, _ = nnls(Xc, yc)
    total = coef.sum()
    return coef / total if total > 0 else None


class RubricWeights:
    """Estimator of the effective indicator weights (condition weight × indicator weight).

    ``fit`` returns self; learned state ends in ``_``; ``predict`` needs a fitted estimator.
    """

    def __init__(self, rubric: Rubric, shrinkage: float = 0.2):
        self.rubric = rubric
        self.shrinkage = shrinkage

    def _hand(self) -> tuple[np.ndarray, list[np.ndarray], list[list[int]]]:
        cond_w = np.array([c.weight for c in self.rubric.conditions])
        within = [np.array([i.weight for i in c.indicators]) for c in self.rubric.conditions]
        cols, k = [], 0
        for c in self.rubric.conditions:
            cols.append(list(range(k, k + len(c.indicators))))
            k += len(c.indicators)
        return cond_w, within, cols

    def fit(self, X: np.ndarray, y: np.ndarray, condition_targets: np.ndarray | None = None) -> "RubricWeights":
        lam = self.shrinkage
        cond_w, within, cols = self._hand()
        if condition_targets is not None and condition_targets.shape[1] == len(cols):
            new_within = []
            for j, idx in enumerate(cols):
                target = condition_targets[:, j]
                ok = ~np.isnan(target)
                shares = _nnls_shares(X[ok][:, idx], target[ok]) if ok.sum() >= 3 and len(idx) > 1 else None
                w = within[j] if shares is None else (1 - lam) * shares + lam * within[j]
                new_within.append(w / w.sum())
            S = np.column_stack([X[:, idx] @ w for idx, w in zip(cols, new_within)])
            shares = _nnls_shares(S, y)
            cw = cond_w if shares is None else (1 - lam) * shares + lam * cond_w
            cw = cw / cw.sum()
            self.indicator_weights_ = new_within
            self.condition_weights_ = cw
            self.weights_ = np.concatenate([cw[j] * w for j, w in enumerate(new_within)])
            self.mode_ = "two-level"
        else:
            hand = np.concatenate([cond_w[j] * w for j, w in enumerate(within)])
            shares = _nnls_shares(X, y)
            e = hand if shares is None else (1 - lam) * shares + lam * hand
            e = e / e.sum()
            self.weights_ = e
            self.condition_weights_ = np.array([e[idx].sum() for idx in cols])
            self.indicator_weights_ = [e[idx] / e[idx].sum() if e[idx].sum() > 0 else within[j]
                                       for j, idx in enumerate(cols)]
            self.mode_ = "flat"
        return self

    def predict(self, X: np.ndarray, penalties: np.ndarray | None = None) -> np.ndarray:
        if not hasattr(self, "weights_"):
            raise RuntimeError("RubricWeights is not fitted; call fit(X, y) first")
        return totals(X, self.weights_, penalties)

    def to_rubric(self, version: str, provenance: dict | None = None) -> Rubric:
        """A new rubric: the same conditions, indicators, rules and params with the fitted weights."""
        if not hasattr(self, "weights_"):
            raise RuntimeError("RubricWeights is not fitted; call fit(X, y) first")
        cw = _round_to_one(self.condition_weights_)
        conditions = []
        for j, c in enumerate(self.rubric.conditions):
            ws = _round_to_one(self.indicator_weights_[j])
            conditions.append(replace(c, weight=cw[j],
                                      indicators=tuple(replace(i, weight=w) for i, w in zip(c.indicators, ws))))
        return replace(self.rubric, version=version, conditions=tuple(conditions), provenance=provenance or {}, path="")


def _round_to_one(w: np.ndarray, digits: int = 4) -> list[float]:
    out = [round(float(x), digits) for x in w]
    out[int(np.argmax(out))] = round(out[int(np.argmax(out))] + 1 - sum(out), digits)
    return out


def totals(X: np.ndarray, weights: np.ndarray, penalties: np.ndarray | None = None) -> np.ndarray:
    t = 100.0 * X @ weights
    if penalties is not None:
        t = t - penalties
    return np.clip(t, 0, 100)


def hand_weights(rubric: Rubric) -> np.ndarray:
    return np.array([c.weight * i.weight for c, i in rubric.indicators])


def cross_validate(X: np.ndarray, y: np.ndarray, rubric: Rubric, *, penalties: np.ndarray | None = None,
                   condition_targets: np.ndarray | None = None, folds: int = 5, seed: int = 0,
                   shrinkage: float = 0.2) -> dict:
    """Held-out Spearman of fitted weights, next to the hand-set rubric and equal weights.

    Each submission is predicted once, by weights fitted without it; the Spearman is computed on
    the pooled held-out predictions (and per fold, averaged).
    """
    from sklearn.model_selection import KFold

    n = len(y)
    folds = max(2, min(folds, n))
    pen = np.zeros(n) if penalties is None else penalties
    fitted = np.zeros(n)
    per_fold = []
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(X):
        ct = None if condition_targets is None else condition_targets[train]
        model = RubricWeights(rubric, shrinkage).fit(X[train], y[train], ct)
        fitted[test] = model.predict(X[test], pen[test])
        per_fold.append((spearman(fitted[test], y[test]), spearman(totals(X[test], hand_weights(rubric), pen[test]), y[test])))
    hand = totals(X, hand_weights(rubric), pen)
    equal = totals(X, np.full(X.shape[1], 1 / X.shape[1]), pen)

    def mean(xs):
        xs = [x for x in xs if not math.isnan(x)]
        return round(float(np.mean(xs)), 4) if xs else float("nan")

    return {
        "n": n, "folds": folds, "seed": seed, "shrinkage": shrinkage,
        "mode": "two-level" if condition_targets is not None else "flat",
        "spearman_heldout_fitted": round(spearman(fitted, y), 4),
        "spearman_hand_set": round(spearman(hand, y), 4),
        "spearman_equal_weights": round(spearman(equal, y), 4),
        "per_fold_mean_fitted": mean([a for a, _ in per_fold]),
        "per_fold_mean_hand_set": mean([b for _, b in per_fold]),
    }
