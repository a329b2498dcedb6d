"""The score stage: submissions (+ predictions, findings, duplicates) → one ScoreCard each.

    passages → rules (one measure per indicator) → points → conditions → penalty → flags → ranks

A card is advice to the joint review, never a decision: every indicator carries the snippets
and the words behind its value, and the flags say where a person must look.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..config import ScoreSettings, Settings
from ..records import (ConditionScore, DedupResult, Finding, IndicatorScore, Prediction, ScoreCard, Submission)
from .flags import card_flags
from .indicators import RULES, Context, Measure
from .passages import boilerplate_share, content_chars, mask_pii, passages, snippet
from .penalties import Penalty, duplicate_penalties
from .ranks import assign_ranks
from .rubric import Rubric, load_rubric
from .terms import ScoreTerms, load_terms

_KIND_ORDER = {"result": 0, "plan": 1, "context": 2}


def score_submissions(
    submissions: Sequence[Submission],
    predictions: Iterable[Prediction] | None = None,
    findings: Iterable[Finding] | None = None,
    dedup: DedupResult | None = None,
    rubric: Rubric | None = None,
    settings: ScoreSettings | Settings | dict | None = None,
) -> list[ScoreCard]:
    """One ScoreCard per submission, in input order, ranked overall, per sub-area and per unit.

    ``predictions`` and ``dedup`` may be empty or None: ranks then use the ticked sub-area, and
    no duplicate penalty is applied. ``rubric`` None loads ``settings.rubric``.
    """
    cfg = ScoreSettings.resolve(settings)
    rubric = rubric or load_rubric(cfg.rubric)
    terms = load_terms(cfg.terms)
    preds = {p.submission_id: p for p in predictions or ()}
    by_sub: dict[str, list[Finding]] = {}
    for f in findings or ():
        if f.submission_id:
            by_sub.setdefault(f.submission_id, []).append(f)
    penalties = duplicate_penalties(dedup, rubric.penalties)
    cards = [score_one(sub, rubric, terms, cfg, findings=by_sub.get(sub.id, []), prediction=preds.get(sub.id),
                       penalty=penalties.get(sub.id)) for sub in submissions]
    return assign_ranks(cards)


def score_one(sub: Submission, rubric: Rubric, terms: ScoreTerms, cfg: ScoreSettings, *,
              findings: list[Finding] | None = None, prediction: Prediction | None = None,
              penalty: Penalty | None = None) -> ScoreCard:
    ctx = Context(sub=sub, terms=terms, items=passages(sub, terms), findings=list(findings or []))
    by_rule: dict[str, Measure] = {}
    conditions = []
    weighted = 0.0
    for cond in rubric.conditions:
        scored = []
        for ind in cond.indicators:
            m = RULES[ind.rule].fn(ctx, ind.params)
            by_rule.setdefault(ind.rule, m)
            evidence, matched = _evidence(m, cfg)
            scored.append(IndicatorScore(id=ind.id, name=ind.name, value=m.value,
                                         points=round(m.value * ind.weight * rubric.scale, 2),
                                         evidence=evidence, matched=matched, note=m.note))
        score = min(100.0, round(sum(i.points for i in scored), 2))
        weighted += cond.weight * score
        conditions.append(ConditionScore(id=cond.id, name=cond.name, score=score, weight=cond.weight,
                                         indicators=tuple(scored)))
    points_off = penalty.points if penalty else 0.0
    total = round(max(0.0, min(100.0, weighted - points_off)), 1)
    sub_area, unit = _route(sub, prediction)
    flags = card_flags(by_rule, ctx.findings, prediction, penalty, rubric.flags, missing_fields=sub.missing_fields,
                       boilerplate_share=boilerplate_share(sub, terms), content_chars=content_chars(sub))
    return ScoreCard(submission_id=sub.id, rubric_version=rubric.version, total=total, conditions=tuple(conditions),
                     penalty=points_off, flags=flags, sub_area=sub_area, unit=unit)


def _evidence(m: Measure, cfg: ScoreSettings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Up to ``max_evidence`` snippets (one per sentence, results first) and the words they show."""
    limit = cfg.snippet_chars
    clean = mask_pii if cfg.mask_pii else (lambda s: s)
    snippets: list[str] = [clean(t if len(t) <= limit else t[:limit - 1] + "…") for t in m.texts[:cfg.max_evidence]]
    matched: list[str] = []
    seen: set[int] = set()
    for h in sorted(m.hits, key=lambda h: _KIND_ORDER[h.passage.kind]):
        word = clean(h.passage.text[h.start:h.end])
        if id(h.passage) in seen:
            if any(word in s for s in snippets) and word not in matched:
                matched.append(word)
            continue
        if len(snippets) >= cfg.max_evidence:
            continue
        seen.add(id(h.passage))
        snippets.append(clean(snippet(h.passage.text, h.start, h.end, limit)))
        if word not in matched:
            matched.append(word)
    return tuple(dict.fromkeys(snippets)), tuple(matched[:12])


def _route(sub: Submission, prediction: Prediction | None) -> tuple[str, str]:
    if prediction is not None:
        return prediction.sub_area, prediction.unit
    sid = sub.declared.single
    if not sid:
        return "", ""
    from ..errors import ScreenError
    from ..taxonomy import load_taxonomy

    try:
        return sid, load_taxonomy().sub_area(sid).unit
    except (KeyError, ScreenError):  # an unknown tick or no taxonomy: rank per sub-area and overall only
        return sid, ""
