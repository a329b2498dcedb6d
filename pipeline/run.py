"""The whole screening run, one way through: ingest → classify → dedup → score → report.

Each step is a stage function; this module only calls them in order, times them, and writes
the run's bundle (pipeline/bundle.py) that every later step reads.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

from .bundle import RunBundle, save_bundle
from .config import Settings


class _Timer:
    def __init__(self):
        self.timings: dict[str, float] = {}

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                self.t = time.perf_counter()

            def __exit__(self, *exc):
                timer.timings[name] = round(time.perf_counter() - self.t, 3)

        return _Step()


def run_batch(inputs: list[Path], out: Path, settings: Settings, *, progress=None, history_db: Path | None = None,
              round_id: str = "", log=print) -> tuple[RunBundle, dict[str, float], dict[str, Path]]:
    from .classify.bootstrap import ensure_model
    from .classify.predict import classify_submissions
    from .ingest import ingest
    from .taxonomy import load_taxonomy

    tax = load_taxonomy()
    timer = _Timer()
    with timer.step("ingest"):
        ing = ingest(inputs, settings.ingest, taxonomy=tax, progress=progress, round_id=round_id)
    bundle = RunBundle(submissions=ing.submissions, findings=list(ing.findings), manifest=ing.manifest)

    with timer.step("classify"):
        model, meta = ensure_model(Path(settings.classify.model_dir), tax, log=log)
        bundle.predictions, found = classify_submissions(ing.submissions, model, meta, tax, settings.classify)
        bundle.findings.extend(found)

    with timer.step("dedup"):
        bundle.dedup = _dedup(ing.submissions, settings, history_db)
        if bundle.dedup is not None:
            bundle.findings.extend(bundle.dedup.findings)

    with timer.step("score"):
        from .score.rubric import load_rubric
        from .score.scorecard import score_submissions

        rubric = load_rubric(settings.score.rubric)
        bundle.scores = score_submissions(bundle.submissions, bundle.predictions, bundle.findings, bundle.dedup,
                                          rubric, settings)

    bundle.meta = {
        "round": round_id,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": [str(p) for p in inputs],
        "model_version": meta.get("version", ""),
        "taxonomy_version": tax.version,
        "rubric_version": rubric.version,
        "timings": timer.timings,
    }
    written = _tables(bundle, out)
    written.update(save_bundle(bundle, out))  # last, so the bundle's files are the complete ones
    with timer.step("report"):
        from .report.stage import write_report

        written.update(write_report(bundle, out, settings, tax))
    bundle.meta["timings"] = timer.timings
    (out / "run.json").write_text(json.dumps(bundle.meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return bundle, timer.timings, written


def _dedup(submissions, settings: Settings, history_db: Path | None):
    from .dedup.dedup import find_duplicates

    history = None
    if history_db is not None:
        from .dedup.history import HistoryStore

        history = HistoryStore(history_db)
    return find_duplicates(submissions, settings, history=history)


def _tables(bundle: RunBundle, out: Path) -> dict[str, Path]:
    """CSV and Parquet views for people and spreadsheets (the JSONL files are the records)."""
    from .io_records import write_csv, write_parquet

    written = {
        "submissions.parquet": write_parquet(bundle.submissions, out / "submissions.parquet"),
        "findings.csv": write_csv(bundle.findings, out / "findings.csv"),
        "manifest.csv": write_csv(bundle.manifest, out / "manifest.csv"),
        "predictions.csv": write_csv(bundle.predictions, out / "predictions.csv"),
    }
    if bundle.dedup is not None:
        from .dedup.io import write_result

        written.update(write_result(bundle.dedup, bundle.submissions, out))
    return written
