"""What to label next: unreviewed submissions ranked by uncertainty and disagreement with the declared sub-area."""
from __future__ import annotations

import csv

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.feedback.commands import register
from pipeline.feedback.errors import FeedbackError
from pipeline.feedback.next_to_label import margin, rank_for_review, top_entropy, uncertainty
from tests.feedback.factory import prediction, submission


def test_next_to_label_ranks_uncertain_and_disagreeing_first(tax):
    subs = [submission("A", "甲", "x", declared=("water",)), submission("B", "乙", "x", declared=("water",)),
            submission("C", "丙", "x", declared=("health",)), submission("D", "丁", "x")]
    preds = [prediction("A", tax, [("water", 0.97), ("ecology", 0.02), ("emergency", 0.01)]),  # sure and agrees
             prediction("B", tax, [("water", 0.40), ("ecology", 0.38), ("emergency", 0.2)]),  # unsure
             prediction("C", tax, [("fintech", 0.95), ("health", 0.03), ("convenience", 0.01)]),  # sure, disagrees
             prediction("D", tax, [("fintech", 0.9), ("health", 0.05), ("convenience", 0.01)])]  # nothing declared
    ranked = rank_for_review(preds, subs, tax)
    assert [c.submission_id for c in ranked][:2] in (["B", "C"], ["C", "B"]) and ranked[-1].submission_id == "A"
    by_id = {c.submission_id: c for c in ranked}
    assert by_id["C"].disagreement == pytest.approx(0.97) and "不一致" in by_id["C"].reasons
    assert by_id["B"].uncertainty > 0.7 and "难以取舍" in by_id["B"].reasons
    assert by_id["D"].disagreement == 0.0
    assert [c.submission_id for c in rank_for_review(preds, subs, tax, reviewed={"B", "C"})] == ["D", "A"]
    only_disagreement = rank_for_review(preds, subs, tax, disagreement_weight=1.0)
    assert only_disagreement[0].submission_id == "C"
    with pytest.raises(FeedbackError, match="disagreement weight"):
        rank_for_review(preds, subs, tax, disagreement_weight=1.5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3))
def test_next_to_label_scores_lie_in_unit_interval(tax, raw):
    total = sum(raw) or 1.0
    probs = sorted((x / total for x in raw), reverse=True)
    ids = ["water", "health", "fintech"][: len(probs)]
    pred = prediction("A", tax, list(zip(ids, probs)))
    for value in (margin(pred), top_entropy(pred), uncertainty(pred)):
        assert 0.0 <= value <= 1.0
    ranked = rank_for_review([pred], [submission("A", "甲", "x", declared=("health",))], tax)
    assert 0.0 <= ranked[0].priority <= 1.0


def test_next_to_label_command_writes_csv(round_run, filled_workbook, dirs, tmp_path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = tmp_path / "next.csv"
    result = runner.invoke(app, ["feedback", "next", "-o", str(out), "--run", str(round_run["dir"]),
                                 "--store", str(dirs["store"])])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 8 and rows[0]["优先序"] == "1"
    assert rows[0]["申报编号"] in ("S02", "S06")  # the two the model was unsure of, or wrong about
    assert [float(r["优先分"]) for r in rows] == sorted((float(r["优先分"]) for r in rows), reverse=True)
    runner.invoke(app, ["feedback", "import", str(filled_workbook), "--store", str(dirs["store"])])
    result = runner.invoke(app, ["feedback", "next", "-o", str(out), "--run", str(round_run["dir"]),
                                 "--store", str(dirs["store"]), "--limit", "5"])
    with out.open(encoding="utf-8-sig") as fh:
        assert sorted(r["申报编号"] for r in csv.DictReader(fh)) == ["S05", "S08"]  # reviewed ones are left out
