"""The dedup and history commands, run through a throwaway Typer app (no subprocess)."""
from __future__ import annotations

import csv
import json

import pytest
import typer
from dedup_texts import ELDERLY_FALL, ELDERLY_FALL_EDIT, FACTORY_QC, TOURISM_GUIDE
from typer.testing import CliRunner

from pipeline.dedup.commands import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, so that commands are addressed by name
        pass

    register(app)
    return app


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "selected"])
        w.writerows(rows)
    return path


def test_commands_dedup_writes_pairs_and_clusters(app, tmp_path):
    batch = _write_csv(tmp_path / "batch.csv", [["a", ELDERLY_FALL, ""], ["b", ELDERLY_FALL_EDIT, ""],
                                                ["c", FACTORY_QC, ""]])
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["dedup", str(batch), "-o", str(out), "--set", "embedder.kind=none"])
    assert res.exit_code == 0, res.output
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(p["a_id"], p["b_id"], p["kind"]) for p in pairs] == [("a", "b", "light_edit")]
    assert (out / "clusters.csv").is_file() and (out / "summary.json").is_file()


def test_commands_history_add_list_and_check(app, tmp_path):
    db = tmp_path / "h.sqlite"
    past = _write_csv(tmp_path / "2025.csv", [["p1", ELDERLY_FALL, "1"], ["p2", TOURISM_GUIDE, "0"]])
    runner = CliRunner()
    res = runner.invoke(app, ["history", "add", "2025", str(past), "--db", str(db)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["history", "list", "--db", str(db)])
    assert res.exit_code == 0 and "2025" in res.output
    batch = _write_csv(tmp_path / "2026.csv", [["n1", ELDERLY_FALL_EDIT, ""], ["n2", FACTORY_QC, ""]])
    res = runner.invoke(app, ["dedup", str(batch), "-o", str(tmp_path / "o"), "--history", str(db),
                              "--set", "embedder.kind=none"])
    assert res.exit_code == 0, res.output
    (match,) = [json.loads(x) for x in (tmp_path / "o" / "history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (match["submission_id"], match["past_id"], match["kind"]) == ("n1", "p1", "resubmits_selected")


def test_commands_selected_file_marks_selected(app, tmp_path):
    db = tmp_path / "h.sqlite"
    past = _write_csv(tmp_path / "2025.csv", [["p1", ELDERLY_FALL, ""], ["p2", TOURISM_GUIDE, ""]])
    (tmp_path / "sel.txt").write_text("p2\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["history", "add", "2025", str(past), "--db", str(db), "--selected",
                                   str(tmp_path / "sel.txt")])
    assert res.exit_code == 0, res.output
    from pipeline.dedup import HistoryStore

    with HistoryStore(db) as store:
        assert {p.submission.id for p in store.past_scenarios() if p.selected} == {"p2"}


def test_commands_bad_input_and_settings_exit_2(app, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["dedup", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2
    res = runner.invoke(app, ["dedup", str(tmp_path / "missing.csv"), "--set", "dedup.lsh_threshold=2"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["history", "list", "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == 2
