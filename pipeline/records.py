"""Typed records that flow between the stages.

Every stage is a function from these records to these records; the JSONL files a stage
writes are these models dumped one per line, so a later stage (or an analyst) can load
them back with ``Model.model_validate_json``.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["error", "warning", "info"]
FormKind = Literal["form3", "form4", "summary", "text", "unknown"]

# Field keys of a submission, in form order. Labels and their variants live in
# knowledge/form_labels.yaml; these keys are what code and outputs use.
FORM3_FIELDS = (
    "name", "applicant", "location", "authority", "domain",
    "goals", "foundation", "open_status", "effects", "problems", "next_steps",
)
FORM4_FIELDS = ("name", "owner", "location", "authority", "background", "plan", "targets")
SUMMARY_FIELDS = ("name", "owner", "location", "authority", "domain", "summary", "remarks")
# Fields that carry the description of the scenario itself (what classify and dedup read).
CONTENT_FIELDS = (
    "goals", "foundation", "open_status", "effects", "problems", "next_steps",
    "background", "plan", "targets", "summary",
)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Record):
    """Where a part of a submission came from."""

    path: str
    form: FormKind
    row: int | None = None  # 1-based data row for summary tables


class Finding(_Record):
    """A named problem found in a submission or a file, with the evidence a reviewer needs."""

    code: str
    severity: Severity
    message: str  # Chinese, for reviewers
    submission_id: str | None = None
    path: str | None = None
    field: str | None = None
    evidence: str = ""


class DeclaredArea(_Record):
    """What the applicant ticked in 场景领域."""

    sub_areas: tuple[str, ...] = ()  # sub-area ids ticked
    other_domains: tuple[str, ...] = ()  # domain ids whose 其他（请注明） was ticked
    other_text: str = ""  # what was written after 其他（请注明）
    raw: str = ""

    @property
    def single(self) -> str | None:
        return self.sub_areas[0] if len(self.sub_areas) == 1 and not self.other_domains else None


class Submission(_Record):
    """One scenario: its application form, explanation form and summary-table row merged."""

    id: str
    name: str
    applicant: str = ""
    location: str = ""
    city: str = ""
    authority: str = ""
    fields: dict[str, str] = Field(default_factory=dict)  # normalized text per field key
    original: dict[str, str] = Field(default_factory=dict)  # text as read, for evidence
    declared: DeclaredArea = DeclaredArea()
    is_open: bool | None = None
    funding_wan: float | None = None  # total stated funding in 万元
    funding_mentions: tuple[str, ...] = ()
    missing_fields: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    round: str = ""

    def text(self, keys: tuple[str, ...] = CONTENT_FIELDS, *, with_name: bool = True) -> str:
        parts = [self.name] if with_name and self.name else []
        parts += [self.fields[k] for k in keys if self.fields.get(k)]
        return "\n".join(parts)

    def has_form(self, form: FormKind) -> bool:
        return any(s.form == form for s in self.sources)


class ManifestEntry(_Record):
    """Every input file ends up here, processed or failed, with the reason."""

    path: str
    status: Literal["processed", "failed"]
    kind: str = ""  # docx, pdf, xlsx, csv, txt, zip, ...
    form: FormKind | None = None
    size: int = 0
    sha256: str = ""
    reason: str = ""
    submissions: tuple[str, ...] = ()


# --- classification and routing (pipeline/classify) ---


class SubAreaScore(_Record):
    sub_area: str
    name: str
    probability: float


class Prediction(_Record):
    """Where a submission should go, how sure the model is, and why."""

    submission_id: str
    sub_area: str
    sub_area_name: str
    domain: str
    domain_name: str
    unit: str
    unit_name: str
    probability: float  # of the predicted sub-area
    unit_probability: float  # of the routed unit (sum over its sub-areas)
    top: tuple[SubAreaScore, ...]
    route_by_hand: bool
    evidence_terms: tuple[str, ...] = ()
    evidence_passages: tuple[str, ...] = ()
    declared: str | None = None  # the single sub-area ticked, if any
    disagrees_with_declared: bool = False
    suggestion_for_other: str | None = None
    model_version: str = ""


# --- pre-scores (pipeline/score) ---


class IndicatorScore(_Record):
    """One indicator of the rubric, measured on one submission, with the text that shows it."""

    id: str  # rubric indicator id, e.g. "ai_core_tech"
    name: str  # Chinese, for reviewers
    value: float = Field(ge=0.0, le=1.0)  # how fully the indicator is met
    points: float  # value × the indicator's weight within its condition, on the condition's 0–100 scale
    evidence: tuple[str, ...] = ()  # snippets from the submission (or the finding) behind the value
    matched: tuple[str, ...] = ()  # the words or figures found in the snippets (for highlighting)
    note: str = ""  # Chinese: how the value was reached


class ConditionScore(_Record):
    """One of the five basic conditions (合规性, 创新性, 实效性, 示范性, 开放性)."""

    id: str  # compliance | innovation | effectiveness | demonstration | openness
    name: str
    score: float = Field(ge=0.0, le=100.0)
    weight: float  # share of the total
    indicators: tuple[IndicatorScore, ...] = ()


class ScoreCard(_Record):
    """Explainable pre-score of one submission: advice to the joint review, never a decision."""

    submission_id: str
    rubric_version: str
    total: float = Field(ge=0.0, le=100.0)
    conditions: tuple[ConditionScore, ...] = ()
    penalty: float = 0.0  # points taken off the total (homogenization, duplicates), shown separately
    flags: tuple[str, ...] = ()  # Chinese: what a human must look at
    rank_overall: int = 0
    rank_in_sub_area: int = 0
    rank_in_unit: int = 0
    sub_area: str = ""  # the routed sub-area the ranks refer to
    unit: str = ""


# --- duplicate detection (pipeline/dedup) ---

DuplicateKind = Literal["exact", "light_edit", "paraphrase", "template"]
Detector = Literal["exact", "minhash", "semantic", "section"]
HistoryKind = Literal["resubmits_selected", "copies_selected", "resubmits"]


class AlignedPassage(_Record):
    """Two passages (sentences or runs of sentences) that match, one from each submission of a pair."""

    section_a: str  # field key the passage came from ("text" for a plain description)
    section_b: str
    a: str
    b: str
    similarity: float = Field(ge=0.0, le=1.0)


class DuplicatePair(_Record):
    """Two submissions that describe the same scenario, with the evidence a reviewer needs."""

    a_id: str  # a_id < b_id
    b_id: str
    similarity: float = Field(ge=0.0, le=1.0)  # combined evidence, the number pairs are ranked by
    kind: DuplicateKind
    scope: Literal["whole", "section"] = "whole"  # "section": only one or more sections match
    lexical: float = Field(0.0, ge=0.0, le=1.0)  # boilerplate-discounted shingle Jaccard, whole text
    semantic: float | None = None  # embedding cosine, None without an embedder
    sections: dict[str, float] = Field(default_factory=dict)  # section key (or "a_key~b_key") -> similarity
    evidence: tuple[AlignedPassage, ...] = ()
    detectors: tuple[Detector, ...] = ()  # detectors that proposed or confirmed the pair


class DuplicateCluster(_Record):
    """A group of submissions that are one idea with names changed (homogenized scenarios)."""

    id: str  # "dc-" + hash of the sorted member ids
    label: tuple[str, ...]  # top terms
    size: int
    members: tuple[str, ...]  # sorted ids
    units: tuple[str, ...] = ()  # distinct applicants
    cities: tuple[str, ...] = ()
    original_id: str  # the member that looks like the original (earliest round, most complete)
    similarity: float = Field(0.0, ge=0.0, le=1.0)  # mean similarity of the pairs inside


class HistoryMatch(_Record):
    """A submission of this batch that repeats a scenario of a past round."""

    submission_id: str
    round: str
    past_id: str
    past_name: str = ""
    selected: bool = False
    kind: HistoryKind
    similarity: float = Field(ge=0.0, le=1.0)
    pair_kind: DuplicateKind = "light_edit"


class DedupResult(_Record):
    """Everything the dedup stage found in one batch."""

    pairs: tuple[DuplicatePair, ...] = ()
    clusters: tuple[DuplicateCluster, ...] = ()
    history: tuple[HistoryMatch, ...] = ()
    findings: tuple[Finding, ...] = ()
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per step
    stats: dict[str, int | float | str] = Field(default_factory=dict)


# --- review loop (pipeline/feedback) ---

ReviewDecision = Literal["推荐", "不推荐", "待定", "退回分办"]


class ReviewScores(_Record):
    """The reviewer's scores of the five basic conditions, 0–100 each (None: left empty)."""

    compliance: float | None = Field(None, ge=0.0, le=100.0)  # 合规性评分
    innovation: float | None = Field(None, ge=0.0, le=100.0)  # 创新性评分
    effectiveness: float | None = Field(None, ge=0.0, le=100.0)  # 实效性评分
    demonstration: float | None = Field(None, ge=0.0, le=100.0)  # 示范性评分
    openness: float | None = Field(None, ge=0.0, le=100.0)  # 开放性评分


class Review(_Record):
    """One reviewer's verdict on one submission, read back from the joint-review workbook."""

    submission_id: str
    round: str
    name: str = ""  # 场景名称 as printed in the workbook
    sheet: str  # the unit sheet the row was on
    row: int  # 1-based row number in that sheet
    routed_unit: str  # unit id of the sheet: where the submission was sent for review ("" on 待分办)
    suggested_sub_area: str | None  # the model's sub-area (建议子方向); None: the model did not route it
    final_sub_area: str | None  # 核定子方向, the suggested one when left empty; None: not known (returned
    # with 退回分办 and no sub-area, or no suggestion and none given)
    corrected: bool = False  # the reviewer changed the model's sub-area (or returned it without one)
    unit_probability: float | None = None  # 置信度 as printed
    route_by_hand: bool | None = None  # 需人工分办
    scores: ReviewScores = ReviewScores()
    total: float | None = Field(None, ge=0.0, le=100.0)  # 评审总分
    decision: ReviewDecision | None = None  # 评审结论
    comment: str = ""  # 评审意见
    model_version: str = ""
    workbook: str = ""  # file name of the workbook the review came from
    imported_at: str = ""


class ReviewImport(_Record):
    """One import of a filled workbook into the feedback store (the store's log)."""

    round: str
    workbook: str
    sha256: str
    layout: str
    imported_at: str
    model_version: str = ""
    taxonomy_version: str = ""
    rows: int = 0  # data rows on the unit sheets
    reviews: int = 0  # rows a reviewer filled in
    corrected: int = 0
    returned_unplaced: int = 0
    corrections_written: int = 0  # labeled texts written for retraining
