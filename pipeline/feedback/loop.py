"""The import step of the loop, one way through: workbook → reviews (+ corrections) → written together.

    read_review_workbook  validate the whole workbook (raises WorkbookError listing every bad row)
    reviews_to_labeled    the reviewed submissions' texts with the reviewers' sub-areas (needs the run)
    write_files_atomically  reviews, corrections and the import log, all or nothing
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..bundle import RunBundle
from ..records import ReviewImport
from ..taxonomy import Taxonomy
from .corrections import corrections_path, merged_corrections, reviews_to_labeled
from .layout import LAYOUT_VERSION
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
    notes = list(result.notes)
    files: dict[Path, str] = {}
    n_items = 0
    if run is not None:
        items, missing = reviews_to_labeled(result.reviews, run.submissions)
        n_items = len(items)
        reviewed = {r.submission_id for r in result.reviews}
        merged = merged_corrections(corrections_dir, result.round, items, reviewed)
        files[corrections_path(corrections_dir, result.round)] = jsonl_text(merged)
        if missing:
            notes.append(f"{len(missing)} 条评审的申报不在运行结果中，未生成训练数据")
    else:
        notes.append("未给出 --run：评审已导入，但没有生成训练数据 (no --run: reviews stored, no labeled corrections; "
                     "import again with --run RUN_DIR to add them)")
    record = ReviewImport(
        round=result.round, workbook=result.workbook, sha256=result.sha256, layout=result.meta.get("layout", LAYOUT_VERSION),
        imported_at=result.reviews[0].imported_at if result.reviews else "",
        model_version=result.meta.get("model_version", ""), taxonomy_version=result.meta.get("taxonomy_version", ""),
        rows=result.rows, reviews=len(result.reviews), corrected=sum(r.corrected for r in result.reviews),
        returned_unplaced=sum(r.final_sub_area is None and r.decision == "退回分办" for r in result.reviews),
        corrections_written=n_items)
    store = FeedbackStore(store_dir)
    files.update(store.files_for(result.round, result.reviews, record))
    written = [] if dry_run else write_files_atomically(files)
    return ImportOutcome(result, record, written, notes)
