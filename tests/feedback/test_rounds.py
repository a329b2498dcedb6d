"""Routing over rounds: per unit and round, routed, kept, moved (and where), precision and recall."""
from __future__ import annotations

import csv

import typer
from typer.testing import CliRunner

from pipeline.feedback.commands import register
from pipeline.feedback.rounds import moves, round_summaries, unit_rounds
from pipeline.feedback.store import FeedbackStore, jsonl_text, round_sort_key
from pipeline.records import Review


def review(sid, round_id, suggested, final, *, by_hand=False, returned=False) -> Review:
    return Review(submission_id=sid, round=round_id, sheet="", row=3, routed_unit="", suggested_sub_area=suggested,
                  final_sub_area=None if returned else final,
                  corrected=suggested is not None and (returned or final != suggested),
                  route_by_hand=by_hand, decision="退回分办" if returned else "推荐")


def two_rounds() -> list[Review]:
    r1 = [review("a1", "2026-1", "water", "water"), review("a2", "2026-1", "water", "water"),
          review("a3", "2026-1", "water", "agriculture", by_hand=True),  # 水利厅 → 农业农村厅
          review("a4", "2026-1", "water", None, returned=True),  # 水利厅 → unplaced
          review("a5", "2026-1", "agriculture", "agriculture"),
          review("a6", "2026-1", "emergency", "water"),  # 应急管理厅 → 水利厅
          review("a7", "2026-1", None, "water")]  # not routed by the model (待分办): left out, counted
    r2 = [review("b1", "2026-10", "water", "water"), review("b2", "2026-10", "water", "water"),
          review("b3", "2026-10", "agriculture", "agriculture"),
          review("b4", "2026-10", "manufacturing", "logistics")]  # same unit (经信厅): corrected, not moved
    r3 = [review("c1", "2026-2", "water", "water")]
    return r1 + r2 + r3


def test_rounds_unit_statistics_across_two_rounds(tax):
    rows = {(r.round, r.unit): r for r in unit_rounds(two_rounds(), tax)}
    assert [k[0] for k in rows][:1] == ["2026-1"] and list(dict.fromkeys(k[0] for k in rows)) == ["2026-1", "2026-2", "2026-10"]
    w1 = rows[("2026-1", "slt")]
    assert (w1.routed, w1.kept, w1.moved_out, w1.received, w1.belong) == (4, 2, 2, 1, 3)
    assert w1.moved_to == {"nynct": 1, "unplaced": 1} and w1.received_from == {"yjt": 1}
    assert w1.precision == 0.5 and w1.recall == round(2 / 3, 4)
    assert (w1.auto_routed, w1.auto_kept, w1.auto_precision) == (3, 2, round(2 / 3, 4))
    a1 = rows[("2026-1", "nynct")]
    assert (a1.routed, a1.kept, a1.belong, a1.precision, a1.recall) == (1, 1, 2, 1.0, 0.5)
    e1 = rows[("2026-1", "yjt")]
    assert (e1.routed, e1.kept, e1.belong, e1.precision, e1.recall) == (1, 0, 0, 0.0, None)
    w2 = rows[("2026-10", "slt")]
    assert (w2.routed, w2.kept, w2.precision, w2.recall, w2.moved_to) == (2, 2, 1.0, 1.0, {})
    m2 = rows[("2026-10", "jxt")]
    assert (m2.kept, m2.moved_out, m2.precision) == (1, 0, 1.0)  # a sub-area change inside one unit is no move


def test_rounds_invariants(tax):
    reviews = two_rounds()
    rows = unit_rounds(reviews, tax)
    for label in ("2026-1", "2026-2", "2026-10"):
        mine = [r for r in rows if r.round == label]
        n = sum(1 for r in reviews if r.round == label and r.suggested_sub_area)
        assert sum(r.routed for r in mine) == n  # every reviewed submission was routed to exactly one unit
        assert sum(r.moved_out for r in mine) == sum(r.received for r in mine) + sum(
            r.moved_to.get("unplaced", 0) for r in mine)
    summary = {s.round: s for s in round_summaries(reviews, tax)}
    assert (summary["2026-1"].reviewed, summary["2026-1"].moved, summary["2026-1"].unplaced) == (6, 3, 1)
    assert summary["2026-1"].unrouted == 1 and summary["2026-10"].unrouted == 0
    assert summary["2026-1"].accuracy == 0.5 and summary["2026-10"].corrected == 1
    assert moves(reviews, tax)[:3] == [("2026-1", "slt", "nynct", 1), ("2026-1", "slt", "unplaced", 1),
                                       ("2026-1", "yjt", "slt", 1)]


def test_rounds_natural_order():
    assert sorted(["2026-10", "2026-2", "2025-3"], key=round_sort_key) == ["2025-3", "2026-2", "2026-10"]


def test_rounds_command_writes_html_and_csv(tmp_path):
    store = tmp_path / "feedback"
    store.mkdir()
    reviews = two_rounds()
    for label in ("2026-1", "2026-2", "2026-10"):
        (store / f"{label}.jsonl").write_text(jsonl_text([r for r in reviews if r.round == label]), encoding="utf-8")
    assert FeedbackStore(store).rounds() == ["2026-1", "2026-2", "2026-10"]
    app = typer.Typer()
    register(app)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["feedback", "routing-over-rounds", "-o", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    html = (out / "routing_over_rounds.html").read_text(encoding="utf-8")
    assert "省水利厅" in html and "精确率" in html and "data:image/png;base64," in html and "未指明" in html
    assert "<script" not in html and "http" not in html.split("<body>")[1]  # self-contained
    with (out / "routing_over_rounds.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    slt = [r for r in rows if r["unit"] == "slt"]
    assert [r["round"] for r in slt] == ["2026-1", "2026-2", "2026-10"]
    assert slt[0]["moved_to"] == "省农业农村厅 1；未指明 1" and slt[0]["precision"] == "0.5000"
    with (out / "moves.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 3
    result = CliRunner().invoke(app, ["feedback", "routing-over-rounds", "-o", str(out), "--store", str(store),
                                      "--round", "2027-1"])
    assert result.exit_code == 2 and "2027-1" in result.output
