"""Write the ingestion stage's outputs (schema in README, "Outputs")."""
from __future__ import annotations

from pathlib import Path

from ..io_records import write_csv, write_jsonl, write_parquet
from .stage import IngestResult


def write_ingest_outputs(result: IngestResult, out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    return {
        "submissions.jsonl": write_jsonl(result.submissions, out / "submissions.jsonl"),
        "submissions.parquet": write_parquet(result.submissions, out / "submissions.parquet"),
        "findings.jsonl": write_jsonl(result.findings, out / "findings.jsonl"),
        "findings.csv": write_csv(result.findings, out / "findings.csv"),
        "manifest.jsonl": write_jsonl(result.manifest, out / "manifest.jsonl"),
        "manifest.csv": write_csv(result.manifest, out / "manifest.csv"),
    }
