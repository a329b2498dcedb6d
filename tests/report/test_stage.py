"""The stage function, report.json and the ``report`` command."""
from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from pipeline.bundle import save_bundle
from pipeline.config import load_settings
from pipeline.report import write_report
from pipeline.report.commands import register
from pipeline.report.json_out import read_json


def test_stage_writes_the_three_files(scored_bundle, settings, taxonomy, tmp_path):
    written = write_report(scored_bundle, tmp_path / "out", settings, taxonomy)
    assert set(written) == {"report.html", "review_workbook.xlsx", "report.json"}
    assert all(p.exists() and p.stat().st_size > 0 for p in written.values())


def test_stage_json_holds_everything_the_card_shows(scored_bundle, settings, taxonomy, tmp_path):
    path = write_report(scored_bundle, tmp_path, settings, taxonomy)["report.json"]
    data = json.loads(path.read_text(encoding="utf-8"))
    s3 = next(s for s in data["submissions"] if s["id"] == "S0000000003")
    assert {"fields", "route", "findings", "pairs", "clusters", "history", "score", "flags"} <= set(s3)
    assert s3["route"]["prediction"]["top"][0]["probability"] == 0.99
    assert s3["pairs"][0]["passages"][0]["self_text"] and s3["score"]["conditions"][0]["indicators"][0]["evidence"]
    raw = path.read_text(encoding="utf-8")
    assert "13905733321" not in raw and "139****3321" in raw and data["meta"]["pii_masked"] is True
    assert read_json(path).submissions[0].id == data["submissions"][0]["id"]  # reads back as the typed view


def test_stage_show_pii_keeps_numbers_everywhere(bundle, taxonomy, tmp_path):
    settings = load_settings(overrides=["report.show_pii=true"])
    written = write_report(bundle, tmp_path, settings, taxonomy)
    assert "13905733321" in written["report.json"].read_text(encoding="utf-8")
    assert "13905733321" in written["report.html"].read_text(encoding="utf-8")


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:  # keeps `report` a named sub-command
        pass

    return app


def test_stage_command_writes_into_the_run_folder_by_default(bundle, tmp_path):
    save_bundle(bundle, tmp_path / "run")
    result = CliRunner().invoke(cli(), ["report", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "report.html").exists() and (tmp_path / "run" / "review_workbook.xlsx").exists()
    assert "未评分" in result.output


def test_stage_command_output_folder_and_settings(bundle, tmp_path):
    save_bundle(bundle, tmp_path / "run")
    result = CliRunner().invoke(cli(), ["report", str(tmp_path / "run"), "-o", str(tmp_path / "rep"),
                                        "--set", "report.title=联审预审"])
    assert result.exit_code == 0, result.output
    assert "<title>联审预审（2026年第1轮）</title>" in (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert not (tmp_path / "run" / "report.html").exists()


def test_stage_command_rejects_a_folder_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(cli(), ["report", str(tmp_path)])
    assert result.exit_code != 0
    assert "not the output of `scenario-screen run`" in str(result.exception)
