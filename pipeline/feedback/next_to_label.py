"""What reviewers should check first: unreviewed submissions ranked by how much a review would teach.

Two signals, each a score in [0, 1] per submission:

- *uncertainty* of the model, from its top sub-areas (``Prediction.top``): the mean of
  1 − margin (top-1 minus top-2 probability) and the normalised entropy of the top-k
  probabilities with the rest of the mass as one more outcome;
- *disagreement* with what the applicant ticked: 1 − the model's probability of the declared
  sub-area (the best of them when several are ticked; 0 when the declared one is not in the
  top-k at all counts as probability 0). Nothing declared: 0.

``priority = (1 − w) · uncertainty + w · disagreement`` with one knob, ``w`` (default 0.4).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from ..records import Prediction, Submission
from ..taxonomy import Taxonomy
from .errors import FeedbackError


@dataclass(frozen=True)
class ReviewCandidate:
    submission_id: str
    round: str
    name: str
    applicant: str
    city: str
    declared: str  # names of the ticked sub-areas, 、-joined
    predicted: str  # the model's sub-area name
    unit: str  # the unit it was routed to
    probability: float
    margin: float
    entropy: float
    uncertainty: float
    disagreement: float
    priority: float
    reasons: str  # Chinese: why it is on the list
    top: str  # the model's top sub-areas with probabilities


def margin(pred: Prediction) -> float:
    p = [s.probability for s in pred.top]
    return max(0.0, min(1.0, (p[0] - p[1]) if len(p) > 1 else (p[0] if p else 0.0)))


def top_entropy(pred: Prediction) -> float:
    """Entropy of the top-k probabilities plus the remaining mass, divided by its maximum log(k + 1)."""
    p = [max(0.0, s.probability) for s in pred.top]
    rest = max(0.0, 1.0 - sum(p))
    probs = [x for x in (*p, rest) if x > 0]
    if len(pred.top) == 0:
        return 1.0
    h = -sum(x * math.log(x) for x in probs)
    return max(0.0, min(1.0, h / math.log(len(pred.top) + 1)))


def uncertainty(pred: Prediction) -> float:
    return round(0.5 * (1.0 - margin(pred)) + 0.5 * top_entropy(pred), 4)


def declared_ids(pred: Prediction, sub: Submission | None) -> list[str]:
    ticked = list(sub.declared.sub_areas) if sub is not None else []
    if not ticked and pred.declared:
        ticked = [pred.declared]
    return ticked


def disagreement(pred: Prediction, declared: list[str]) -> float:
    if not declared:
        return 0.0
    prob = {s.sub_area: s.probability for s in pred.top}
    return round(1.0 - max(prob.get(d, 0.0) for d in declared), 4)


def rank_for_review(predictions: list[Prediction], submissions: list[Submission], tax: Taxonomy, *,
                    reviewed: set[str] = frozenset(), disagreement_weight: float = 0.4,
                    round_id: str = "") -> list[ReviewCandidate]:
    """Unreviewed submissions, highest priority first (ties by id, so the order is deterministic)."""
    if not 0.0 <= disagreement_weight <= 1.0:
        raise FeedbackError(f"disagreement weight must lie in [0, 1], not {disagreement_weight}; the default is 0.4")
    subs = {s.id: s for s in submissions}
    out = []
    for pred in predictions:
        if pred.submission_id in reviewed or not pred.top:
            continue
        sub = subs.get(pred.submission_id)
        declared = declared_ids(pred, sub)
        u, d = uncertainty(pred), disagreement(pred, declared)
        priority = round((1 - disagreement_weight) * u + disagreement_weight * d, 4)
        reasons = []
        m = margin(pred)
        if len(pred.top) > 1 and m < 0.3:
            reasons.append(f"模型难以取舍：{pred.top[0].name} {pred.top[0].probability:.0%} 与 {pred.top[1].name} "
                           f"{pred.top[1].probability:.0%}")
        if pred.route_by_hand:
            reasons.append(f"需人工分办（单位置信度 {pred.unit_probability:.0%}）")
        if declared and pred.sub_area not in declared:
            names = "、".join(tax.sub_area(x).name for x in declared if x in tax.sub_areas)
            reasons.append(f"申报方向“{names}”与模型判断“{pred.sub_area_name}”不一致")
        if sub is not None and not declared and sub.declared.other_text:
            reasons.append(f"勾选其他：{sub.declared.other_text}")
        if not reasons:
            reasons.append(f"模型置信度 {pred.probability:.0%}，前两名差 {m:.2f}")
        out.append(ReviewCandidate(
            submission_id=pred.submission_id, round=(sub.round if sub is not None and sub.round else round_id),
            name=sub.name if sub else "", applicant=sub.applicant if sub else "", city=sub.city if sub else "",
            declared="、".join(tax.sub_area(x).name for x in declared if x in tax.sub_areas),
            predicted=pred.sub_area_name, unit=pred.unit_name, probability=pred.probability, margin=round(m, 4),
            entropy=round(top_entropy(pred), 4), uncertainty=u, disagreement=d, priority=priority,
            reasons="；".join(reasons), top="；".join(f"{s.name} {s.probability:.2f}" for s in pred.top)))
    return sorted(out, key=lambda c: (-c.priority, c.submission_id))


COLUMNS = ("rank", "submission_id", "round", "name", "applicant", "city", "declared", "predicted", "unit",
           "probability", "margin", "entropy", "uncertainty", "disagreement", "priority", "reasons", "top")
HEADER_ZH = ("优先序", "申报编号", "轮次", "场景名称", "申报单位", "所在城市", "申报方向", "模型子方向", "分办单位",
             "置信度", "前两名差", "熵", "不确定度", "与申报不一致度", "优先分", "原因", "模型前三")


def write_candidates_csv(candidates: list[ReviewCandidate], path: Path) -> Path:
    """UTF-8 with BOM so Excel opens it as is; Chinese column titles (``HEADER_ZH``, in the order of ``COLUMNS``).
    Text from submissions that Excel would read as a formula is prefixed with ``'``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER_ZH)
        for i, c in enumerate(candidates, 1):
            w.writerow([i, *(_cell(getattr(c, k)) for k in COLUMNS[1:])])
    return path


def _cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
