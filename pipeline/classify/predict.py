"""Classify submissions: top-3 sub-areas, domain, responsible unit, route-by-hand flag,
the words and passages behind the decision, and the declared-versus-predicted check."""
from __future__ import annotations

import re

import numpy as np

from ..config import ClassifySettings
from ..records import Finding, Prediction, SubAreaScore, Submission
from ..taxonomy import Taxonomy
from .metrics import unit_probabilities
from .model import lexical_part

# Which fields feed the classifier, grouped; weights per group come from the settings
# (classify.field_weights). The key "all" means the whole submission as one text.
FIELD_GROUPS = {
    "name": ("name",),
    "goals": ("goals", "foundation"),
    "effects": ("effects", "open_status", "problems", "next_steps"),
    "explanation": ("background", "plan", "targets"),
    "summary": ("summary",),
}
DEFAULT_WEIGHTS = {"all": 1.0}
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")


def group_texts(sub: Submission) -> dict[str, str]:
    out = {}
    for group, keys in FIELD_GROUPS.items():
        parts = [sub.name] if group == "name" else [sub.fields.get(k, "") for k in keys]
        text = "\n".join(p for p in parts if p)
        if text.strip():
            out[group] = text
    out["all"] = sub.text()
    return out


def weighted_proba(model, subs: list[Submission], weights: dict[str, float]) -> np.ndarray:
    """Mixture of the model's probabilities over field groups, weights renormalised per submission."""
    texts, owners, ws = [], [], []
    for i, sub in enumerate(subs):
        for group, text in group_texts(sub).items():
            w = weights.get(group, 0.0)
            if w > 0:
                texts.append(text)
                owners.append(i)
                ws.append(w)
    proba = np.zeros((len(subs), len(model.classes_)))
    if not texts:
        return proba + 1.0 / len(model.classes_)
    p = model.predict_proba(texts)
    total = np.zeros(len(subs))
    for row, i, w in zip(p, owners, ws):
        proba[i] += w * row
        total[i] += w
    empty = total == 0
    proba[~empty] /= total[~empty, None]
    proba[empty] = 1.0 / len(model.classes_)
    return proba


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) >= 6]


def explain(model, text: str, label: str, k_terms: int = 8, k_passages: int = 2) -> tuple[list[str], list[str]]:
    lex = lexical_part(model)
    if lex is None:
        return [], []
    terms = [t for t, _ in lex.top_terms(text, label, k_terms)]
    sents = _sentences(text)[:200]
    if not sents:
        return terms, []
    p = lex.predict_proba(sents)[:, int(np.where(lex.classes_ == label)[0][0])]
    order = np.argsort(-p)[:k_passages]
    return terms, [sents[i] for i in order if p[i] > 0.2]


def declared_sub_area(sub: Submission, tax: Taxonomy) -> str | None:
    d = sub.declared
    if d.single:
        return d.single
    if not d.sub_areas and d.other_text:
        return tax.find_sub_area(d.other_text)
    return None


def classify_submissions(subs: list[Submission], model, meta: dict, tax: Taxonomy,
                         settings: ClassifySettings) -> tuple[list[Prediction], list[Finding]]:
    if not subs:
        return [], []
    weights = settings.field_weights or DEFAULT_WEIGHTS
    threshold = settings.abstain_threshold if settings.abstain_threshold is not None else \
        meta.get("abstain_threshold", 0.6)
    proba = weighted_proba(model, subs, weights)
    uprob, units = unit_probabilities(proba, model.classes_, tax)
    preds, findings = [], []
    for i, sub in enumerate(subs):
        order = np.argsort(-proba[i])
        best = str(model.classes_[order[0]])
        sa = tax.sub_area(best)
        unit = tax.units[sa.unit]
        unit_p = float(uprob[i, units.index(sa.unit)])
        top = tuple(SubAreaScore(sub_area=str(model.classes_[j]), name=tax.sub_area(str(model.classes_[j])).name,
                                 probability=round(float(proba[i, j]), 4)) for j in order[:settings.top_k])
        terms, passages = explain(model, sub.text(), best)
        declared = declared_sub_area(sub, tax)
        ticked = set(sub.declared.sub_areas) or ({declared} if declared else set())
        p_best = float(proba[i, order[0]])
        disagrees = bool(ticked) and best not in ticked and p_best >= settings.disagree_threshold
        suggestion = best if sub.declared.other_domains else None
        preds.append(Prediction(
            submission_id=sub.id, sub_area=best, sub_area_name=sa.name, domain=sa.domain,
            domain_name=tax.domains[sa.domain].name, unit=unit.id, unit_name=unit.name,
            probability=round(p_best, 4), unit_probability=round(unit_p, 4), top=top,
            route_by_hand=unit_p < threshold, evidence_terms=tuple(terms), evidence_passages=tuple(passages),
            declared=declared, disagrees_with_declared=disagrees, suggestion_for_other=suggestion,
            model_version=meta.get("version", ""),
        ))
        path = sub.sources[0].path if sub.sources else None
        if disagrees:
            names = "、".join(tax.sub_area(t).name for t in sorted(ticked))
            findings.append(Finding(code="declared_mismatch", severity="warning", submission_id=sub.id, path=path,
                                    field="domain", evidence="；".join(passages[:1]),
                                    message=f"申报方向“{names}”与模型判断“{sa.name}”(置信度 {p_best:.0%})不一致，请核对"))
        if suggestion:
            findings.append(Finding(code="other_suggestion", severity="info", submission_id=sub.id, path=path,
                                    field="domain", evidence=sub.declared.other_text,
                                    message=f"勾选“其他（{sub.declared.other_text or '未注明'}）”，建议归入“{sa.name}”"
                                            f"(责任单位 {unit.name})"))
        if unit_p < threshold:
            alts = "、".join(f"{s.name} {s.probability:.0%}" for s in top)
            findings.append(Finding(code="route_by_hand", severity="info", submission_id=sub.id, path=path,
                                    message=f"模型把握不足(责任单位置信度 {unit_p:.0%})，请人工分办；候选：{alts}"))
    return preds, findings
