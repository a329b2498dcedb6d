"""train → evaluate end to end on a small corpus, with the model card and the MLflow run checked."""
import json

import pytest

from pipeline.cli import main
from tests.conftest import ROOT

LABELS = ("agriculture", "water", "health", "fintech")


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for label in LABELS:
        lines = (ROOT / "data/corpus/raw" / f"{label}.jsonl").read_text(encoding="utf-8").splitlines()[:14]
        (raw / f"{label}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def trained(small_corpus, tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    prepared, model, metrics = work / "prepared", work / "model", work / "metrics.json"
    params = work / "params.yaml"
    params.write_text("train:\n  kind: lexical\n  C_grid: [10.0]\n", encoding="utf-8")
    uri = f"sqlite:///{work / 'mlflow.db'}"
    assert main(["prepare", "--raw", str(small_corpus), "--out", str(prepared)]) == 0
    assert main(["train", "--prepared", str(prepared), "--out", str(model), "--params", str(params),
                 "--metrics-out", str(metrics), "--tracking-uri", uri]) == 0
    return {"work": work, "prepared": prepared, "model": model, "metrics": metrics, "uri": uri}


def test_train_prepare_split_is_stratified_and_disjoint(trained):
    splits = {s: [json.loads(l) for l in (trained["prepared"] / f"{s}.jsonl").read_text().splitlines()]
              for s in ("train", "val", "test")}
    ids = [set(r["id"] for r in rows) for rows in splits.values()]
    assert not (ids[0] & ids[1]) and not (ids[0] & ids[2]) and not (ids[1] & ids[2])
    for rows in splits.values():
        assert {r["label"] for r in rows} == set(LABELS)


def test_train_writes_model_dir_with_card_and_metadata(trained):
    model = trained["model"]
    meta = json.loads((model / "metadata.json").read_text())
    assert meta["kind"] == "lexical" and meta["n_train"] > 0 and meta["data_version"]
    assert 0 < meta["abstain_threshold"] < 1
    # Refitted on train + validation, calibrated on out-of-fold predictions of both.
    assert meta["fitted_on"] == "train + validation" and "out-of-fold" in meta["calibration"]
    card = (model / "MODEL_CARD.md").read_text()
    assert meta["data_version"] in card and "sub_area_macro_f1" in card and "scikit-learn" in card
    assert (model / "confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    metrics = json.loads(trained["metrics"].read_text())
    assert metrics["sub_area_macro_f1"] > metrics["baseline_most_frequent_macro_f1"]


def test_train_logs_run_to_mlflow(trained):
    import mlflow

    client = mlflow.tracking.MlflowClient(tracking_uri=trained["uri"])
    exp = client.get_experiment_by_name("scenario-screen-classifier")
    runs = client.search_runs([exp.experiment_id])
    assert len(runs) == 1
    run = runs[0]
    assert "test_sub_area_macro_f1" in run.data.metrics and "keyword_rules_sub_area_macro_f1" in run.data.metrics
    assert run.data.params["kind"] == "lexical" and "out-of-fold" in run.data.params["calibrated_on"]
    assert "val_auto_routed_precision" in run.data.metrics
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "evaluation")}
    assert "evaluation/confusion_matrix.png" in artifacts
    assert {a.path for a in client.list_artifacts(run.info.run_id, "model_dir")} >= {"model_dir/model.joblib"}


def test_train_evaluate_command_reports_baselines_and_generalization(trained):
    out = trained["work"] / "evaluation.json"
    assert main(["evaluate", "--model", str(trained["model"]), "--prepared", str(trained["prepared"]),
                 "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert set(report["baselines"]) == {"most_frequent", "keyword_rules"}
    assert "test_converted_to_traditional" in report["generalization"]
    assert json.loads((out.parent / "evaluation_summary.json").read_text())["sub_area_macro_f1"] >= 0


def test_train_classify_command_on_plain_csv(trained, tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_text("id,text\nx1,水库山塘雨水情监测与洪水预报\nx2,银行反洗钱可疑交易识别与保险反欺诈\n", encoding="gbk")
    out = tmp_path / "out"
    assert main(["classify", str(csv), "-o", str(out), "--model", str(trained["model"])]) == 0
    rows = [json.loads(l) for l in (out / "predictions.jsonl").read_text().splitlines()]
    assert [r["submission_id"] for r in rows] == ["x1", "x2"]
    assert rows[0]["sub_area"] == "water" and rows[1]["sub_area"] == "fintech"
    assert (out / "predictions.csv").exists()


def test_train_routing_report_html_and_csv(trained, tmp_path):
    out = tmp_path / "routing"
    assert main(["routing-report", "--model", str(trained["model"]), "--data",
                 str(trained["prepared"] / "test.jsonl"), "-o", str(out)]) == 0
    html = (out / "routing_report.html").read_text()
    assert "省水利厅" in html and "精确率" in html and "data:image/png;base64," in html
    by_unit = (out / "routing_by_unit.csv").read_text(encoding="utf-8-sig").splitlines()
    assert by_unit[0].startswith("unit,unit_name,routed,belong,correct,precision,recall")
    assert len(by_unit) == 1 + len(LABELS)


def test_train_bad_params_file_is_a_clear_error(tmp_path, small_corpus):
    params = tmp_path / "p.yaml"
    params.write_text("train:\n  kindd: lexical\n", encoding="utf-8")
    assert main(["train", "--prepared", str(tmp_path), "--params", str(params), "--no-mlflow"]) == 2


def test_train_out_of_fold_scores_come_from_models_that_did_not_see_the_text():
    from pipeline.classify.model import LexicalClassifier
    from pipeline.classify.train import out_of_fold_scores

    texts, labels = [], []
    for label in LABELS:
        for line in (ROOT / "data/corpus/raw" / f"{label}.jsonl").read_text(encoding="utf-8").splitlines()[:10]:
            texts.append(json.loads(line)["text"])
            labels.append(label)
    make = lambda: LexicalClassifier(C=30)  # noqa: E731
    (oof,) = out_of_fold_scores(make, texts, labels, folds=5)
    (seen,) = make().fit(texts, labels).raw_scores(texts)
    assert oof.shape == seen.shape == (len(texts), len(LABELS))
    idx = [sorted(LABELS).index(y) for y in labels]
    margin = lambda s: s[range(len(idx)), idx] - s.max(axis=1)  # noqa: E731
    # A model scores texts it was fitted on with more certainty than texts it never saw.
    assert (seen.argmax(axis=1) == idx).all()
    assert margin(oof).mean() < margin(seen).mean() - 0.1
    assert (oof.argmax(axis=1) == idx).mean() > 0.5


def test_train_calibration_folds_fall_back_when_a_sub_area_is_small():
    from pipeline.classify.train import TrainParams, _usable_folds

    assert _usable_folds(5, ["a"] * 9 + ["b"] * 12) == 5
    assert _usable_folds(5, ["a"] * 3 + ["b"] * 12) == 3
    assert _usable_folds(5, ["a"] * 1 + ["b"] * 12) == 0  # one text cannot be held out and trained on
    assert _usable_folds(0, ["a"] * 9) == 0
    with pytest.raises(ValueError, match="calibration_folds"):
        TrainParams(calibration_folds=1)
