"""The notebooks run on the sample data: the batch screened with a small lexical model, reviewed by hand."""
from __future__ import annotations

import json
import time

import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from pipeline.bundle import RunBundle, load_bundle, save_bundle
from pipeline.classify.corpus import assign_splits, load_raw, write_prepared
from pipeline.classify.predict import classify_submissions
from pipeline.classify.store import save_model
from pipeline.classify.train import TrainParams, train_model
from pipeline.config import load_settings
from pipeline.feedback.loop import import_workbook
from pipeline.ingest import ingest
from pipeline.text import match_key
from tests.conftest import ROOT, SAMPLES
from tests.feedback.factory import corpus_lines, fill, rows_from_run, write_workbook

pytestmark = pytest.mark.slow
NOTEBOOKS = ROOT / "notebooks"
ROUND = "2026-1"


def expected_sub_areas() -> dict[str, str]:
    """Scenario name (as a match key) → the sub-area a reviewer would give it, from the sample's source."""
    out = {}
    for item in yaml.safe_load((SAMPLES / "source" / "submissions.yaml").read_text(encoding="utf-8")):
        for form in ("form3", "form4"):
            if item.get(form) and item[form].get("name"):
                out[match_key(item[form]["name"])] = item["expected"]
    return out


@pytest.fixture(scope="module")
def sample_round(tmp_path_factory, tax):
    base = tmp_path_factory.mktemp("sample_round")
    raw = base / "corpus" / "raw"
    raw.mkdir(parents=True)
    for label in tax.sub_areas:
        (raw / f"{label}.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False)
                                                      for x in corpus_lines(label, 0, 8)) + "\n", encoding="utf-8")
    prepared = base / "prepared"
    write_prepared(assign_splits(load_raw(raw, tax)), prepared)
    small = TrainParams(kind="lexical", C_grid=(10.0,), char_ngrams=(1, 2), min_df=2)  # seconds, not minutes
    result = train_model(prepared, small, tax, log=lambda *_: None)
    model_dir = save_model(result.model, base / "model", result.meta)
    settings = load_settings()
    ing = ingest([SAMPLES / "batch"], settings.ingest, taxonomy=tax, round_id=ROUND)
    preds, findings = classify_submissions(ing.submissions, result.model, result.meta, tax, settings.classify)
    run = base / "run"
    save_bundle(RunBundle(submissions=ing.submissions, predictions=preds, findings=list(ing.findings) + findings,
                          meta={"round": ROUND, "model_version": result.meta["version"], "taxonomy_version": tax.version}),
                run)
    truth = expected_sub_areas()
    reviews = {}
    for p, s in zip(preds, ing.submissions):
        final = truth[match_key(s.name)]
        reviews[s.id] = {"final": tax.sub_area(final).name if final != p.sub_area else None, "decision": "推荐"}
    book = write_workbook(base / "review.xlsx", fill(rows_from_run(ing.submissions, preds, tax), reviews),
                          round_id=ROUND, model_version=result.meta["version"])
    import_workbook(book, tax, store_dir=base / "feedback", corrections_dir=base / "corrections", run=load_bundle(run))
    return {"run": run, "feedback": base / "feedback", "model": model_dir, "prepared": prepared}


def execute(name: str, env: dict, monkeypatch) -> tuple[nbformat.NotebookNode, float]:
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return nb, time.perf_counter() - t0


def outputs(nb) -> str:
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts += [str(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(texts)


def test_notebook_error_analysis_runs(sample_round, monkeypatch):
    nb, seconds = execute("classifier_error_analysis.ipynb",
                          {"SS_MODEL_DIR": sample_round["model"], "SS_PREPARED": sample_round["prepared"]}, monkeypatch)
    text = outputs(nb)
    assert "sub_area_macro_f1" in text and "unit_errors" in text and "子方向错误" in text
    assert sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])) >= 3
    assert seconds < 60


def test_notebook_routing_one_round_runs(sample_round, monkeypatch):
    nb, seconds = execute("routing_one_round.ipynb", {"SS_RUN_DIR": sample_round["run"],
                                                      "SS_FEEDBACK_DIR": sample_round["feedback"], "SS_ROUND": ROUND},
                          monkeypatch)
    text = outputs(nb)
    assert "评审人员核定的子方向" in text and "分办准确率" in text and "省经信厅" in text
    assert sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])) >= 2
    assert seconds < 60
