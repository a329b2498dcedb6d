"""The feedback store: the reviews of each round as records on disk.

    data/feedback/<round>.jsonl   one ``Review`` per line, one line per submission (the latest import wins)
    data/feedback/imports.jsonl   one ``ReviewImport`` per import: which workbook, when, how many rows

Writes go through ``write_files_atomically``: every file is written to a temporary sibling first
and only then moved into place, so a failed import leaves the store as it was.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..io_records import read_jsonl
from ..records import Review, ReviewImport
from .errors import FeedbackError

IMPORTS_FILE = "imports.jsonl"


def round_sort_key(label: str) -> tuple:
    """Natural order of round labels: 2026-2 before 2026-10."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", label) if t)


def write_files_atomically(files: dict[Path, str]) -> list[Path]:
    """Write every file to a temporary sibling, then move them all into place."""
    staged = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            staged.append((tmp, path))
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    return [path for _, path in staged]


def jsonl_text(records) -> str:
    return "".join(r.model_dump_json() + "\n" for r in records)


class FeedbackStore:
    """Reviews per round in a folder (default data/feedback/)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, round_id: str) -> Path:
        return self.folder / f"{round_id}.jsonl"

    def rounds(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        labels = [p.stem for p in self.folder.glob("*.jsonl") if p.name != IMPORTS_FILE and not p.name.startswith(".")]
        return sorted(labels, key=round_sort_key)

    def load(self, rounds: list[str] | tuple[str, ...] | None = None) -> list[Review]:
        """Reviews of the given rounds (all rounds when None), rounds in natural order."""
        wanted = list(rounds) if rounds else self.rounds()
        missing = [r for r in wanted if not self.path(r).exists()]
        if missing:
            raise FeedbackError(f"no reviews of round(s) {', '.join(missing)} in {self.folder} "
                                f"(rounds stored: {', '.join(self.rounds()) or 'none'}); "
                                f"import a workbook with `scenario-screen feedback import`")
        out: list[Review] = []
        for r in sorted(wanted, key=round_sort_key):
            out += read_jsonl(self.path(r), Review)
        return out

    def imports(self) -> list[ReviewImport]:
        path = self.folder / IMPORTS_FILE
        return read_jsonl(path, ReviewImport) if path.exists() else []

    def merged(self, round_id: str, reviews: list[Review]) -> list[Review]:
        """The round's reviews after adding ``reviews``: a submission reviewed again keeps only its new review."""
        new_ids = {r.submission_id for r in reviews}
        old = read_jsonl(self.path(round_id), Review) if self.path(round_id).exists() else []
        kept = [r for r in old if r.submission_id not in new_ids]
        return sorted(kept + list(reviews), key=lambda r: (r.sheet, r.row, r.submission_id))

    def files_for(self, round_id: str, reviews: list[Review], record: ReviewImport) -> dict[Path, str]:
        """The file contents an import writes (to be written together with ``write_files_atomically``)."""
        log = self.imports() + [record]
        return {self.path(round_id): jsonl_text(self.merged(round_id, reviews)),
                self.folder / IMPORTS_FILE: jsonl_text(log)}
