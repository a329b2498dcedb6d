"""Importing a filled joint-review workbook: typed reviews, labeled corrections, and every broken
workbook refused as a whole with the sheet and row of each problem."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from pipeline.bundle import load_bundle
from pipeline.classify.corpus import LabeledText
from pipeline.feedback.commands import register
from pipeline.feedback.errors import WorkbookError
from pipeline.feedback.loop import import_workbook
from pipeline.feedback.store import FeedbackStore
from pipeline.feedback.workbook_import import read_review_workbook
from pipeline.review_layout import HEADER
from tests.feedback.conftest import REVIEWS, ROUND
from tests.feedback.factory import fill, write_workbook


def _import(path, tax, dirs, run=None, **kw):
    return import_workbook(path, tax, store_dir=dirs["store"], corrections_dir=dirs["corrections"],
                           run=load_bundle(run) if run else None, **kw)


def _nothing_written(dirs):
    return not dirs["store"].exists() and not dirs["corrections"].exists()


def test_workbook_import_reads_reviews_as_typed_records(filled_workbook, round_run, tax):
    result = read_review_workbook(filled_workbook, tax, run=load_bundle(round_run["dir"]))
    by_id = {r.submission_id: r for r in result.reviews}
    assert result.round == ROUND and set(by_id) == set(REVIEWS)
    assert sorted(result.unreviewed) == ["S05", "S08"] and result.rows == 8
    s01 = by_id["S01"]
    assert s01.final_sub_area == "agriculture" and not s01.corrected  # empty 核定子方向: the suggestion stands
    assert s01.scores.compliance == 90 and s01.total == 80 and s01.decision == "推荐" and s01.comment == "数据翔实"
    assert s01.sheet == "省农业农村厅" and s01.routed_unit == "nynct" and s01.row == 3
    s02 = by_id["S02"]  # moved from 水利 to 农业 by the reviewer
    assert (s02.suggested_sub_area, s02.final_sub_area, s02.corrected) == ("water", "agriculture", True)
    assert s02.route_by_hand is True and s02.unit_probability == 0.55
    assert by_id["S03"].total == 88.0  # a score typed as text
    s04 = by_id["S04"]  # returned without saying where
    assert s04.final_sub_area is None and s04.corrected and s04.decision == "退回分办"
    assert by_id["S06"].final_sub_area == "health"
    assert by_id["S07"].comment == "建议补充开放数据说明" and by_id["S07"].decision is None  # the ' guard is removed


def test_workbook_import_writes_store_and_corrections(filled_workbook, round_run, tax, dirs):
    out = _import(filled_workbook, tax, dirs, run=round_run["dir"])
    store = FeedbackStore(dirs["store"])
    assert store.rounds() == [ROUND] and len(store.load()) == 6
    assert store.imports()[0].reviews == 6 and store.imports()[0].corrected == 3
    lines = (dirs["corrections"] / f"{ROUND}.jsonl").read_text(encoding="utf-8").splitlines()
    items = [LabeledText.model_validate_json(line) for line in lines]
    assert out.record.corrections_written == len(items) == 5  # S04 was returned without a sub-area
    labels = {it.id.rsplit(":", 1)[1]: it.label for it in items}
    assert labels == {"S01": "agriculture", "S02": "agriculture", "S03": "water", "S06": "health", "S07": "fintech"}
    assert all(it.source == "feedback" and it.split in ("train", "val", "test") and it.text for it in items)
    assert [it.hard for it in items if it.id.endswith("S02")] == [True]


def test_workbook_import_again_replaces_the_same_submissions(filled_workbook, round_run, tax, dirs, sheets, tmp_path):
    _import(filled_workbook, tax, dirs, run=round_run["dir"])
    second = write_workbook(tmp_path / "again.xlsx", fill(sheets, {"S01": {"final": "智慧水利", "decision": "推荐"}}),
                            round_id=ROUND)
    _import(second, tax, dirs, run=round_run["dir"])
    reviews = {r.submission_id: r for r in FeedbackStore(dirs["store"]).load()}
    assert len(reviews) == 6 and reviews["S01"].final_sub_area == "water"
    assert len(FeedbackStore(dirs["store"]).imports()) == 2
    items = [json.loads(line) for line in (dirs["corrections"] / f"{ROUND}.jsonl").read_text().splitlines()]
    assert [it["label"] for it in items if it["id"].endswith(":S01")] == ["water"]


def test_workbook_import_without_run_stores_reviews_only(filled_workbook, tax, dirs):
    out = _import(filled_workbook, tax, dirs)
    assert len(FeedbackStore(dirs["store"]).load()) == 6 and not dirs["corrections"].exists()
    assert any("--run" in n for n in out.notes)


def _broken(tmp_path, sheets, tax, reviews=None, **kw):
    return write_workbook(tmp_path / "broken.xlsx", fill(sheets, reviews if reviews is not None else REVIEWS),
                          round_id=ROUND, tax=tax, **kw)


def _problems(excinfo) -> list[tuple[str, int | None]]:
    return [(p.sheet, p.row) for p in excinfo.value.problems]


def test_workbook_import_unknown_sub_area_names_the_row(tmp_path, sheets, tax, dirs, round_run):
    path = _broken(tmp_path, sheets, tax, {**REVIEWS, "S03": {"final": "智慧渔业", "decision": "推荐"},
                                           "S07": {"final": "智能金融"}})
    with pytest.raises(WorkbookError) as exc:
        _import(path, tax, dirs, run=round_run["dir"])
    assert sorted(_problems(exc)) == [("省委金融办", 4), ("省水利厅", 4)]
    assert "智慧渔业" in str(exc.value) and "省水利厅” 第 4 行" in str(exc.value) and "金融科技" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_missing_id(tmp_path, sheets, tax, dirs):
    sheets["省水利厅"][1]["id"] = None  # S03's row, reviewed
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax), tax, dirs)
    assert _problems(exc) == [("省水利厅", 4)] and "申报编号为空" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_duplicated_id_lists_both_rows(tmp_path, sheets, tax, dirs):
    sheets["省委金融办"].append({**sheets["省委金融办"][0]})  # S06 twice
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax), tax, dirs)
    assert sorted(_problems(exc)) == [("省委金融办", 3), ("省委金融办", 6)]
    assert "S06 重复" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_id_not_in_run(tmp_path, sheets, tax, dirs, round_run):
    sheets["省卫生健康委"][0]["id"] = "S99"
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax), tax, dirs, run=round_run["dir"])
    assert _problems(exc) == [("省卫生健康委", 3)] and "S99" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_renamed_column(tmp_path, sheets, tax, dirs):
    header = tuple("核定方向" if t == "核定子方向" else t for t in HEADER)
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax, header=header), tax, dirs)
    assert {p.row for p in exc.value.problems} == {2} and len(exc.value.problems) == 4  # every unit sheet
    assert "核定子方向" in str(exc.value) and "第 R 列现为“核定方向”" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_extra_column_to_the_right_is_tolerated(tmp_path, sheets, tax, dirs):
    path = _broken(tmp_path, sheets, tax, header=HEADER + ("备注",))
    assert len(_import(path, tax, dirs).result.reviews) == 6


@pytest.mark.parametrize("layout", ["review-workbook/2", ""])
def test_workbook_import_wrong_layout_version(tmp_path, sheets, tax, dirs, layout):
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax, layout=layout), tax, dirs)
    assert _problems(exc) == [("_meta", None)] and "review-workbook/1" in str(exc.value)
    assert _nothing_written(dirs)


def test_workbook_import_without_meta_sheet(tmp_path, sheets, tax, dirs):
    with pytest.raises(WorkbookError, match="_meta"):
        _import(_broken(tmp_path, sheets, tax, meta=False), tax, dirs)
    assert _nothing_written(dirs)


def test_workbook_import_bad_scores_decisions_and_returns(tmp_path, sheets, tax, dirs):
    reviews = {**REVIEWS, "S01": {"compliance": 120, "innovation": "优", "decision": "同意"},
               "S05": {"final": "医疗卫生", "decision": "退回分办"}}  # returned but kept in its own unit
    with pytest.raises(WorkbookError) as exc:
        _import(_broken(tmp_path, sheets, tax, reviews), tax, dirs)
    text = str(exc.value)
    assert len(exc.value.problems) == 4 and "120" in text and "“优”" in text and "同意" in text and "仍属本单位" in text
    assert _nothing_written(dirs)


def test_workbook_import_round_must_agree_with_run(filled_workbook, tax, dirs, round_run):
    with pytest.raises(WorkbookError, match="轮次不一致"):
        _import(filled_workbook, tax, dirs, run=round_run["dir"], round_id="2026-2")


def test_workbook_import_one_bad_row_leaves_an_existing_store_untouched(filled_workbook, tmp_path, sheets, tax, dirs,
                                                                          round_run):
    _import(filled_workbook, tax, dirs, run=round_run["dir"])
    before = {p: p.read_bytes() for d in dirs.values() for p in d.iterdir()}
    bad = fill(sheets, {"S05": {"decision": "推荐"}, "S08": {"final": "区块链"}})
    with pytest.raises(WorkbookError):
        _import(write_workbook(tmp_path / "bad.xlsx", bad, round_id=ROUND), tax, dirs, run=round_run["dir"])
    after = {p: p.read_bytes() for d in dirs.values() for p in d.iterdir()}
    assert after == before


def test_workbook_import_not_an_xlsx(tmp_path, tax, dirs):
    path = tmp_path / "review.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(WorkbookError, match="xlsx"):
        _import(path, tax, dirs)


def test_workbook_import_command(filled_workbook, round_run, dirs, tmp_path, sheets, tax):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    args = ["feedback", "import", str(filled_workbook), "--run", str(round_run["dir"]), "--store", str(dirs["store"]),
            "--corrections", str(dirs["corrections"])]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "已评审 6 行" in result.output and (dirs["store"] / f"{ROUND}.jsonl").exists()
    result = runner.invoke(app, ["feedback", "status", "--store", str(dirs["store"])])
    assert result.exit_code == 0 and "review_workb" in result.output and ROUND in result.output
    bad = write_workbook(tmp_path / "bad.xlsx", fill(sheets, {"S05": {"final": "区块链"}}), round_id=ROUND)
    result = runner.invoke(app, ["feedback", "import", str(bad), "--store", str(tmp_path / "other")])
    assert result.exit_code == 2 and "第 3 行" in result.output and "区块链" in result.output
    assert not (tmp_path / "other").exists()


def test_workbook_import_formula_total_without_saved_value(tmp_path, sheets, tax, dirs):
    reviews = {"S01": {"compliance": 90, "innovation": 80, "effectiveness": 70, "demonstration": 60, "openness": 50,
                       "total": "=AVERAGE(S3:W3)", "decision": "推荐"}}
    out = _import(_broken(tmp_path, sheets, tax, reviews), tax, dirs)
    assert out.result.reviews[0].total is None and out.result.reviews[0].scores.openness == 50
    assert any("公式" in n for n in out.notes)


def test_workbook_import_row_moved_to_another_unit_sheet(tmp_path, sheets, tax, dirs):
    sheets["省农业农村厅"].append(sheets["省水利厅"].pop(0))  # S02 (suggested 智慧水利) moved by hand before review
    out = _import(_broken(tmp_path, sheets, tax, {"S02": {"final": "现代农业", "decision": "推荐"}}), tax, dirs)
    s02 = next(r for r in out.result.reviews if r.submission_id == "S02")
    assert s02.routed_unit == "nynct" and s02.suggested_sub_area == "water" and s02.final_sub_area == "agriculture"
    assert any("移到了别的单位表" in n for n in out.notes)


def test_workbook_import_unrouted_sheet(tmp_path, sheets, tax, dirs, round_run):
    """The report's 待分办 sheet: no 建议子方向; the reviewer's 核定子方向 is the only label."""
    row = sheets["省委金融办"].pop()  # S08
    sheets["待分办"] = [{**row, "suggested": None, "unit_probability": None, "final": "金融科技", "decision": "推荐"}]
    out = _import(_broken(tmp_path, sheets, tax, {}), tax, dirs, run=round_run["dir"])
    (s08,) = out.result.reviews
    assert (s08.routed_unit, s08.suggested_sub_area, s08.final_sub_area, s08.corrected) == ("", None, "fintech", False)
    assert out.record.corrections_written == 1


def test_workbook_import_reads_the_report_writers_workbook(round_run, tax, dirs, tmp_path):
    """Contract with pipeline/report: its workbook, filled in with openpyxl as a reviewer would, imports."""
    import openpyxl

    from pipeline.report import stage, workbook

    from pipeline.config import load_settings

    bundle = load_bundle(round_run["dir"])
    path = workbook.write_workbook(stage.build_view(bundle, load_settings(), tax), tax, tmp_path / "review_workbook.xlsx")
    wb = openpyxl.load_workbook(path)
    filled = 0
    for ws in wb.worksheets:
        if ws.title in ("说明", "检查发现", "重复与同质化", "_meta"):
            continue
        header = [c.value for c in ws[2]]
        col = {t: i + 1 for i, t in enumerate(header)}
        for r in range(3, ws.max_row + 1):
            sid = ws.cell(r, col["申报编号"]).value
            if sid in REVIEWS:
                for key, value in REVIEWS[sid].items():
                    title = {"final": "核定子方向", "decision": "评审结论", "comment": "评审意见", "total": "评审总分",
                             "compliance": "合规性评分", "innovation": "创新性评分", "effectiveness": "实效性评分",
                             "demonstration": "示范性评分", "openness": "开放性评分"}[key]
                    ws.cell(r, col[title], value)
                filled += 1
    wb.save(path)
    out = _import(path, tax, dirs, run=round_run["dir"])
    assert filled == len(REVIEWS) == len(out.result.reviews)
    by_id = {r.submission_id: r for r in out.result.reviews}
    assert by_id["S02"].final_sub_area == "agriculture" and by_id["S04"].final_sub_area is None
