"""The import step of the loop, one way through: workbook → reviews (+ corrections) → written together.

    read_review_workbook  validate the whole workbook (raises WorkbookError listing every bad row)
    reviews_to_labeled    the reviewed submissions' texts with the reviewers' sub-areas (needs the run)
    save_reviews          validated reviews (+ corrections with the run) and the import log, all or nothing;
                          shared with the web app's export (from_export.py)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..bundle import RunBundle
from ..records import Review, ReviewImport
from ..review_layout import LAYOUT_VERSION
from ..taxonomy import Taxonomy
from .corrections import corrections_path, merged_corrections, reviews_to_labeled
from .store import FeedbackStore, jsonl_text, write_files_atomically
from .workbook_import import ImportResult, read_review_workbook


@dataclass(frozen=True)
class ImportOutcome:
    result: ImportResult
    record: ReviewImport
    written: list[Path]
    notes: list[str] = field(default_factory=list)


def import_workbook(workbook: Path, tax: Taxonomy, *, store_dir: Path, corrections_dir: Path,
                    run: RunBundle | None = None, round_id: str | None = None, dry_run: bool = False) -> ImportOutcome:
    """Validate a filled workbook, then store its reviews and (with the run) the labeled corrections."""
    result = read_review_workbook(workbook, tax, run=run, round_id=round_id)
    record, written, notes = save_reviews(
        result.round, result.reviews, store_dir=store_dir, corrections_dir=corrections_dir, run=run, dry_run=dry_run,
        source=result.workbook, sha256=result.sha256, layout=result.meta.get("layout", LAYOUT_VERSION),
        model_version=result.meta.get("model_version", ""), taxonomy_version=result.meta.get("taxonomy_version", ""),
        rows=result.rows)
    return ImportOutcome(result, record, written, list(result.notes) + notes)


def save_reviews(round_id: str, reviews: list[Review], *, store_dir: Path, corrections_dir: Path,
                 run: RunBundle | None, dry_run: bool, source: str, sha256: str, layout: str, model_version: str = "",
                 taxonomy_version: str = "", rows: int = 0) -> tuple[ReviewImport, list[Path], list[str]]:
    """Store validated reviews of a round and (with the run) their labeled corrections, all files at once.

    Any source of reviews ends here (the workbook, the web app's export): a submission reviewed again
    keeps only its new review and its new labeled text. Returns the import's log record, the files
    written (none with ``dry_run``) and notes worth telling the user.
    """
    notes: list[str] = []
    files: dict[Path, str] = {}
    n_items = 0
    if run is not None:
        items, missing = reviews_to_labeled(reviews, run.submissions)
        n_items = len(items)
        reviewed = {r.submission_id for r in reviews}
        merged = merged_corrections(corrections_dir, round_id, items, reviewed)
        files[corrections_path(corrections_dir, round_id)] = jsonl_text(merged)
        if missing:
            notes.append(f"{len(missing)} 条评审的申报不在运行结果中，未生成训练数据")
    else:
        notes.append("未给出 --run：评审已导入，但没有生成训练数据 (no --run: reviews stored, no labeled corrections; "
                     "import again with --run RUN_DIR to add them)")
    record = ReviewImport(
        round=round_id, workbook=source, sha256=sha256, layout=layout,
        imported_at=reviews[0].imported_at if reviews else "",
        model_version=model_version, taxonomy_version=taxonomy_version,
        rows=rows, reviews=len(reviews), corrected=sum(r.corrected for r in reviews),
        returned_unplaced=sum(r.final_sub_area is None and r.decision == "退回分办" for r in reviews),
        corrections_written=n_items)
    store = FeedbackStore(store_dir)
    files.update(store.files_for(round_id, reviews, record))
    written = [] if dry_run else write_files_atomically(files)
    return record, written, notes
