"""Reading batches for dedup and writing its results.

Input: a ``submissions.jsonl`` of Submission records (written by ingestion), or a plain CSV or
JSONL of descriptions with columns ``id`` and ``text`` (optional: ``name``, ``applicant``,
``city``, ``round``, ``selected``). A line that cannot be read becomes a finding, not a crash;
a file that cannot be read at all raises ``InputFileError``.

Output: ``pairs``, ``clusters`` and ``history`` as JSONL (the records, loadable with
``Model.model_validate_json``) and as CSV (flat, utf-8 with BOM for Excel), plus
``findings.jsonl`` and ``summary.json`` (timings and counts).
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputFileError
from ..io_records import write_jsonl
from ..records import DedupResult, Finding, Submission
from ..text import normalize
from .history import selected_from_json

PLAIN_FIELD = "text"  # the field a plain description is stored under
_SUBMISSION_KEYS = {"fields", "applicant", "original", "declared", "sources"}


@dataclass(frozen=True)
class Batch:
    submissions: list[Submission]
    findings: list[Finding] = field(default_factory=list)
    selected: set[str] = field(default_factory=set)  # ids marked selected by a ``selected`` column


def _finding(code: str, message: str, path: Path, line: int | None = None, severity="warning", sid=None) -> Finding:
    where = f"{path}:{line}" if line else str(path)
    return Finding(code=code, severity=severity, message=message, path=where, submission_id=sid)


def row_to_submission(row: dict) -> Submission:
    """A plain ``id,text`` row (plus optional columns) as a Submission with one ``text`` field."""
    sid = str(row.get("id") or "").strip()
    if not sid:
        raise ValueError("missing id")
    text = row.get("text")
    if text is None:
        raise ValueError("missing text")
    return Submission(id=sid, name=normalize(str(row.get("name") or "")),
                      applicant=normalize(str(row.get("applicant") or "")), city=str(row.get("city") or ""),
                      round=str(row.get("round") or ""), fields={PLAIN_FIELD: normalize(str(text))},
                      original={PLAIN_FIELD: str(text)})


def _row_to_record(row: dict) -> tuple[Submission, bool]:
    if _SUBMISSION_KEYS & row.keys():
        return Submission.model_validate(row), False
    return row_to_submission(row), selected_from_json(row.get("selected", False))


def read_jsonl_batch(path: Path) -> Batch:
    subs, findings, selected = [], [], set()
    with _open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise ValueError(f"a line must be a JSON object, got {type(row).__name__}")
                sub, is_selected = _row_to_record(row)
            except (ValueError, ValidationError) as exc:
                findings.append(_finding("dedup_bad_line", f"无法读取此行 (line skipped): {str(exc)[:200]}", path, n,
                                         severity="error"))
                continue
            subs.append(sub)
            if is_selected:
                selected.add(sub.id)
    return Batch(subs, findings, selected)


def read_csv_batch(path: Path) -> Batch:
    subs, findings, selected = [], [], set()
    with _open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        columns = {c.strip().lower() for c in reader.fieldnames or ()}
        if not {"id", "text"} <= columns:
            raise InputFileError(str(path), f"a CSV needs the columns id and text; found {sorted(columns) or 'none'}")
        for n, row in enumerate(reader, 2):
            row = {(k or "").strip().lower(): v for k, v in row.items()}
            try:
                sub = row_to_submission(row)
            except (ValueError, ValidationError) as exc:
                findings.append(_finding("dedup_bad_line", f"无法读取此行 (row skipped): {exc}", path, n, "error"))
                continue
            subs.append(sub)
            if selected_from_json(row.get("selected", "")):
                selected.add(sub.id)
    return Batch(subs, findings, selected)


def _open(path: Path, **kwargs):
    try:
        return path.open(encoding=kwargs.pop("encoding", "utf-8"), **kwargs)
    except FileNotFoundError:
        raise InputFileError(str(path), "file not found") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise InputFileError(str(path), f"cannot open ({exc.__class__.__name__})") from None


def read_batch(path: str | Path) -> Batch:
    """Read a submissions.jsonl, or a CSV/JSONL of id,text descriptions."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".json", ".ndjson"):
            return read_jsonl_batch(path)
        if suffix in (".csv", ".tsv", ".txt"):
            return read_csv_batch(path)
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    raise InputFileError(str(path), f"unsupported file type {suffix or '(none)'}; give .jsonl or .csv")


def read_ids(path: str | Path) -> set[str]:
    """Ids listed in a file: a CSV or JSONL with an ``id`` column, or plain text with one id per line."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        with _open(path) as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        return {str(r.get("id", "")).strip() for r in rows if isinstance(r, dict)} - {""}
    if suffix in (".csv", ".tsv"):
        with _open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            if "id" not in {(c or "").strip().lower() for c in reader.fieldnames or ()}:
                raise InputFileError(str(path), "a CSV of selected scenarios needs an id column")
            return {(next((v for k, v in row.items() if (k or "").strip().lower() == "id"), "") or "").strip()
                    for row in reader} - {""}
    with _open(path) as fh:
        return {line.strip() for line in fh if line.strip() and not line.startswith("#")}


# --- writing -----------------------------------------------------------------------------


def _write_csv(rows: list[dict], columns: list[str], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def pair_rows(result: DedupResult, subs: dict[str, Submission]) -> list[dict]:
    rows = []
    for p in result.pairs:
        a, b = subs.get(p.a_id), subs.get(p.b_id)
        first = p.evidence[0] if p.evidence else None
        rows.append({
            "a_id": p.a_id, "b_id": p.b_id, "kind": p.kind, "scope": p.scope, "similarity": p.similarity,
            "lexical": p.lexical, "semantic": "" if p.semantic is None else p.semantic,
            "detectors": "+".join(p.detectors), "sections": json.dumps(p.sections, ensure_ascii=False),
            "a_name": a.name if a else "", "b_name": b.name if b else "",
            "a_applicant": a.applicant if a else "", "b_applicant": b.applicant if b else "",
            "evidence_a": first.a if first else "", "evidence_b": first.b if first else "",
            "evidence_count": len(p.evidence)})
    return rows


PAIR_COLUMNS = ["a_id", "b_id", "kind", "scope", "similarity", "lexical", "semantic", "detectors", "sections",
                "a_name", "b_name", "a_applicant", "b_applicant", "evidence_a", "evidence_b", "evidence_count"]
CLUSTER_COLUMNS = ["id", "size", "label", "original_id", "similarity", "members", "units", "cities"]
HISTORY_COLUMNS = ["submission_id", "kind", "round", "past_id", "past_name", "selected", "similarity", "pair_kind"]


def write_result(result: DedupResult, subs: list[Submission], outdir: str | Path) -> dict[str, Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    by_id = {s.id: s for s in subs}
    written = {
        "pairs.jsonl": write_jsonl(result.pairs, outdir / "pairs.jsonl"),
        "pairs.csv": _write_csv(pair_rows(result, by_id), PAIR_COLUMNS, outdir / "pairs.csv"),
        "clusters.jsonl": write_jsonl(result.clusters, outdir / "clusters.jsonl"),
        "clusters.csv": _write_csv([{**c.model_dump(), "label": "、".join(c.label), "members": " ".join(c.members),
                                     "units": "；".join(c.units), "cities": "、".join(c.cities)}
                                    for c in result.clusters], CLUSTER_COLUMNS, outdir / "clusters.csv"),
        "history.jsonl": write_jsonl(result.history, outdir / "history.jsonl"),
        "history.csv": _write_csv([h.model_dump() for h in result.history], HISTORY_COLUMNS, outdir / "history.csv"),
        "findings.jsonl": write_jsonl(result.findings, outdir / "findings.jsonl"),
    }
    summary = {"stats": result.stats, "timings": result.timings,
               "kinds": _count(p.kind for p in result.pairs), "clusters": len(result.clusters),
               "history": _count(h.kind for h in result.history)}
    (outdir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True),
                                         encoding="utf-8")
    written["summary.json"] = outdir / "summary.json"
    return written


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))
