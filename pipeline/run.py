"""The whole screening run, one way through: ingest → classify → dedup → outputs.

Each step is a stage function; this module only calls them in order and writes what they
return. Later stages (scores, the triage report) plug in here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .records import Finding, ManifestEntry, Prediction, Submission


@dataclass
class RunResult:
    submissions: list[Submission]
    findings: list[Finding]
    manifest: list[ManifestEntry]
    predictions: list[Prediction] = field(default_factory=list)
    dedup: object | None = None
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)


def run_batch(inputs: list[Path], out: Path, settings: Settings, *, progress=None, history_db: Path | None = None,
              log=print) -> RunResult:
    from .classify.predict import classify_submissions
    from .classify.bootstrap import ensure_model
    from .ingest import ingest
    from .ingest.output import write_ingest_outputs
    from .io_records import write_csv, write_jsonl
    from .taxonomy import load_taxonomy

    tax = load_taxonomy()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    ing = ingest(inputs, settings.ingest, taxonomy=tax, progress=progress)
    timings["ingest"] = time.perf_counter() - t
    outputs = write_ingest_outputs(ing, out)
    result = RunResult(ing.submissions, list(ing.findings), ing.manifest, timings=timings, outputs=outputs)

    t = time.perf_counter()
    model, meta = ensure_model(Path(settings.classify.model_dir), tax, log=log)
    result.predictions, cls_findings = classify_submissions(ing.submissions, model, meta, tax, settings.classify)
    result.findings.extend(cls_findings)
    timings["classify"] = time.perf_counter() - t
    outputs["predictions.jsonl"] = write_jsonl(result.predictions, out / "predictions.jsonl")
    outputs["predictions.csv"] = write_csv(result.predictions, out / "predictions.csv")

    t = time.perf_counter()
    try:
        from .dedup.dedup import find_duplicates
        from .dedup.io import write_dedup_outputs
    except ImportError:
        find_duplicates = None
    if find_duplicates is not None:
        history = None
        if history_db is not None:
            from .dedup.history import HistoryStore

            history = HistoryStore(history_db)
        result.dedup = find_duplicates(ing.submissions, settings, history=history)
        outputs.update(write_dedup_outputs(result.dedup, out))
        timings["dedup"] = time.perf_counter() - t

    outputs["findings.jsonl"] = write_jsonl(result.findings, out / "findings.jsonl")
    outputs["findings.csv"] = write_csv(result.findings, out / "findings.csv")
    return result
