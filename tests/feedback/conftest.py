"""Fixtures of the review-loop tests: a small screened round built by hand and its filled workbook."""
from __future__ import annotations

import pytest

from pipeline.taxonomy import load_taxonomy
from tests.feedback.factory import (
    corpus_lines, fill, prediction, rows_from_run, save_run, submission, write_workbook,
)

ROUND = "2026-1"
# (submission id, corpus label, corpus line, the model's top-3)
PLAN = (
    ("S01", "agriculture", 20, [("agriculture", 0.9), ("water", 0.06), ("ecology", 0.02)]),
    ("S02", "agriculture", 21, [("water", 0.55), ("agriculture", 0.4), ("ecology", 0.03)]),
    ("S03", "water", 20, [("water", 0.95), ("emergency", 0.03), ("agriculture", 0.01)]),
    ("S04", "water", 21, [("water", 0.8), ("ecology", 0.15), ("emergency", 0.03)]),
    ("S05", "health", 20, [("health", 0.9), ("elderly_care", 0.05), ("fintech", 0.02)]),
    ("S06", "health", 21, [("fintech", 0.6), ("health", 0.3), ("elderly_care", 0.05)]),
    ("S07", "fintech", 20, [("fintech", 0.97), ("health", 0.01), ("convenience", 0.01)]),
    ("S08", "fintech", 21, [("fintech", 0.85), ("tech_transfer", 0.1), ("health", 0.02)]),
)
# What the reviewers wrote in columns R–Z.
REVIEWS = {
    "S01": {"compliance": 90, "innovation": 80, "effectiveness": 85, "demonstration": 75, "openness": 70, "total": 80,
            "decision": "推荐", "comment": "数据翔实"},
    "S02": {"final": "现代农业", "decision": "退回分办", "comment": "属于农业，不是水利"},
    "S03": {"decision": "推荐", "total": "88"},
    "S04": {"decision": "退回分办", "comment": "不属于本厅"},
    "S06": {"final": "医疗卫生", "decision": "推荐", "total": 76.5},
    "S07": {"comment": "'建议补充开放数据说明"},
}


@pytest.fixture(scope="session")
def tax():
    return load_taxonomy()


@pytest.fixture
def round_run(tmp_path, tax):
    """A screened round of 8 submissions (texts from the corpus) with hand-made predictions, saved as a run."""
    subs, preds = [], []
    for sid, label, line, top in PLAN:
        item = corpus_lines(label, line, line + 1)[0]
        subs.append(submission(sid, f"场景{sid}", item["text"], declared=(label,), round_id=ROUND))
        preds.append(prediction(sid, tax, top, declared=label))
    folder = save_run(tmp_path / "run", subs, preds, ROUND)
    return {"dir": folder, "submissions": subs, "predictions": preds}


@pytest.fixture
def sheets(round_run, tax):
    """The report's part of the workbook (columns A–Q), per unit sheet, unfilled."""
    return rows_from_run(round_run["submissions"], round_run["predictions"], tax)


@pytest.fixture
def filled_workbook(tmp_path, sheets, tax):
    return write_workbook(tmp_path / "review_workbook.xlsx", fill(sheets, REVIEWS), round_id=ROUND, tax=tax)


@pytest.fixture
def dirs(tmp_path):
    return {"store": tmp_path / "data" / "feedback", "corrections": tmp_path / "data" / "corpus" / "feedback"}
