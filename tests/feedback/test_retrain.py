"""Retraining with the reviewers' corrections: a better model is promoted (alias `champion` in the
MLflow registry, the model directory replaced, its card naming the data version); a worse one is not."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from pipeline.bundle import load_bundle
from pipeline.classify.model import LexicalClassifier
from pipeline.classify.store import save_model
from pipeline.classify.train import TrainParams
from pipeline.feedback.commands import register
from pipeline.feedback.loop import import_workbook
from pipeline.feedback.retrain import retrain
from tests.feedback.factory import corpus_lines, fill, prediction, rows_from_run, save_run, submission, write_workbook

pytestmark = pytest.mark.slow
LABELS = ("agriculture", "water", "health", "fintech")
ROUND = "2026-1"


@pytest.fixture(scope="module")
def world(tmp_path_factory, tax):
    """A small corpus (4 sub-areas × 12), one reviewed round of 32 submissions, an MLflow store in tmp."""
    import mlflow

    from pipeline.classify.tracking import EXPERIMENT

    base = tmp_path_factory.mktemp("loop")
    raw, corrections, store = base / "corpus" / "raw", base / "corpus" / "feedback", base / "feedback"
    raw.mkdir(parents=True)
    for label in LABELS:
        (raw / f"{label}.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False)
                                                      for x in corpus_lines(label, 0, 12)) + "\n", encoding="utf-8")
    subs, preds, reviews = [], [], {}
    for k, label in enumerate(LABELS):
        wrong = LABELS[(k + 1) % len(LABELS)]
        for i, item in enumerate(corpus_lines(label, 12, 20)):
            sid = f"S{label[:3]}{i}"
            subs.append(submission(sid, f"场景{sid}", item["text"], declared=(label,), round_id=ROUND))
            top = [(wrong, 0.6), (label, 0.3), ("ecology", 0.05)] if i == 0 else [(label, 0.9), (wrong, 0.05),
                                                                                 ("ecology", 0.03)]
            preds.append(prediction(sid, tax, top, declared=label))
            reviews[sid] = {"final": tax.sub_area(label).name if i == 0 else None, "decision": "推荐"}
    run = save_run(base / "run", subs, preds, ROUND)
    book = write_workbook(base / "review.xlsx", fill(rows_from_run(subs, preds, tax), reviews), round_id=ROUND)
    import_workbook(book, tax, store_dir=store, corrections_dir=corrections, run=load_bundle(run))
    uri = f"sqlite:///{base / 'mlflow.db'}"
    mlflow.MlflowClient(tracking_uri=uri).create_experiment(EXPERIMENT, artifact_location=str(base / "mlartifacts"))
    texts = [x for label in LABELS for x in corpus_lines(label, 0, 12)]
    rotated = {a: LABELS[(i + 1) % len(LABELS)] for i, a in enumerate(LABELS)}
    bad = LexicalClassifier(C=10).fit([x["text"] for x in texts], [rotated[x["label"]] for x in texts])
    bad_dir = save_model(bad, base / "bad_model", {"kind": "lexical", "version": "lexical-rotated", "params": {},
                                                   "data_version": "rotated", "abstain_threshold": 0.5})
    return {"base": base, "raw": raw, "corrections": corrections, "uri": uri, "bad": bad_dir,
            "params": TrainParams(kind="lexical", C_grid=(10.0,))}


def _champion(uri):
    from pipeline.feedback.promote import champion_version

    return champion_version(uri)


def test_retrain_command_promotes_better_model(world, tmp_path):
    import shutil

    model = tmp_path / "classifier"
    shutil.copytree(world["bad"], model)  # the model in use is a poor one
    params = tmp_path / "params.yaml"
    params.write_text("train:\n  kind: lexical\n  C_grid: [10.0]\nretrain:\n  tolerance: 0.005\n", encoding="utf-8")
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, [
        "retrain", "--raw", str(world["raw"]), "--feedback", str(world["corrections"]),
        "--prepared", str(tmp_path / "prepared"), "--model", str(model), "--candidate", str(tmp_path / "candidate"),
        "--params", str(params), "--tracking-uri", world["uri"], "--metrics-out", str(tmp_path / "retrain.json")])
    assert result.exit_code == 0, result.output
    assert "已晋升" in result.output
    report = json.loads((tmp_path / "retrain.json").read_text())
    assert report["promoted"] == 1.0 and report["delta_sub_area_macro_f1"] > 0.1
    assert {r["sub_area"] for r in report["comparison"]["per_sub_area_f1"]} == set(LABELS)
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["version"].startswith("lexical-") and meta["feedback"]["rounds"] == {ROUND: 32}
    assert meta["promotion"]["replaced"] == "lexical-rotated"
    card = (model / "MODEL_CARD.md").read_text()
    assert meta["data_version"] in card and f"{ROUND}: 32" in card and "## Promotion" in card
    assert json.loads((tmp_path / "classifier.previous" / "metadata.json").read_text())["version"] == "lexical-rotated"
    # the prepared split holds the corrections, with the split they were given
    test_ids = [json.loads(x)["id"] for x in (tmp_path / "prepared" / "test.jsonl").read_text().splitlines()]
    assert any(i.startswith(f"fb:{ROUND}:") for i in test_ids)
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=world["uri"])
    version = _champion(world["uri"])
    assert version is not None
    assert client.get_model_version("scenario-screen-classifier", version).tags["decision"] == "promoted"
    mlflow.set_tracking_uri(world["uri"])
    served = mlflow.pyfunc.load_model("models:/scenario-screen-classifier@champion")
    assert served.predict(["水库大坝渗压监测与安全预警", "互联网医院智能分诊"]) == ["water", "health"]


def test_retrain_keeps_champion_when_candidate_is_worse(world, tmp_path, tax):
    from pipeline.feedback.retrain import prepare_corpus, train_candidate

    prepared, model = tmp_path / "prepared", tmp_path / "classifier"
    prepare_corpus(world["raw"], world["corrections"], prepared, tax)
    train_candidate(prepared, world["params"], tax, model, log=lambda *_: None)
    before = (model / "model.joblib").read_bytes()
    champion_before = _champion(world["uri"])
    out = retrain(prepared=prepared, model_dir=model, candidate_dir=tmp_path / "unused", tax=tax,
                  candidate_from=world["bad"], tracking_uri=world["uri"], metrics_out=tmp_path / "retrain.json",
                  log=lambda *_: None)
    assert not out.promoted and out.comparison.delta["sub_area_macro_f1"] < -0.1
    assert (model / "model.joblib").read_bytes() == before and not (tmp_path / "classifier.previous").exists()
    assert _champion(world["uri"]) == champion_before
    import mlflow

    tags = mlflow.MlflowClient(tracking_uri=world["uri"]).get_model_version(
        "scenario-screen-classifier", out.registry.version).tags
    assert tags["decision"] == "rejected" and not out.registry.champion
    assert json.loads((tmp_path / "retrain.json").read_text())["promoted"] == 0.0


def test_retrain_without_current_model_promotes_without_mlflow(world, tmp_path, tax):
    out = retrain(prepared=tmp_path / "prepared", model_dir=tmp_path / "classifier", candidate_dir=tmp_path / "cand",
                  tax=tax, params=world["params"], raw=world["raw"], feedback=world["corrections"], mlflow=False,
                  log=lambda *_: None)
    assert out.promoted and out.registry is None and (tmp_path / "classifier" / "model.joblib").exists()
    assert "没有现用模型" in out.comparison.reasons[0]
