"""The ingestion stage: input paths → submissions, findings and the batch manifest."""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..config import IngestSettings
from ..records import Finding, ManifestEntry, Submission
from ..taxonomy import Taxonomy, load_taxonomy
from .assemble import build_submission, group_parts
from .checks import check_submission, missing_fields
from .discover import discover
from .labels import load_form_labels
from .read import ParsedFile, parse_input

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class IngestResult:
    submissions: list[Submission]
    findings: list[Finding]
    manifest: list[ManifestEntry]


def ingest(inputs: list[Path], settings: IngestSettings, *, taxonomy: Taxonomy | None = None,
           progress: Progress | None = None, round_id: str = "") -> IngestResult:
    tax = taxonomy or load_taxonomy()
    labels = load_form_labels(settings.form_labels)
    found = discover(inputs, settings)
    parsed = _parse_all(found.files, settings, progress)

    findings: list[Finding] = []
    manifest: list[ManifestEntry] = list(found.containers) + list(found.failed)
    parts = []
    for pf in parsed:
        if pf.error:
            manifest.append(ManifestEntry(path=pf.path, status="failed", kind=pf.kind, size=pf.size,
                                          sha256=pf.sha256, reason=pf.error))
            findings.append(Finding(code="file_unreadable", severity="error", message=f"文件无法读取：{pf.error}",
                                    path=pf.path))
            continue
        parts.extend(pf.parts)
        for pr in pf.problems:
            findings.append(Finding(code=pr.code, severity="error" if pr.code == "needs_ocr" else "info",
                                    message=pr.detail, path=pf.path))
        if pf.note:
            findings.append(Finding(code="wrong_extension", severity="info", message=pf.note, path=pf.path))

    taken: set[str] = set()
    submissions: list[Submission] = []
    for group in group_parts(parts):
        sub = build_submission(group, labels, tax, taken)
        sub = sub.model_copy(update={"missing_fields": tuple(missing_fields(sub, labels)), "round": round_id})
        submissions.append(sub)
        findings.extend(check_submission(sub, labels, tax, settings))
        if "-" in sub.id:
            findings.append(Finding(code="same_scenario_twice", severity="warning", submission_id=sub.id,
                                    message=f"同一单位的同名场景申报了不止一份(另见 {sub.id.split('-')[0]})",
                                    path=sub.sources[0].path if sub.sources else None))

    by_path: dict[str, list[str]] = {}
    for sub in submissions:
        for src in sub.sources:
            by_path.setdefault(src.path, []).append(sub.id)
    for pf in parsed:
        if not pf.error:
            forms = sorted({p.form for p in pf.parts})
            manifest.append(ManifestEntry(path=pf.path, status="processed", kind=pf.kind,
                                          form=forms[0] if len(forms) == 1 else None, size=pf.size,
                                          sha256=pf.sha256, reason=pf.note,
                                          submissions=tuple(dict.fromkeys(by_path.get(pf.path, [])))))
    manifest.sort(key=lambda m: m.path)
    return IngestResult(submissions, findings, manifest)


def _parse_all(files, settings: IngestSettings, progress: Progress | None) -> list[ParsedFile]:
    total = len(files)
    out: list[ParsedFile] = []
    if settings.workers <= 1 or total < 8:
        for i, f in enumerate(files, 1):
            out.append(parse_input(f, settings))
            if progress:
                progress(i, total, f.path)
        return out
    with ProcessPoolExecutor(max_workers=settings.workers) as pool:
        for i, pf in enumerate(pool.map(parse_input, files, [settings] * total, chunksize=4), 1):
            out.append(pf)
            if progress:
                progress(i, total, pf.path)
    return out
