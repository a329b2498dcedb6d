import json

import pytest
import typer
from typer.testing import CliRunner

from pipeline.bundle import RunBundle, load_bundle, save_bundle
from pipeline.records import DedupResult, DuplicateCluster, DuplicatePair, Finding, SourceRef
from pipeline.score.commands import load_run, register
from pipeline.score.rubric import DEFAULT_RUBRIC, load_rubric

from .conftest import STRONG_FIELDS, WEAK_FIELDS, make_prediction, make_sub


@pytest.fixture
def app():
    a = typer.Typer()
    register(a)
    return a


def _mixed(i: int) -> dict:
    """Between weak and strong: the first i strong fields, the rest weak."""
    keys = list(STRONG_FIELDS)
    return {k: (STRONG_FIELDS[k] if n < i else WEAK_FIELDS[k]) for n, k in enumerate(keys)}


@pytest.fixture
def run_dir(tmp_path):
    subs = [make_sub(f"S{i:02d}", _mixed(i), sources=(SourceRef(path=f"batch/s{i:02d}_附件3_申报表.docx", form="form3"),))
            for i in range(12)]
    preds = [make_prediction(s.id) for s in subs]
    findings = [Finding(code="field_missing", severity="warning", message="必填项“仍存在的问题”缺失或为空",
                        submission_id="S00", field="problems")]
    dedup = DedupResult(pairs=(DuplicatePair(a_id="S10", b_id="S11", similarity=0.9, kind="light_edit"),),
                        clusters=(DuplicateCluster(id="dc-1", label=(), size=2, members=("S10", "S11"), original_id="S10"),))
    out = tmp_path / "run"
    save_bundle(RunBundle(submissions=subs, predictions=preds, findings=findings, dedup=dedup, meta={"round": "t"}), out)
    return out


def test_commands_score_writes_cards_into_the_run(app, run_dir):
    r = CliRunner().invoke(app, ["score", str(run_dir)])
    assert r.exit_code == 0, r.output
    bundle = load_bundle(run_dir)
    assert len(bundle.scores) == 12 and {c.rubric_version for c in bundle.scores} == {"2026.1"}
    assert json.loads((run_dir / "run.json").read_text(encoding="utf-8"))["rubric_version"] == "2026.1"
    assert (run_dir / "scores.csv").read_text(encoding="utf-8-sig").startswith("submission_id,name,total")
    cards = bundle.score_of()
    assert cards["S11"].total > cards["S00"].total and cards["S11"].penalty > 0


def test_commands_score_to_another_folder_with_another_rubric(app, run_dir, tmp_path):
    rub = tmp_path / "r.yaml"
    rub.write_text(DEFAULT_RUBRIC.read_text(encoding="utf-8").replace('version: "2026.1"', 'version: "test-9"'),
                   encoding="utf-8")
    out = tmp_path / "elsewhere"
    r = CliRunner().invoke(app, ["score", str(run_dir), "--rubric", str(rub), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert '"rubric_version":"test-9"' in (out / "scores.jsonl").read_text(encoding="utf-8")
    assert not (run_dir / "scores.jsonl").exists()


def test_commands_score_bad_rubric_exits_2_with_the_reason(app, run_dir, tmp_path):
    rub = tmp_path / "bad.yaml"
    rub.write_text(DEFAULT_RUBRIC.read_text(encoding="utf-8").replace("rule: deployment", "rule: vibes"), encoding="utf-8")
    r = CliRunner().invoke(app, ["score", str(run_dir), "--rubric", str(rub)])
    assert r.exit_code == 2 and "vibes" in r.output


def test_commands_fit_weights_writes_a_new_rubric_version(app, run_dir, tmp_path):
    csv = tmp_path / "reviewers.csv"
    csv.write_text("id,total\n" + "".join(f"s{i:02d},{20 + 6 * i}\n" for i in range(12)), encoding="utf-8")
    out = tmp_path / "rubric_fit.yaml"
    shipped = DEFAULT_RUBRIC.read_bytes()
    r = CliRunner().invoke(app, ["fit-weights", str(run_dir), str(csv), "-o", str(out)])
    assert r.exit_code == 0, r.output
    new = load_rubric(out)
    assert new.version.startswith("2026.1-fit-") and new.provenance["n"] == 12
    assert "spearman_heldout_fitted" in new.provenance["cross_validation"]
    assert DEFAULT_RUBRIC.read_bytes() == shipped
    assert "Spearman" in r.output


def test_commands_fit_weights_refuses_too_few_rows_and_the_shipped_file(app, run_dir, tmp_path):
    csv = tmp_path / "few.csv"
    csv.write_text("id,total\ns01,50\ns02,60\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["fit-weights", str(run_dir), str(csv), "-o", str(tmp_path / "x.yaml")])
    assert r.exit_code == 2 and "at least 10" in r.output
    csv.write_text("id,total\n" + "".join(f"s{i:02d},{i * 5}\n" for i in range(12)), encoding="utf-8")
    r = CliRunner().invoke(app, ["fit-weights", str(run_dir), str(csv), "-o", str(DEFAULT_RUBRIC)])
    assert r.exit_code == 2 and "refusing to overwrite" in r.output


def test_commands_load_run_reads_findings_csv_when_jsonl_is_empty(run_dir):
    from pipeline.io_records import write_csv

    findings = load_bundle(run_dir).findings
    write_csv(findings, run_dir / "findings.csv")
    (run_dir / "findings.jsonl").write_text("", encoding="utf-8")
    bundle = load_run(run_dir)
    assert [(f.code, f.submission_id, f.field) for f in bundle.findings] == [("field_missing", "S00", "problems")]


def test_commands_register_adds_both_commands_with_help(app):
    import typer.main

    group = typer.main.get_command(app)
    assert {"score", "fit-weights"} <= set(group.commands)
    r = CliRunner().invoke(app, ["fit-weights", "--help"])
    assert r.exit_code == 0 and "fit-weights" in r.output
