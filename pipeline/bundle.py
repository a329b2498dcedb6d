"""A screened round on disk: the records every later step reads (report, review loop, web app).

``run`` writes one folder; ``load_bundle`` reads it back into typed records, so the triage
report, the feedback import and the joint-review web app never parse each other's files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ScreenError
from .io_records import read_jsonl, write_jsonl
from .records import DedupResult, Finding, ManifestEntry, Prediction, ScoreCard, Submission

RUN_META = "run.json"
FILES = {
    "submissions": ("submissions.jsonl", Submission),
    "predictions": ("predictions.jsonl", Prediction),
    "findings": ("findings.jsonl", Finding),
    "manifest": ("manifest.jsonl", ManifestEntry),
    "scores": ("scores.jsonl", ScoreCard),
}
DEDUP_FILE = "dedup.json"


@dataclass
class RunBundle:
    submissions: list[Submission]
    predictions: list[Prediction] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    manifest: list[ManifestEntry] = field(default_factory=list)
    scores: list[ScoreCard] = field(default_factory=list)
    dedup: DedupResult | None = None
    meta: dict = field(default_factory=dict)  # round, created, model_version, rubric_version, settings

    def prediction_of(self) -> dict[str, Prediction]:
        return {p.submission_id: p for p in self.predictions}

    def score_of(self) -> dict[str, ScoreCard]:
        return {s.submission_id: s for s in self.scores}

    def findings_of(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.submission_id:
                out.setdefault(f.submission_id, []).append(f)
        return out


def save_bundle(bundle: RunBundle, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (filename, _) in FILES.items():
        records = getattr(bundle, name)
        if records or name in ("submissions", "findings", "manifest"):
            written[filename] = write_jsonl(records, out / filename)
    if bundle.dedup is not None:
        (out / DEDUP_FILE).write_text(bundle.dedup.model_dump_json(), encoding="utf-8")
        written[DEDUP_FILE] = out / DEDUP_FILE
    (out / RUN_META).write_text(json.dumps(bundle.meta, ensure_ascii=False, indent=2), encoding="utf-8")
    written[RUN_META] = out / RUN_META
    return written


def load_bundle(folder: Path) -> RunBundle:
    folder = Path(folder)
    if not (folder / "submissions.jsonl").exists():
        raise ScreenError(f"{folder} is not the output of `scenario-screen run` (no submissions.jsonl)")
    parts = {}
    for name, (filename, model) in FILES.items():
        path = folder / filename
        parts[name] = read_jsonl(path, model) if path.exists() else []
    dedup = None
    if (folder / DEDUP_FILE).exists():
        dedup = DedupResult.model_validate_json((folder / DEDUP_FILE).read_text(encoding="utf-8"))
    meta = json.loads((folder / RUN_META).read_text(encoding="utf-8")) if (folder / RUN_META).exists() else {}
    return RunBundle(dedup=dedup, meta=meta, **parts)
