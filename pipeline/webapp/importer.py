"""Import a screened round (a ``RunBundle``) into the joint-review database, idempotently.

What the pipeline computed is refreshed on every import; what people decided (routes, reviews,
comments, overrides) is never overwritten, so importing the same run twice changes nothing and a
re-run of the screening can be imported while the review is under way. Another round lives beside
the first (every row carries its round).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..bundle import RunBundle
from ..errors import ScreenError
from ..records import Prediction, ScoreCard, Submission
from ..taxonomy import Taxonomy
from .audit import CLI_ACTOR, Actor, record
from .db import begin_write
from .models import ClusterRow, FindingRow, HistoryRow, PairRow, Review, Round, SubmissionRow
from .rubric import ScoringForm

# Columns a re-import refreshes; everything else on a submission row belongs to people.
IMPORTED_COLUMNS = ("name", "applicant", "city", "declared", "declared_text", "record", "prediction",
                    "predicted_sub_area", "predicted_unit", "unit_probability", "route_by_hand", "prescore",
                    "prescore_total", "flags")


class RoundImportError(ScreenError):
    """A bundle cannot be imported as asked (the message says why and what to do)."""


@dataclass(frozen=True)
class ImportSummary:
    round: str
    added: int
    updated: int
    unchanged: int
    missing: int  # in the database but not in this run (kept, with their reviews)
    findings: int
    pairs: int
    clusters: int
    prescored: int

    def line(self) -> str:
        return (f"第 {self.round} 轮：新增 {self.added}，更新 {self.updated}，未变 {self.unchanged}，"
                f"本次未出现 {self.missing}；检查发现 {self.findings}，重复对 {self.pairs}，"
                f"同质化簇 {self.clusters}，有预评分 {self.prescored}")


def declared_text(sub: Submission, tax: Taxonomy) -> str:
    names = [tax.sub_areas[s].name if s in tax.sub_areas else s for s in sub.declared.sub_areas]
    if sub.declared.other_domains or sub.declared.other_text:
        names.append(f"其他：{sub.declared.other_text}".rstrip("："))
    return "、".join(names)


def submission_flags(sub: Submission, pred: Prediction | None, card: ScoreCard | None, n_pairs: int,
                     cluster_size: int, n_history: int, n_errors: int) -> list[str]:
    """What a reviewer should look at, in Chinese, most important first."""
    flags: list[str] = []
    if pred is None:
        flags.append("无分类结果，需人工分办")
    elif pred.route_by_hand:
        flags.append(f"需人工分办（置信度 {pred.unit_probability:.2f}）")
    if pred is not None and pred.disagrees_with_declared:
        flags.append("申报方向与模型建议不一致")
    if n_errors:
        flags.append(f"检查发现 {n_errors} 个错误")
    if n_pairs:
        flags.append(f"疑似重复（{n_pairs} 对）")
    if cluster_size:
        flags.append(f"同质化（{cluster_size} 个场景一簇）")
    if n_history:
        flags.append("与往届场景重复")
    if card is not None:
        flags += [f for f in card.flags if f not in flags]
    return flags


def _imported_values(sub: Submission, pred: Prediction | None, card: ScoreCard | None, flags: list[str],
                     tax: Taxonomy) -> dict:
    return {
        "name": sub.name, "applicant": sub.applicant, "city": sub.city,
        "declared": list(sub.declared.sub_areas), "declared_text": declared_text(sub, tax),
        "record": sub.model_dump(mode="json"),
        "prediction": pred.model_dump(mode="json") if pred else None,
        "predicted_sub_area": pred.sub_area if pred else "", "predicted_unit": pred.unit if pred else "",
        "unit_probability": pred.unit_probability if pred else None,
        "route_by_hand": bool(pred.route_by_hand) if pred else True,
        "prescore": card.model_dump(mode="json") if card else None,
        "prescore_total": card.total if card else None, "flags": flags,
    }


def _initial_route(sub: Submission, pred: Prediction | None, tax: Taxonomy) -> dict:
    """Where a new submission starts: at its predicted unit, or with the commission when unsure."""
    if pred is not None and pred.unit in tax.units:
        return {"unit": pred.unit, "sub_area": pred.sub_area, "sub_area_source": "model",
                "route_status": "pending" if pred.route_by_hand else "routed"}
    declared = sub.declared.single
    return {"unit": tax.sub_areas[declared].unit if declared in tax.sub_areas else None,
            "sub_area": declared if declared in tax.sub_areas else None,
            "sub_area_source": "model", "route_status": "pending"}


def import_bundle(db: Session, bundle: RunBundle, round_id: str, form: ScoringForm, tax: Taxonomy, *,
                  source: str = "", actor: Actor = CLI_ACTOR, default_cutoff: float = 60.0) -> ImportSummary:
    """Import (or refresh) one round; commits. Raises RoundImportError when the rubric changed under reviews."""
    round_id = round_id.strip()
    if not round_id:
        raise RoundImportError("a round needs a label: pass --round, e.g. --round 2026-1")
    begin_write(db)
    rnd = db.get(Round, round_id)
    n_reviews = 0
    if rnd is None:
        rnd = Round(id=round_id, status="open", cutoff=default_cutoff, rubric=form.to_dict(),
                    rubric_version=form.version)
        db.add(rnd)
    else:
        if rnd.status == "finalized":
            raise RoundImportError(f"round {round_id!r} is finalized; its data can no longer change")
        n_reviews = db.scalar(select(func.count(Review.pk)).join(SubmissionRow).where(
            SubmissionRow.round_id == round_id)) or 0
        if rnd.rubric != form.to_dict():
            if n_reviews:
                raise RoundImportError(f"round {round_id!r} already has {n_reviews} reviews scored with rubric "
                                   f"{rnd.rubric_version!r}; the rubric now is {form.version!r}. Import the new "
                                   f"run as another round (--round), or keep the old rubric file (--rubric).")
            rnd.rubric, rnd.rubric_version = form.to_dict(), form.version
    meta = bundle.meta or {}
    rnd.source, rnd.created = source, str(meta.get("created", ""))
    rnd.model_version = str(meta.get("model_version", ""))
    rnd.taxonomy_version = str(meta.get("taxonomy_version", tax.version))
    db.flush()

    preds, cards, findings_of = bundle.prediction_of(), bundle.score_of(), bundle.findings_of()
    dedup = bundle.dedup
    pair_count: Counter[str] = Counter()
    cluster_size: dict[str, int] = {}
    history_count: Counter[str] = Counter()
    if dedup is not None:
        for p in dedup.pairs:
            pair_count[p.a_id] += 1
            pair_count[p.b_id] += 1
        for c in dedup.clusters:
            for m in c.members:
                cluster_size[m] = max(cluster_size.get(m, 0), c.size)
        for h in dedup.history:
            history_count[h.submission_id] += 1

    existing = {row.submission_id: row for row in db.scalars(
        select(SubmissionRow).where(SubmissionRow.round_id == round_id))}
    added = updated = unchanged = 0
    seen: set[str] = set()
    for sub in bundle.submissions:
        if sub.id in seen:
            raise RoundImportError(f"submission id {sub.id!r} appears twice in {source or 'the run'}")
        seen.add(sub.id)
        pred, card = preds.get(sub.id), cards.get(sub.id)
        n_errors = sum(1 for f in findings_of.get(sub.id, ()) if f.severity == "error")
        flags = submission_flags(sub, pred, card, pair_count[sub.id], cluster_size.get(sub.id, 0),
                                 history_count[sub.id], n_errors)
        values = _imported_values(sub, pred, card, flags, tax)
        row = existing.get(sub.id)
        if row is None:
            db.add(SubmissionRow(round_id=round_id, submission_id=sub.id, **values, **_initial_route(sub, pred, tax)))
            added += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            updated += 1
        else:
            unchanged += 1
    missing = len(set(existing) - seen)

    for model in (FindingRow, PairRow, ClusterRow, HistoryRow):
        db.execute(delete(model).where(model.round_id == round_id))
    db.add_all(FindingRow(round_id=round_id, submission_id=f.submission_id, code=f.code, severity=f.severity,
                          message=f.message, field=f.field, path=f.path, evidence=f.evidence)
               for f in bundle.findings)
    if dedup is not None:
        db.add_all(PairRow(round_id=round_id, a_id=p.a_id, b_id=p.b_id, kind=p.kind, similarity=p.similarity,
                           record=p.model_dump(mode="json")) for p in dedup.pairs)
        db.add_all(ClusterRow(round_id=round_id, cluster_id=c.id, members=list(c.members),
                              record=c.model_dump(mode="json")) for c in dedup.clusters)
        db.add_all(HistoryRow(round_id=round_id, submission_id=h.submission_id, record=h.model_dump(mode="json"))
                   for h in dedup.history)
    summary = ImportSummary(round_id, added, updated, unchanged, missing, len(bundle.findings),
                            len(dedup.pairs) if dedup else 0, len(dedup.clusters) if dedup else 0,
                            sum(1 for s in bundle.submissions if s.id in cards))
    if added or updated:
        record(db, actor, "import", round_id, "round", round_id, None,
               {k: v for k, v in summary.__dict__.items() if k != "round"} | {"source": source})
    db.commit()
    return summary
