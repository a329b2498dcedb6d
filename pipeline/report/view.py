"""What the report shows, as typed records: a run bundle turned into one view per submission.

``bundle_to_view`` gathers for each submission everything its card shows (fields, the route and
its evidence, findings, duplicate pairs oriented from that submission, clusters, history
matches, the score card and the flags a person must look at). The HTML page, the workbook and
report.json are three renderings of this one view, so they cannot disagree; masking of personal
numbers is applied once, to the whole view (``mask_view``).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..bundle import RunBundle
from ..config import ReportSettings
from ..records import (
    DuplicateCluster,
    DuplicatePair,
    Finding,
    HistoryMatch,
    ManifestEntry,
    Prediction,
    ScoreCard,
    SourceRef,
    Submission,
)
from ..taxonomy import Taxonomy
from . import labels as L
from .masking import mask_tree

LAYOUT_VERSION = "report-view/1"


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FieldText(_View):
    key: str
    label: str
    text: str


class Flag(_View):
    code: str  # a key of labels.FLAGS, or "score" for a flag of the score card
    label: str


class Candidate(_View):
    """One of the model's top sub-areas."""

    sub_area: str
    name: str
    unit_name: str
    probability: float
    declared: bool  # the applicant ticked it
    chosen: bool  # the model's first choice


class RouteView(_View):
    declared: tuple[str, ...] = ()  # names of the ticked sub-areas
    declared_other: tuple[str, ...] = ()  # "其他：智慧消防" for each 其他（请注明） ticked
    declared_text: str = ""  # both, "、"-joined (workbook column F)
    prediction: Prediction | None = None
    candidates: tuple[Candidate, ...] = ()
    unit_id: str = ""  # the unit the submission is routed to ("" = nobody yet)
    unit_name: str = "待分办"
    domain_name: str = "未分类"  # short domain name of the routed sub-area
    sub_area_name: str = ""  # the model's sub-area name
    routed_by: Literal["model", "declared", "authority", "none"] = "none"
    route_by_hand: bool = True
    suggestion_name: str = ""  # the model's sub-area for a 其他（请注明） box


class PassagePair(_View):
    self_label: str  # field label of the passage in this submission
    other_label: str
    self_text: str
    other_text: str
    similarity: float


class PairView(_View):
    """A duplicate pair seen from one of its two submissions."""

    other_id: str
    other_name: str
    other_applicant: str = ""
    similarity: float
    kind: str
    kind_label: str
    scope_label: str
    lexical: float
    semantic: float | None = None
    detectors: tuple[str, ...] = ()
    passages: tuple[PassagePair, ...] = ()


class MemberRef(_View):
    id: str
    name: str
    applicant: str = ""
    city: str = ""


class ClusterView(_View):
    id: str
    label: tuple[str, ...]
    size: int
    members: tuple[MemberRef, ...]
    original_id: str
    similarity: float


class HistoryView(_View):
    round: str
    past_id: str
    past_name: str = ""
    selected: bool = False
    kind_label: str
    similarity: float


class SubmissionView(_View):
    id: str
    name: str
    applicant: str = ""
    owner: str = ""
    location: str = ""
    city: str = ""
    authority: str = ""
    round: str = ""
    is_open: bool | None = None
    funding_wan: float | None = None
    funding_mentions: tuple[str, ...] = ()
    missing_fields: tuple[str, ...] = ()  # labels
    sources: tuple[SourceRef, ...] = ()
    fields: tuple[FieldText, ...] = ()
    route: RouteView = RouteView()
    findings: tuple[Finding, ...] = ()
    pairs: tuple[PairView, ...] = ()
    clusters: tuple[ClusterView, ...] = ()
    history: tuple[HistoryView, ...] = ()
    score: ScoreCard | None = None
    flags: tuple[Flag, ...] = ()

    @property
    def condition_scores(self) -> dict[str, float]:
        return {c.id: c.score for c in self.score.conditions} if self.score else {}


class Counts(_View):
    submissions: int = 0
    files: int = 0
    files_failed: int = 0
    findings: dict[str, int] = {}  # by severity
    route_by_hand: int = 0
    pairs: int = 0
    pair_kinds: dict[str, int] = {}  # by kind label
    clusters: int = 0
    history: int = 0
    scored: int = 0


class ReportMeta(_View):
    layout: str = LAYOUT_VERSION
    title: str
    round: str = ""
    round_label: str = ""
    created: str = ""  # when the run was screened
    generated: str = ""  # when this report was written
    model_version: str = ""
    rubric_version: str = ""
    taxonomy_version: str = ""
    pii_masked: bool = True
    disclaimer: str = L.DISCLAIMER
    score_note: str = L.SCORE_NOTE


class ReportView(_View):
    meta: ReportMeta
    counts: Counts
    submissions: tuple[SubmissionView, ...] = ()
    clusters: tuple[ClusterView, ...] = ()
    file_findings: tuple[Finding, ...] = ()  # findings about a file, or about no submission of this batch
    failed_files: tuple[ManifestEntry, ...] = ()


# --- building the view ---------------------------------------------------------------------------


def round_label(round_id: str) -> str:
    """``2026-1`` → ``2026年第1轮``; any other label as written."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-_/.第]?\s*(\d{1,2})\s*轮?\s*", round_id or "")
    return f"{m.group(1)}年第{int(m.group(2))}轮" if m else (round_id or "").strip()


def fields_to_texts(sub: Submission, labels: dict[str, str]) -> tuple[FieldText, ...]:
    """The submission's texts in form order (application form, explanation form, summary row)."""
    order = ("goals", "foundation", "open_status", "effects", "problems", "next_steps",
             "background", "plan", "targets", "explanation", "summary", "remarks", "text")
    keys = [k for k in order if sub.fields.get(k)]
    keys += sorted(k for k in sub.fields if k not in order and k not in L.HEADER_FIELDS and sub.fields[k])
    return tuple(FieldText(key=k, label=labels.get(k, k), text=sub.fields[k]) for k in keys)


def declared_to_route(sub: Submission, pred: Prediction | None, tax: Taxonomy) -> RouteView:
    declared = tuple(tax.sub_areas[s].name if s in tax.sub_areas else s for s in sub.declared.sub_areas)
    others = tuple(f"其他：{sub.declared.other_text}" if sub.declared.other_text else "其他"
                   for _ in sub.declared.other_domains)
    text = "、".join(declared + others)
    ticked = set(sub.declared.sub_areas)
    if pred is not None:
        domain = tax.domains[pred.domain].short if pred.domain in tax.domains else pred.domain_name
        candidates = tuple(
            Candidate(sub_area=c.sub_area, name=c.name, probability=c.probability,
                      unit_name=tax.unit_of(c.sub_area).name if c.sub_area in tax.sub_areas else "",
                      declared=c.sub_area in ticked, chosen=c.sub_area == pred.sub_area)
            for c in pred.top)
        suggestion = pred.suggestion_for_other or ""
        suggestion = tax.sub_areas[suggestion].name if suggestion in tax.sub_areas else suggestion
        return RouteView(declared=declared, declared_other=others, declared_text=text, prediction=pred,
                         candidates=candidates, unit_id=pred.unit, unit_name=pred.unit_name, domain_name=domain,
                         sub_area_name=pred.sub_area_name, routed_by="model", route_by_hand=pred.route_by_hand,
                         suggestion_name=suggestion)
    # No prediction (classification did not run or failed): fall back on what the applicant says.
    single = sub.declared.single
    if single and single in tax.sub_areas:
        unit = tax.unit_of(single)
        return RouteView(declared=declared, declared_other=others, declared_text=text, unit_id=unit.id,
                         unit_name=unit.name, domain_name=tax.domains[tax.domain_of(single)].short,
                         routed_by="declared", route_by_hand=True)
    unit_id = tax.find_unit(sub.authority) if sub.authority else None
    if unit_id:
        return RouteView(declared=declared, declared_other=others, declared_text=text, unit_id=unit_id,
                         unit_name=tax.units[unit_id].name, routed_by="authority", route_by_hand=True)
    return RouteView(declared=declared, declared_other=others, declared_text=text)


def pair_to_view(pair: DuplicatePair, own_id: str, subs: dict[str, Submission], labels: dict[str, str],
                 max_passages: int) -> PairView:
    mine_is_a = pair.a_id == own_id
    other = pair.b_id if mine_is_a else pair.a_id
    passages = []
    for p in pair.evidence[:max_passages]:
        sa, sb, ta, tb = (p.section_a, p.section_b, p.a, p.b) if mine_is_a else (p.section_b, p.section_a, p.b, p.a)
        passages.append(PassagePair(self_label=labels.get(sa, sa), other_label=labels.get(sb, sb),
                                    self_text=ta, other_text=tb, similarity=p.similarity))
    o = subs.get(other)
    return PairView(other_id=other, other_name=o.name if o else "", other_applicant=o.applicant if o else "",
                    similarity=pair.similarity, kind=pair.kind, kind_label=L.PAIR_KIND.get(pair.kind, pair.kind),
                    scope_label=L.PAIR_SCOPE.get(pair.scope, pair.scope), lexical=pair.lexical,
                    semantic=pair.semantic, detectors=tuple(L.DETECTOR.get(d, d) for d in pair.detectors),
                    passages=tuple(passages))


def cluster_to_view(cluster: DuplicateCluster, subs: dict[str, Submission]) -> ClusterView:
    members = tuple(MemberRef(id=m, name=subs[m].name, applicant=subs[m].applicant, city=subs[m].city)
                    if m in subs else MemberRef(id=m, name="") for m in cluster.members)
    return ClusterView(id=cluster.id, label=cluster.label, size=cluster.size, members=members,
                       original_id=cluster.original_id, similarity=cluster.similarity)


def history_to_view(match: HistoryMatch) -> HistoryView:
    return HistoryView(round=match.round, past_id=match.past_id, past_name=match.past_name, selected=match.selected,
                       kind_label=L.HISTORY_KIND.get(match.kind, match.kind), similarity=match.similarity)


def flags_of(route: RouteView, findings: list[Finding], pairs: list, clusters: list, history: list,
             score: ScoreCard | None) -> tuple[Flag, ...]:
    codes = []
    if route.prediction is None:
        codes.append("unclassified")
    if route.route_by_hand:
        codes.append("route_by_hand")
    if route.prediction is not None and route.prediction.disagrees_with_declared:
        codes.append("declared_mismatch")
    if pairs:
        codes.append("duplicate")
    if clusters:
        codes.append("cluster")
    if history:
        codes.append("history")
    severities = {f.severity for f in findings}
    codes += [s for s in ("error", "warning") if s in severities]
    flags = [Flag(code=c, label=L.FLAGS[c]) for c in codes]
    if score is None:
        flags.append(Flag(code="unscored", label=L.FLAGS["unscored"]))
    else:
        flags += [Flag(code="score", label=f) for f in score.flags if f]
    return tuple(flags)


def score_order(view: SubmissionView) -> tuple:
    """Sort key: scored first, by pre-score from high to low, then by id (stable across runs)."""
    return (0, -view.score.total, view.id) if view.score else (1, 0.0, view.id)


def bundle_to_view(bundle: RunBundle, tax: Taxonomy, settings: ReportSettings,
                   field_labels: dict[str, str] | None = None, now: datetime | None = None) -> ReportView:
    labels = field_labels if field_labels is not None else L.field_labels()
    subs = {s.id: s for s in bundle.submissions}
    preds = bundle.prediction_of()
    scores = bundle.score_of()
    findings = bundle.findings_of()
    dedup = bundle.dedup
    pairs_of: dict[str, list[DuplicatePair]] = {}
    clusters_of: dict[str, list[ClusterView]] = {}
    history_of: dict[str, list[HistoryMatch]] = {}
    clusters: list[ClusterView] = []
    if dedup is not None:
        for p in sorted(dedup.pairs, key=lambda p: (-p.similarity, p.a_id, p.b_id)):
            pairs_of.setdefault(p.a_id, []).append(p)
            pairs_of.setdefault(p.b_id, []).append(p)
        for c in sorted(dedup.clusters, key=lambda c: (-c.size, c.id)):
            cv = cluster_to_view(c, subs)
            clusters.append(cv)
            for m in c.members:
                clusters_of.setdefault(m, []).append(cv)
        for h in dedup.history:
            history_of.setdefault(h.submission_id, []).append(h)

    views = []
    for sub in bundle.submissions:
        route = declared_to_route(sub, preds.get(sub.id), tax)
        own_findings = sorted(findings.get(sub.id, []), key=lambda f: ("error", "warning", "info").index(f.severity))
        pairs = [pair_to_view(p, sub.id, subs, labels, settings.passages_per_pair) for p in pairs_of.get(sub.id, [])]
        history = [history_to_view(h) for h in history_of.get(sub.id, [])]
        score = scores.get(sub.id)
        views.append(SubmissionView(
            id=sub.id, name=sub.name, applicant=sub.applicant, owner=sub.original.get("owner", ""),
            location=sub.location, city=sub.city, authority=sub.authority, round=sub.round, is_open=sub.is_open,
            funding_wan=sub.funding_wan, funding_mentions=sub.funding_mentions,
            missing_fields=tuple(labels.get(k, k) for k in sub.missing_fields), sources=sub.sources,
            fields=fields_to_texts(sub, labels), route=route, findings=tuple(own_findings), pairs=tuple(pairs),
            clusters=tuple(clusters_of.get(sub.id, [])), history=tuple(history), score=score,
            flags=flags_of(route, own_findings, pairs, clusters_of.get(sub.id, []), history, score)))
    views.sort(key=score_order)

    severities: dict[str, int] = {}
    for f in bundle.findings:
        severities[f.severity] = severities.get(f.severity, 0) + 1
    pair_kinds: dict[str, int] = {}
    for p in dedup.pairs if dedup else ():
        label = L.PAIR_KIND.get(p.kind, p.kind)
        pair_kinds[label] = pair_kinds.get(label, 0) + 1
    counts = Counts(
        submissions=len(views), files=len(bundle.manifest),
        files_failed=sum(1 for m in bundle.manifest if m.status == "failed"), findings=severities,
        route_by_hand=sum(1 for v in views if v.route.route_by_hand), pairs=len(dedup.pairs) if dedup else 0,
        pair_kinds=pair_kinds, clusters=len(clusters), history=len(dedup.history) if dedup else 0,
        scored=sum(1 for v in views if v.score is not None))

    meta = bundle.meta or {}
    round_id = str(meta.get("round") or next((s.round for s in bundle.submissions if s.round), ""))
    label = round_label(round_id)
    rubric = str(meta.get("rubric_version") or next((s.rubric_version for s in bundle.scores), ""))
    model = str(meta.get("model_version") or next((p.model_version for p in bundle.predictions), ""))
    now = now or datetime.now(timezone.utc)
    return ReportView(
        meta=ReportMeta(title=f"{settings.title}（{label}）" if label else settings.title, round=round_id,
                        round_label=label, created=str(meta.get("created", "")),
                        generated=now.isoformat(timespec="seconds"), model_version=model, rubric_version=rubric,
                        taxonomy_version=str(meta.get("taxonomy_version") or tax.version),
                        pii_masked=not settings.show_pii),
        counts=counts, submissions=tuple(views), clusters=tuple(clusters),
        file_findings=tuple(f for f in bundle.findings if f.submission_id not in subs),
        failed_files=tuple(m for m in bundle.manifest if m.status == "failed"))


def mask_view(view: ReportView) -> ReportView:
    """The same view with every phone and ID number in every text masked."""
    return ReportView.model_validate(mask_tree(view.model_dump()))
