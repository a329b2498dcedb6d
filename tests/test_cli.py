"""The command line: thin shells over the stages, clear errors, outputs where it says."""
import json

import pytest

from pipeline.cli import main
from pipeline.forms_writer import write_form3, write_form4
from tests.conftest import ROOT, SAMPLES


def test_cli_ingest_writes_documented_outputs(tmp_path, form3_data, form4_data):
    src = tmp_path / "in"
    src.mkdir()
    write_form3(form3_data, src / "a3.docx")
    write_form4(form4_data, src / "a4.docx")
    (src / "bad.docx").write_bytes(b"not a docx")
    out = tmp_path / "out"
    assert main(["ingest", str(src), "-o", str(out)]) == 0
    for name in ("submissions.jsonl", "submissions.parquet", "findings.jsonl", "findings.csv", "manifest.jsonl",
                 "manifest.csv"):
        assert (out / name).exists(), name
    manifest = [json.loads(l) for l in (out / "manifest.jsonl").read_text().splitlines()]
    assert {m["status"] for m in manifest} == {"processed", "failed"}
    import pandas as pd

    table = pd.read_parquet(out / "submissions.parquet")
    assert table.loc[0, "name"] == form3_data["name"] and "field_goals" in table.columns


def test_cli_bad_override_is_a_clear_error(tmp_path, capsys):
    assert main(["ingest", str(tmp_path), "--set", "ingest.max_file_mb=lots"]) == 2
    assert main(["ingest", str(tmp_path), "--set", "nodot"]) == 2


def test_cli_unknown_command_fails():
    assert main(["no-such-command"]) != 0


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    work = tmp_path_factory.mktemp("m")
    raw = work / "raw"
    raw.mkdir()
    for label in ("manufacturing", "gov_services", "water", "health", "logistics", "culture_tourism"):
        lines = (ROOT / "data/corpus/raw" / f"{label}.jsonl").read_text(encoding="utf-8").splitlines()[:14]
        (raw / f"{label}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    params = work / "params.yaml"
    params.write_text("train:\n  kind: lexical\n  C_grid: [10.0]\n", encoding="utf-8")
    assert main(["prepare", "--raw", str(raw), "--out", str(work / "prepared")]) == 0
    assert main(["train", "--prepared", str(work / "prepared"), "--out", str(work / "model"), "--params", str(params),
                 "--no-mlflow", "--metrics-out", str(work / "metrics.json")]) == 0
    return work / "model"


@pytest.mark.slow
def test_cli_run_screens_the_sample_batch(tmp_path, small_model):
    out = tmp_path / "run"
    assert main(["run", str(SAMPLES / "batch"), "-o", str(out), "--round", "2026-1",
                 "--set", f"classify.model_dir={small_model}"]) == 0
    subs = [json.loads(l) for l in (out / "submissions.jsonl").read_text().splitlines()]
    preds = [json.loads(l) for l in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(subs) >= 46 and {p["submission_id"] for p in preds} == {s["id"] for s in subs}
    assert all(s["round"] == "2026-1" for s in subs)
    meta = json.loads((out / "run.json").read_text())
    assert set(meta["timings"]) >= {"ingest", "classify", "dedup"}
    dedup = json.loads((out / "dedup.json").read_text())
    assert dedup["pairs"] and dedup["clusters"]
    # Regression: the dedup writer once replaced findings.jsonl with its own findings only.
    from pipeline.bundle import load_bundle

    bundle = load_bundle(out)
    codes = {f.code for f in bundle.findings}
    assert {"file_unreadable", "effects_too_long", "field_missing"} <= codes
    assert len(bundle.scores) == len(subs) and bundle.meta["rubric_version"]
    for name in ("report.html", "review_workbook.xlsx", "report.json"):
        assert (out / name).stat().st_size > 0, name
