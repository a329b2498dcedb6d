"""The triage report: a self-contained HTML page, the joint-review workbook and report.json.

``write_report(bundle, out, settings, taxonomy)`` is the stage function (see stage.py).
"""
from .stage import write_report

__all__ = ["write_report"]
