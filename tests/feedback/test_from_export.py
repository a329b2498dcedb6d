"""The web app's exported reviews into the review loop, no workbook: rows → Review records → the
feedback store and labeled corrections, written as a workbook import writes them; and end to end
from a real SQLite database of the web app (``feedback import-db``)."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.bundle import load_bundle, save_bundle
from pipeline.classify.corpus import LabeledText
from pipeline.feedback.commands import register
from pipeline.feedback.from_export import (
    EXPORT_COLUMNS, EXPORT_LAYOUT, ExportRowsError, import_export_rows, read_export_jsonl, reviews_from_export,
)
from pipeline.feedback.store import FeedbackStore
from pipeline.io_records import read_jsonl
from tests.feedback.conftest import ROUND

SCORES = {"compliance": 80.0, "innovation": 70.0, "effectiveness": 75.0, "demonstration": 60.0, "openness": 50.0}


def row(sid: str, predicted: str | None, final: str | None, *, reviewer: int | None = 1, unit: str | None = None,
        decision: str | None = "推荐", counts: bool = True, route_status: str = "routed", source: str = "model",
        total: float | None = 70.0, scores: dict | None = None, when: str = "2026-11-24T10:00:00+00:00", **over) -> dict:
    """One row as ``export_reviews`` writes it (all of REVIEW_COLUMNS)."""
    base = {"id": sid, "round": ROUND, "name": f"场景{sid}", "final_sub_area": final, "final_unit": unit,
            "sub_area_source": source, "predicted_sub_area": predicted, "declared": [], "route_status": route_status,
            "scores": dict(SCORES if scores is None else scores) if reviewer is not None else {},
            "total": total if reviewer is not None else None, "decision": decision if reviewer is not None else None,
            "comment": "意见" if reviewer is not None else "", "reviewer_unit": unit if reviewer is not None else None,
            "reviewer_id": reviewer, "submitted_at": when if reviewer is not None else None,
            "counts": counts and reviewer is not None, "round_status": "finalized", "rubric_version": "2026.1"}
    return base | over


def _rows() -> list[dict]:
    return [
        row("S01", "agriculture", "agriculture", reviewer=1, unit="nynct"),  # confirmed
        # S02: water sent it back, the commission rerouted it to agriculture, agriculture reviewed it
        row("S02", "water", "agriculture", reviewer=2, unit="slt", decision="退回分办", counts=False,
            scores={}, total=None, source="commission", final_unit="nynct"),
        row("S02", "water", "agriculture", reviewer=1, unit="nynct", total=82.0, source="commission"),
        row("S04", "water", "water", reviewer=2, unit="slt", decision="退回分办", counts=False, scores={},
            total=None, route_status="returned"),  # sent back, not rerouted yet: where it belongs is unknown
        row("S06", "fintech", "health", reviewer=None, unit="wjw", source="commission"),  # rerouted, no review yet
    ]


def _import(rows, tax, dirs, run=None, **kw):
    return import_export_rows(rows, tax, store_dir=dirs["store"], corrections_dir=dirs["corrections"],
                              run=load_bundle(run) if run else None, **kw)


def _nothing_written(dirs):
    return not dirs["store"].exists() and not dirs["corrections"].exists()


def test_export_rows_become_reviews_store_and_corrections(round_run, tax, dirs):
    out = _import(_rows(), tax, dirs, run=round_run["dir"], source="reviews.jsonl")
    by = {r.submission_id: r for r in out.result.reviews}
    assert set(by) == {"S01", "S02", "S04", "S06"}  # one review per submission
    assert by["S01"].final_sub_area == "agriculture" and not by["S01"].corrected
    assert by["S01"].scores.compliance == 80.0 and by["S01"].total == 70.0 and by["S01"].sheet == "省农业农村厅"
    s02 = by["S02"]  # the review that counts is kept, not the return
    assert (s02.final_sub_area, s02.suggested_sub_area, s02.corrected, s02.decision, s02.total) == (
        "agriculture", "water", True, "推荐", 82.0)
    assert by["S04"].final_sub_area is None and by["S04"].decision == "退回分办" and by["S04"].corrected
    assert by["S06"].final_sub_area == "health" and by["S06"].corrected and by["S06"].decision is None
    assert all(r.round == ROUND and r.workbook == "reviews.jsonl" and r.model_version == "lexical-test"
               for r in by.values())
    assert any("多条评审" in n for n in out.notes)

    store = FeedbackStore(dirs["store"])
    assert {r.submission_id for r in store.load([ROUND])} == set(by)
    (log,) = store.imports()
    assert (log.workbook, log.layout, log.rows, log.reviews, log.corrected, log.returned_unplaced,
            log.corrections_written) == ("reviews.jsonl", EXPORT_LAYOUT, 5, 4, 3, 1, 3)
    items = {it.id: it for it in read_jsonl(dirs["corrections"] / f"{ROUND}.jsonl", LabeledText)}
    assert set(items) == {f"fb:{ROUND}:S01", f"fb:{ROUND}:S02", f"fb:{ROUND}:S06"}
    moved = items[f"fb:{ROUND}:S02"]
    assert (moved.label, moved.source, moved.hard, moved.style) == ("agriculture", "feedback", True, "submission")
    assert moved.text == next(s for s in round_run["submissions"] if s.id == "S02").text()
    assert items[f"fb:{ROUND}:S06"].label == "health" and not items[f"fb:{ROUND}:S01"].hard


def test_export_import_again_replaces_the_submissions_it_holds(round_run, tax, dirs):
    _import(_rows(), tax, dirs, run=round_run["dir"])
    again = [row("S01", "agriculture", "water", reviewer=3, unit="slt", source="commission", total=55.0)]
    out = _import(again, tax, dirs, run=round_run["dir"])
    assert out.record.reviews == 1
    stored = {r.submission_id: r for r in FeedbackStore(dirs["store"]).load([ROUND])}
    assert set(stored) == {"S01", "S02", "S04", "S06"}  # the others kept
    assert (stored["S01"].final_sub_area, stored["S01"].total, stored["S01"].corrected) == ("water", 55.0, True)
    items = {it.id: it for it in read_jsonl(dirs["corrections"] / f"{ROUND}.jsonl", LabeledText)}
    assert items[f"fb:{ROUND}:S01"].label == "water" and len(items) == 3
    assert len(FeedbackStore(dirs["store"]).imports()) == 2


def test_export_after_a_workbook_import_of_the_round_replaces_like_a_second_workbook(round_run, filled_workbook,
                                                                                      tax, dirs):
    from pipeline.feedback.loop import import_workbook

    import_workbook(filled_workbook, tax, store_dir=dirs["store"], corrections_dir=dirs["corrections"],
                    run=load_bundle(round_run["dir"]))
    before = {r.submission_id for r in FeedbackStore(dirs["store"]).load([ROUND])}
    _import([row("S03", "water", "emergency", reviewer=4, unit="slt", source="commission")], tax, dirs,
            run=round_run["dir"])
    stored = {r.submission_id: r for r in FeedbackStore(dirs["store"]).load([ROUND])}
    assert set(stored) == before and stored["S03"].final_sub_area == "emergency"
    items = {it.id: it for it in read_jsonl(dirs["corrections"] / f"{ROUND}.jsonl", LabeledText)}
    assert items[f"fb:{ROUND}:S03"].label == "emergency"


def test_bad_export_rows_are_all_listed_and_nothing_is_written(round_run, tax, dirs):
    rows = _rows() + [
        row("S05", "health", "blockchain", reviewer=5, unit="wjw"),  # unknown sub-area id
        row("S07", "区块链金融", "fintech", reviewer=6, unit="jrb"),  # unknown sub-area name
        row("S01", "agriculture", "agriculture", reviewer=1, unit="nynct"),  # the same review twice
        row("S99", "water", "water", reviewer=7, unit="slt"),  # not in the run
        row("S08", "fintech", "fintech", reviewer=8, unit="jrb", total=130.0, decision="好"),
    ]
    with pytest.raises(ExportRowsError) as err:
        _import(rows, tax, dirs, run=round_run["dir"], source="reviews.jsonl")
    msg = str(err.value)
    assert "未导入任何内容" in msg and "reviews.jsonl" in msg
    for expected in ("第 6 行（S05）", "'blockchain'", "第 7 行（S07）", "区块链金融", "第 8 行（S01）", "与第 1 行",
                     "第 9 行（S99）", "第 10 行（S08）", "total", "decision"):
        assert expected in msg, expected
    assert len(err.value.problems) >= 6
    assert _nothing_written(dirs)


def test_export_rounds_columns_and_sub_area_names(round_run, tax, dirs):
    with pytest.raises(ExportRowsError, match="轮次不一致"):
        _import(_rows(), tax, dirs, run=round_run["dir"], round_id="2026-2")
    with pytest.raises(ExportRowsError, match="多个轮次"):
        _import(_rows() + [row("S03", "water", "water", round="2026-2")], tax, dirs)
    with pytest.raises(ExportRowsError, match="缺少列 .*counts"):
        _import([{k: v for k, v in row("S01", "agriculture", "agriculture").items() if k != "counts"}], tax, dirs)
    assert _nothing_written(dirs)
    # names (and aliases) are read as the workbook reads them; without --run: stored, no corrections
    out = _import([row("S01", "现代农业", "智慧水利", unit="slt", round_status="open")], tax, dirs)
    (review,) = out.result.reviews
    assert (review.suggested_sub_area, review.final_sub_area, review.corrected) == ("agriculture", "water", True)
    assert any("尚未定稿" in n for n in out.notes) and any("--run" in n for n in out.notes)
    assert not dirs["corrections"].exists()


def test_export_jsonl_file_and_command(round_run, tax, dirs, tmp_path):
    path = tmp_path / "reviews.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _rows()) + "\n", encoding="utf-8")
    assert [n for n, _ in read_export_jsonl(path)] == [1, 2, 3, 4, 5]
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    base = ["--run", str(round_run["dir"]), "--store", str(dirs["store"]), "--corrections", str(dirs["corrections"])]
    result = runner.invoke(app, ["feedback", "import-reviews", str(path), *base, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "检查通过" in result.output and _nothing_written(dirs)
    result = runner.invoke(app, ["feedback", "import-reviews", str(path), *base, "--round", ROUND])
    assert result.exit_code == 0, result.output
    assert "4 条申报" in result.output and (dirs["corrections"] / f"{ROUND}.jsonl").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(path.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["feedback", "import-reviews", str(bad), *base])
    assert result.exit_code == 2 and "第 7 行" in result.output


def test_export_columns_are_the_web_apps_and_the_loop_does_not_import_the_web_app():
    from pipeline.webapp.exports import REVIEW_COLUMNS

    assert set(EXPORT_COLUMNS) <= set(REVIEW_COLUMNS)
    folder = Path(__file__).resolve().parents[2] / "pipeline" / "feedback"
    for path in folder.glob("*.py"):
        if path.name == "commands.py":  # a command may call across stages, inside the function
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any("webapp" in n for n in names), path.name


# --- end to end: the web app's SQLite database → import-db → corrections ------------------------


def test_import_db_end_to_end_from_the_web_apps_database(tmp_path, tax, dirs):
    from pipeline.webapp.access import Viewer
    from pipeline.webapp.db import dispose, engine_for, session_factory
    from pipeline.webapp.exports import export_reviews, write_reviews_jsonl
    from pipeline.webapp.models import User
    from pipeline.webapp.rubric import load_scoring_form
    from pipeline.webapp.service import save_review
    from tests.webapp.conftest import ROUND as WEB_ROUND
    from tests.webapp.conftest import SCORES as WEB_SCORES
    from tests.webapp.conftest import build_round, make_bundle

    run_dir = tmp_path / "run"
    save_bundle(make_bundle(tax), run_dir)  # the run folder the web app's round is imported from
    url = f"sqlite:///{tmp_path / 'review.db'}"
    build_round(url, tax, load_scoring_form())  # migrate, import the round, add the accounts
    try:
        with session_factory(engine_for(url))() as db:
            user = db.scalar(select(User).where(User.name == "jxt_a"))
            viewer = Viewer(user_id=user.id, name=user.name, role=user.role, unit=user.unit, csrf="")
            # the model said 先进制造业; the department's reviewer says 智慧物流 (a sub-area of the same unit)
            save_review(db, viewer, WEB_ROUND, "Sm2", scores=WEB_SCORES, decision="推荐", sub_area="logistics",
                        comment="属于物流", action="submit", tax=tax)
            save_review(db, viewer, WEB_ROUND, "Sm1", scores=WEB_SCORES, decision="推荐", action="submit", tax=tax)

        app = typer.Typer()
        register(app)
        runner = CliRunner()
        args = ["feedback", "import-db", "--db", url, "--round", WEB_ROUND, "--run", str(run_dir),
                "--store", str(dirs["store"]), "--corrections", str(dirs["corrections"])]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        items = {it.id: it for it in read_jsonl(dirs["corrections"] / f"{WEB_ROUND}.jsonl", LabeledText)}
        moved = items[f"fb:{WEB_ROUND}:Sm2"]
        assert (moved.label, moved.source, moved.hard) == ("logistics", "feedback", True)
        assert items[f"fb:{WEB_ROUND}:Sm1"].label == "manufacturing" and not items[f"fb:{WEB_ROUND}:Sm1"].hard
        stored = {r.submission_id: r for r in FeedbackStore(dirs["store"]).load([WEB_ROUND])}
        assert stored["Sm2"].corrected and stored["Sm2"].scores.compliance == WEB_SCORES["compliance"]
        assert stored["Sm2"].sheet == "省经信厅" and stored["Sm2"].comment == "属于物流"
        (log,) = FeedbackStore(dirs["store"]).imports()
        assert (log.workbook, log.layout, log.corrections_written) == (f"web-db:{WEB_ROUND}", EXPORT_LAYOUT, 2)

        # the exported JSONL imports to the same reviews; the same rows have the same fingerprint
        path = write_reviews_jsonl(export_reviews(url, WEB_ROUND), tmp_path / "reviews.jsonl")
        other = {"store": tmp_path / "s2", "corrections": tmp_path / "c2"}
        result = runner.invoke(app, ["feedback", "import-reviews", str(path), "--run", str(run_dir),
                                     "--store", str(other["store"]), "--corrections", str(other["corrections"])])
        assert result.exit_code == 0, result.output
        assert (other["corrections"] / f"{WEB_ROUND}.jsonl").read_text(encoding="utf-8") == \
            (dirs["corrections"] / f"{WEB_ROUND}.jsonl").read_text(encoding="utf-8")
        assert FeedbackStore(other["store"]).imports()[0].sha256 == log.sha256

        result = runner.invoke(app, [*args[:5], "nope", *args[6:]])
        assert result.exit_code == 2 and "no round 'nope'" in result.output
        result = runner.invoke(app, ["feedback", "import-db", "--db", f"sqlite:///{tmp_path / 'missing.db'}",
                                     "--round", WEB_ROUND, "--run", str(run_dir), "--store", str(tmp_path / "s3")])
        assert result.exit_code == 2 and "no database file" in result.output
        assert not (tmp_path / "missing.db").exists()
    finally:
        dispose(url)
