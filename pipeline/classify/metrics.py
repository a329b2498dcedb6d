"""Metrics of a classifier on labeled texts: sub-area, domain, unit, top-3, calibration and
the routing trade-off (precision of automatically routed submissions against their share)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from ..taxonomy import Taxonomy
from .calibration import expected_calibration_error

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.20, 0.99, 0.02))


def unit_probabilities(proba: np.ndarray, classes, tax: Taxonomy) -> tuple[np.ndarray, list[str]]:
    units = sorted({tax.sub_area(c).unit for c in classes})
    index = {u: i for i, u in enumerate(units)}
    out = np.zeros((proba.shape[0], len(units)))
    for j, c in enumerate(classes):
        out[:, index[tax.sub_area(c).unit]] += proba[:, j]
    return out, units


def routing_curve(proba: np.ndarray, classes, y_true, tax: Taxonomy) -> list[dict]:
    uprob, units = unit_probabilities(proba, classes, tax)
    pred_unit = np.array(units)[uprob.argmax(axis=1)]
    conf = uprob.max(axis=1)
    true_unit = np.array([tax.sub_area(y).unit for y in y_true])
    rows = []
    for t in THRESHOLDS:
        auto = conf >= t
        prec = float((pred_unit[auto] == true_unit[auto]).mean()) if auto.any() else 1.0
        rows.append({"threshold": t, "coverage": float(auto.mean()), "precision": prec})
    return rows


def choose_threshold(curve: list[dict], target_precision: float = 0.97) -> float:
    """Lowest threshold whose auto-routed precision reaches the target (on held-out predictions)."""
    for row in curve:
        if row["precision"] >= target_precision:
            return row["threshold"]
    return curve[-1]["threshold"]


def evaluate_proba(proba: np.ndarray, classes, y_true, tax: Taxonomy, threshold: float | None = None) -> dict:
    classes = np.asarray(classes)
    y_true = np.asarray(y_true)
    pred = classes[proba.argmax(axis=1)]
    index = {c: i for i, c in enumerate(classes)}
    y_idx = np.array([index.get(y, -1) for y in y_true])
    top3 = np.argsort(-proba, axis=1)[:, :3]
    in_top3 = np.array([y_idx[i] in top3[i] for i in range(len(y_idx))])
    dom_true = [tax.domain_of(y) for y in y_true]
    dom_pred = [tax.domain_of(p) for p in pred]
    unit_true = [tax.sub_area(y).unit for y in y_true]
    unit_pred = [tax.sub_area(p).unit for p in pred]
    labels = sorted(tax.sub_areas)
    per_class = f1_score(y_true, pred, labels=labels, average=None, zero_division=0)
    curve = routing_curve(proba, classes, y_true, tax)
    out = {
        "sub_area_accuracy": float(accuracy_score(y_true, pred)),
        "sub_area_macro_f1": float(f1_score(y_true, pred, labels=labels, average="macro", zero_division=0)),
        "top3_accuracy": float(in_top3.mean()),
        "domain_accuracy": float(accuracy_score(dom_true, dom_pred)),
        "unit_accuracy": float(accuracy_score(unit_true, unit_pred)),
        "ece": expected_calibration_error(proba, y_idx) if (y_idx >= 0).all() else float("nan"),
        "n": int(len(y_true)),
        "per_sub_area_f1": {c: float(f) for c, f in zip(labels, per_class)},
        "routing_curve": curve,
    }
    if threshold is not None:
        row = min(curve, key=lambda r: abs(r["threshold"] - threshold))
        out.update({"abstain_threshold": threshold, "auto_routed_share": row["coverage"],
                    "auto_routed_precision": row["precision"]})
    return out


def confusion(y_true, y_pred, labels) -> np.ndarray:
    return confusion_matrix(y_true, y_pred, labels=labels)
