"""report.json: the report for machines — per submission everything its card shows."""
from __future__ import annotations

from pathlib import Path

from .view import ReportView


def write_json(view: ReportView, path: Path) -> Path:
    """The view as one JSON document (UTF-8, not ASCII-escaped), masked as the page is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(view.model_dump_json(indent=1), encoding="utf-8")
    return path


def read_json(path: Path) -> ReportView:
    return ReportView.model_validate_json(Path(path).read_text(encoding="utf-8"))
