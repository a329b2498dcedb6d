"""Evaluation outputs: metrics files for DVC, the confusion matrix, baselines, and the
generalization checks (train on one style, test on another; Traditional script)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..taxonomy import Taxonomy
from ..text import to_simplified
from .baselines import KeywordRules, most_frequent
from .corpus import load_split
from .metrics import confusion, evaluate_proba
from .routing_report import RoutedItem, confusion_png
from .store import load_model
from .train import TrainParams, _full_proba, build_model


def write_evaluation(result, tax: Taxonomy, model_dir: Path, metrics_out: Path) -> dict[str, Path]:
    labels = sorted(tax.sub_areas)
    y_true = [it.label for it in result.test_items]
    y_pred = list(np.asarray(result.model.classes_)[result.test_proba.argmax(axis=1)])
    matrix = confusion(y_true, y_pred, labels)
    png = model_dir / "confusion_matrix.png"
    confusion_png([tax.sub_area(c).name for c in labels], matrix, png, title="子方向混淆矩阵（测试集）")
    (model_dir / "confusion_matrix.csv").write_text(
        "\n".join([",".join(["true\\pred", *labels])] +
                  [",".join([c, *map(str, row)]) for c, row in zip(labels, matrix.tolist())]), encoding="utf-8")
    metrics_out.parent.mkdir(parents=True, exist_ok=True)
    headline = dict(result.meta["metrics"])
    headline["baseline_most_frequent_macro_f1"] = result.baselines["most_frequent"]["sub_area_macro_f1"]
    headline["baseline_keyword_rules_macro_f1"] = result.baselines["keyword_rules"]["sub_area_macro_f1"]
    headline["train_seconds"] = result.meta["train_seconds"]
    metrics_out.write_text(json.dumps(headline, indent=2), encoding="utf-8")
    curve = metrics_out.parent / "routing_curve.json"
    curve.write_text(json.dumps(result.test_metrics["routing_curve"], indent=1), encoding="utf-8")
    (model_dir / "evaluation.json").write_text(json.dumps(
        {"test": result.test_metrics, "validation": result.val_metrics, "baselines": result.baselines},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return {"confusion_png": png, "metrics": metrics_out, "curve": curve}


def evaluate_saved(model_dir: Path, prepared: Path, tax: Taxonomy) -> dict:
    from .embed_cache import active_cache

    model, meta = load_model(model_dir)
    cache = meta.get("params", {}).get("embedding_cache") or None
    with active_cache(Path(cache) if cache and meta.get("kind") != "lexical" else None):
        return _evaluate_saved(model, meta, prepared, tax)


def _evaluate_saved(model, meta: dict, prepared: Path, tax: Taxonomy) -> dict:
    train, test = load_split(prepared, "train"), load_split(prepared, "test")
    threshold = meta.get("abstain_threshold")
    X, y = [it.text for it in test], [it.label for it in test]
    report = {"model": meta.get("version"), "test": evaluate_proba(model.predict_proba(X), model.classes_, y, tax,
                                                                   threshold=threshold)}
    baselines = {}
    for name, base in (("most_frequent", most_frequent()), ("keyword_rules", KeywordRules(tax))):
        base.fit([it.text for it in train], [it.label for it in train])
        baselines[name] = evaluate_proba(_full_proba(base, X, tax), sorted(tax.sub_areas), y, tax, threshold=threshold)
    report["baselines"] = baselines
    report["generalization"] = generalization_checks(model, meta, prepared, tax)
    return report


def generalization_checks(model, meta: dict, prepared: Path, tax: Taxonomy) -> dict:
    """How the model fares on text unlike its training text."""
    import opencc

    test = load_split(prepared, "test")
    out = {}
    trad = [it for it in test if it.script == "traditional"]
    if trad:
        out["test_traditional_items"] = _eval(model, trad, tax)
    s2t = opencc.OpenCC("s2t")
    out["test_converted_to_traditional"] = _eval(model, test, tax, transform=s2t.convert)
    for style in ("summary", "field", "prose"):
        subset = [it for it in test if it.style == style]
        if subset:
            out[f"test_style_{style}"] = _eval(model, subset, tax)
    # Train on long texts only, test on one-line summaries (all splits): a style it never saw.
    everything = [it for s in ("train", "val", "test") for it in load_split(prepared, s)]
    long_train = [it for it in everything if it.style != "summary" and it.split == "train"]
    summaries = [it for it in everything if it.style == "summary"]
    if long_train and summaries and len({it.label for it in long_train}) == len(tax.sub_areas):
        params = TrainParams(kind="lexical", **{k: tuple(v) if isinstance(v, list) else v
                                                for k, v in meta.get("params", {}).items()
                                                if k in ("word_ngrams", "char_ngrams", "min_df")})
        m = build_model(params, meta.get("params", {}).get("C", 20.0))
        m.fit([it.text for it in long_train], [it.label for it in long_train])
        out["train_long_test_summaries"] = _eval(m, summaries, tax)
    return out


def _eval(model, items, tax: Taxonomy, transform=None) -> dict:
    X = [transform(it.text) if transform else it.text for it in items]
    m = evaluate_proba(model.predict_proba(X), model.classes_, [it.label for it in items], tax)
    return {k: m[k] for k in ("sub_area_macro_f1", "sub_area_accuracy", "domain_accuracy", "top3_accuracy", "n")}


def routed_items(model, meta: dict, data: Path, tax: Taxonomy) -> list[RoutedItem]:
    from ..io_records import read_labeled

    rows = read_labeled(data)
    proba = model.predict_proba([to_simplified(r["text"]) for r in rows])
    threshold = meta.get("abstain_threshold", 0.6)
    from .metrics import unit_probabilities

    uprob, _ = unit_probabilities(proba, model.classes_, tax)
    items = []
    for r, p, u in zip(rows, proba, uprob):
        j = int(p.argmax())
        items.append(RoutedItem(id=r["id"], text=r["text"], true_sub_area=r["label"],
                                pred_sub_area=str(model.classes_[j]), probability=float(p[j]),
                                route_by_hand=float(u.max()) < threshold))
    return items
