"""The report stage: a screened round (RunBundle) → report.html, review_workbook.xlsx, report.json.

bundle → view (``bundle_to_view``) → masked view (unless ``report.show_pii``) → the three files.
"""
from __future__ import annotations

from pathlib import Path

from ..bundle import RunBundle
from ..config import Settings
from ..taxonomy import Taxonomy
from .html import write_html
from .json_out import write_json
from .labels import field_labels
from .view import ReportView, bundle_to_view, mask_view
from .workbook import write_workbook

HTML_FILE = "report.html"
WORKBOOK_FILE = "review_workbook.xlsx"
JSON_FILE = "report.json"


def build_view(bundle: RunBundle, settings: Settings, taxonomy: Taxonomy) -> ReportView:
    view = bundle_to_view(bundle, taxonomy, settings.report, field_labels(settings.ingest.form_labels))
    return view if settings.report.show_pii else mask_view(view)


def write_report(bundle: RunBundle, out: Path, settings: Settings, taxonomy: Taxonomy) -> dict[str, Path]:
    """Write the triage report, the joint-review workbook and report.json into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    view = build_view(bundle, settings, taxonomy)
    return {
        HTML_FILE: write_html(view, taxonomy, out / HTML_FILE),
        WORKBOOK_FILE: write_workbook(view, taxonomy, out / WORKBOOK_FILE,
                                      evidence_chars=settings.report.evidence_chars),
        JSON_FILE: write_json(view, out / JSON_FILE),
    }
