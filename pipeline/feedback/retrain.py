"""Retrain with the reviewers' corrections, compare with the model in use, promote only when not worse.

    prepare_corpus    corpus + data/corpus/feedback/*.jsonl → prepared train/val/test (a new data version)
    train_candidate   train on it → the candidate model directory, its card naming the data version
    evaluate_model    champion and candidate on the same prepared test split
    compare           promote.compare: metrics diff, per sub-area F1, the decision
    install_model     the candidate replaces the model in use (the old one kept as <dir>.previous)
    register_decision the MLflow run and registry version; alias ``champion`` when promoted
"""
from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..classify.corpus import assign_splits, data_version, load_raw, load_split, write_prepared
from ..classify.store import CARD_FILE, META_FILE, MODEL_FILE, load_model, model_card, save_model
from ..taxonomy import Taxonomy
from .corrections import round_of
from .errors import FeedbackError
from .promote import Comparison, PromotionRule, RegistryEntry, compare, register_decision


@dataclass(frozen=True)
class RetrainOutcome:
    comparison: Comparison
    candidate_dir: Path
    model_dir: Path
    promoted: bool
    registry: RegistryEntry | None
    data_version: str
    feedback: dict
    timings: dict[str, float] = field(default_factory=dict)


def prepare_corpus(raw: Path, feedback: Path | None, prepared: Path, tax: Taxonomy) -> dict[str, int]:
    """The prepared split of the hand-written corpus plus the reviewers' corrections."""
    items = assign_splits(load_raw(raw, tax, feedback=feedback))
    return write_prepared(items, prepared)


def feedback_summary(prepared: Path) -> dict:
    """How many feedback items the prepared data holds, per round and per split."""
    rounds: Counter = Counter()
    splits: Counter = Counter()
    for split in ("train", "val", "test"):
        for it in load_split(prepared, split):
            r = round_of(it) if it.source == "feedback" else None
            if r is not None:
                rounds[r] += 1
                splits[split] += 1
    return {"rounds": dict(sorted(rounds.items())), "items": {s: splits.get(s, 0) for s in ("train", "val", "test")}}


def evaluate_model(model, meta: dict, prepared: Path, tax: Taxonomy) -> dict:
    """Metrics of a saved model on the prepared test split, at the model's own abstain threshold."""
    from ..classify.embed_cache import active_cache
    from ..classify.metrics import evaluate_proba

    test = load_split(prepared, "test")
    cache = meta.get("params", {}).get("embedding_cache") or None
    with active_cache(Path(cache) if cache and meta.get("kind") != "lexical" else None):
        proba = model.predict_proba([it.text for it in test])
    return evaluate_proba(proba, model.classes_, [it.label for it in test], tax,
                          threshold=meta.get("abstain_threshold", 0.6))


def _clear_model_dir(folder: Path) -> None:
    if not folder.exists():
        return
    if any(folder.iterdir()) and not (folder / META_FILE).exists() and not (folder / MODEL_FILE).exists():
        raise FeedbackError(f"{folder} exists and is not a model directory; choose another --candidate folder")
    shutil.rmtree(folder)


def train_candidate(prepared: Path, params, tax: Taxonomy, out: Path, *, log=print) -> tuple[object, dict]:
    from ..classify.evaluation import write_evaluation
    from ..classify.train import train_model

    result = train_model(prepared, params, tax, log=log)
    meta = {**result.meta, "feedback": feedback_summary(prepared)}
    result.meta = meta
    _clear_model_dir(out)
    save_model(result.model, out, meta)
    write_evaluation(result, tax, out, out / "metrics.json")
    _append_card(out, data_section(meta))
    return result.model, json.loads((out / META_FILE).read_text(encoding="utf-8"))


def data_section(meta: dict) -> str:
    fb = meta.get("feedback") or {}
    rounds = "；".join(f"{r}: {n}" for r, n in fb.get("rounds", {}).items()) or "无 (none)"
    items = fb.get("items", {})
    return "\n".join([
        "## Data version and reviewers' feedback",
        "",
        f"- Data version: `{meta.get('data_version', '')}` — a hash of data/corpus/prepared, i.e. the hand-written "
        f"corpus plus the reviewers' corrections (data/corpus/feedback/<round>.jsonl)",
        f"- Feedback items per round: {rounds}",
        f"- Feedback items per split: train {items.get('train', 0)}, validation {items.get('val', 0)}, "
        f"test {items.get('test', 0)}",
        "",
    ])


def promotion_section(comparison: Comparison, when: str) -> str:
    rows = [f"- {r}" for r in comparison.reasons]
    return "\n".join([
        "## Promotion",
        "",
        f"- {when}: promoted over `{comparison.champion_version or 'none'}` on the same test split "
        f"(n = {comparison.candidate.get('n', '')}); rule: {', '.join(comparison.rule.metrics)} each at most "
        f"{comparison.rule.tolerance} below the model it replaces",
        *rows,
        "",
    ])


def _append_card(folder: Path, section: str) -> None:
    card = folder / CARD_FILE
    card.write_text(card.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + section, encoding="utf-8")


def install_model(candidate: Path, target: Path, comparison: Comparison, feedback: dict) -> Path:
    """Copy the candidate over ``target``; the replaced model is kept in ``<target>.previous``."""
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    staging = target.with_name(target.name + ".incoming")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(candidate, staging)
    meta = json.loads((staging / META_FILE).read_text(encoding="utf-8"))
    meta.setdefault("feedback", feedback)
    meta["promotion"] = {"at": when, "replaced": comparison.champion_version, "rule": comparison.to_dict()["rule"],
                         "delta": comparison.delta}
    (staging / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    (staging / CARD_FILE).write_text(model_card(meta) + "\n" + data_section(meta) + "\n"
                                     + promotion_section(comparison, when), encoding="utf-8")
    (staging / "COMPARISON.md").write_text(comparison.markdown(), encoding="utf-8")
    if target.exists():
        previous = target.with_name(target.name + ".previous")
        if previous.exists():
            shutil.rmtree(previous)
        target.rename(previous)
    staging.rename(target)
    return target


def retrain(*, prepared: Path, model_dir: Path, candidate_dir: Path, tax: Taxonomy, params=None,
            raw: Path | None = None, feedback: Path | None = None, candidate_from: Path | None = None,
            rule: PromotionRule | dict | None = None, tracking_uri: str | None = None, mlflow: bool = True,
            metrics_out: Path | None = None, log=print) -> RetrainOutcome:
    """The whole retraining: prepare (when ``raw`` is given) → candidate → compare → install → register."""
    rule = PromotionRule.resolve(rule)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if raw is not None:
        counts = prepare_corpus(raw, feedback, prepared, tax)
        log(f"语料已准备 (prepared) → {prepared}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    timings["prepare"] = round(time.perf_counter() - t, 2)
    version = data_version(prepared)
    summary = feedback_summary(prepared)

    t = time.perf_counter()
    if candidate_from is not None:
        if Path(candidate_from).resolve() == Path(model_dir).resolve():
            raise FeedbackError(f"--candidate-from {candidate_from} is the model in use; nothing to compare")
        cand_model, cand_meta = load_model(candidate_from)
        candidate_dir = Path(candidate_from)
        if cand_meta.get("data_version") != version:
            log(f"注意：候选模型的数据版本 {cand_meta.get('data_version')} 与 {prepared} 的 {version} 不同")
    else:
        if Path(candidate_dir).resolve() == Path(model_dir).resolve():
            raise FeedbackError(f"--candidate {candidate_dir} is the model in use; train the candidate elsewhere "
                                f"(default models/candidate)")
        if params is None:
            raise FeedbackError("training a candidate needs the train parameters (--params params.yaml)")
        log(f"训练候选模型 {params.kind} (training the candidate) …")
        cand_model, cand_meta = train_candidate(prepared, params, tax, candidate_dir, log=log)
    timings["train"] = round(time.perf_counter() - t, 2)

    t = time.perf_counter()
    candidate_metrics = evaluate_model(cand_model, cand_meta, prepared, tax)
    champion_metrics, champion_meta = None, {}
    if (Path(model_dir) / MODEL_FILE).exists():
        champ_model, champion_meta = load_model(model_dir)
        champion_metrics = evaluate_model(champ_model, champion_meta, prepared, tax)
    timings["evaluate"] = round(time.perf_counter() - t, 2)

    support = Counter(it.label for it in load_split(prepared, "test"))
    comparison = compare(candidate_metrics, champion_metrics, tax, rule, support=dict(support),
                         candidate_version=cand_meta.get("version", ""),
                         champion_version=champion_meta.get("version", ""), data_version=version)
    if metrics_out is not None:
        metrics_out.parent.mkdir(parents=True, exist_ok=True)
        metrics_out.write_text(json.dumps({**comparison.flat_metrics(), "comparison": comparison.to_dict()},
                                          ensure_ascii=False, indent=2), encoding="utf-8")
    if candidate_from is None:
        (candidate_dir / "COMPARISON.md").write_text(comparison.markdown(), encoding="utf-8")
    if comparison.promote:
        install_model(candidate_dir, Path(model_dir), comparison, summary)
    registry = None
    t = time.perf_counter()
    if mlflow:
        registry = register_decision(candidate_dir, comparison, {**cand_meta, "feedback": summary},
                                     tracking_uri=tracking_uri)
    timings["registry"] = round(time.perf_counter() - t, 2)
    return RetrainOutcome(comparison, candidate_dir, Path(model_dir), comparison.promote, registry, version, summary,
                          timings)
