"""CLI of the review loop: `scenario-screen feedback import|import-reviews|import-db|status|routing-over-rounds|next`
and `retrain`."""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from ..errors import ScreenError

STORE = Path("data/feedback")
CORRECTIONS = Path("data/corpus/feedback")
RAW = Path("data/corpus/raw")
PREPARED = Path("data/corpus/prepared")
CANDIDATE = Path("models/candidate")
METRICS = Path("metrics/retrain.json")
PARAMS = Path("params.yaml")


def register(app: typer.Typer) -> None:
    """Add the `feedback` command group and the `retrain` command to ``app``."""
    from ..cli import SetOpt, SettingsOpt, _settings, console

    fb = typer.Typer(help="The review loop: reviewers' decisions back into the models; routing over rounds.",
                     no_args_is_help=True)
    app.add_typer(fb, name="feedback")

    def fail(exc: ScreenError) -> NoReturn:
        console.print(f"[red]错误:[/red] {exc}")
        raise typer.Exit(2)

    @fb.command("import")
    def import_cmd(
        workbook: Path = typer.Argument(..., help="The joint-review workbook (review_workbook.xlsx) filled in by reviewers."),
        run: Path | None = typer.Option(None, "--run", help="The round's run folder (scenario-screen run -o DIR): checks "
                                        "the IDs and turns the reviews into labeled texts for retraining."),
        round_id: str | None = typer.Option(None, "--round", help="Round label; must agree with the workbook and run."),
        store: Path = typer.Option(STORE, help="Feedback store folder."),
        corrections: Path = typer.Option(CORRECTIONS, help="Folder of labeled corrections read by `prepare`."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Validate only; write nothing."),
    ) -> None:
        """Import a filled joint-review workbook: all rows are checked first; nothing is written if one is wrong."""
        from ..bundle import load_bundle
        from ..taxonomy import load_taxonomy
        from .loop import import_workbook

        try:
            bundle = load_bundle(run) if run else None
            out = import_workbook(workbook, load_taxonomy(), store_dir=store, corrections_dir=corrections, run=bundle,
                                  round_id=round_id, dry_run=dry_run)
        except ScreenError as exc:
            fail(exc)
        rec = out.record
        print_outcome(out, dry_run, f"第 {rec.round} 轮：{rec.rows} 行，已评审 {rec.reviews} 行（改动子方向 {rec.corrected}，"
                                    f"退回未指明 {rec.returned_unplaced}），未评审 {len(out.result.unreviewed)} 行；"
                                    f"生成训练数据 {rec.corrections_written} 条")

    def report_export(out, dry_run: bool) -> None:
        rec = out.record
        print_outcome(out, dry_run, f"第 {rec.round} 轮：导出 {rec.rows} 行，{rec.reviews} 条申报（改动子方向 {rec.corrected}，"
                                    f"退回未指明 {rec.returned_unplaced}）；生成训练数据 {rec.corrections_written} 条")

    def print_outcome(out, dry_run: bool, headline: str) -> None:
        console.print(headline)
        for note in out.notes:
            console.print(f"  [yellow]注意:[/yellow] {note}")
        if dry_run:
            console.print("--dry-run：检查通过，未写入任何文件")
        for path in out.written:
            console.print(f"  写入 {path}")

    @fb.command("import-reviews")
    def import_reviews_cmd(
        file: Path = typer.Argument(..., help="The JSONL of `scenario-screen web export-reviews --round R -o FILE`."),
        run: Path = typer.Option(..., "--run", help="The round's run folder: checks the IDs and turns the reviews "
                                 "into labeled texts for retraining."),
        round_id: str | None = typer.Option(None, "--round", help="Round label; must agree with the export and run."),
        store: Path = typer.Option(STORE, help="Feedback store folder."),
        corrections: Path = typer.Option(CORRECTIONS, help="Folder of labeled corrections read by `prepare`."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Validate only; write nothing."),
    ) -> None:
        """Import the web app's exported reviews (JSONL): all rows are checked first; nothing is written if one is wrong."""
        from ..bundle import load_bundle
        from ..taxonomy import load_taxonomy
        from .from_export import import_export_rows, read_export_jsonl

        try:
            rows = read_export_jsonl(file)
            out = import_export_rows(rows, load_taxonomy(), store_dir=store, corrections_dir=corrections,
                                     run=load_bundle(run), round_id=round_id, source=file.name, dry_run=dry_run)
        except ScreenError as exc:
            fail(exc)
        report_export(out, dry_run)

    @fb.command("import-db")
    def import_db_cmd(
        db: str = typer.Option(..., "--db", help="The web app's database URL (sqlite:///review.db, postgresql://…)."),
        round_id: str = typer.Option(..., "--round", help="The round in the database."),
        run: Path = typer.Option(..., "--run", help="The round's run folder: checks the IDs and turns the reviews "
                                 "into labeled texts for retraining."),
        store: Path = typer.Option(STORE, help="Feedback store folder."),
        corrections: Path = typer.Option(CORRECTIONS, help="Folder of labeled corrections read by `prepare`."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Validate only; write nothing."),
    ) -> None:
        """Import the round's final routes, sub-areas and scores straight from the web app's database."""
        from ..bundle import load_bundle
        from ..taxonomy import load_taxonomy
        from sqlalchemy.exc import SQLAlchemyError

        from ..webapp.exports import export_reviews  # a command may call across stages; the loop itself does not
        from .from_export import import_export_rows

        try:
            _check_sqlite_file(db)
            rows = export_reviews(db, round_id)
            out = import_export_rows(rows, load_taxonomy(), store_dir=store, corrections_dir=corrections,
                                     run=load_bundle(run), round_id=round_id, source=f"web-db:{round_id}",
                                     dry_run=dry_run)
        except ScreenError as exc:
            fail(exc)
        except SQLAlchemyError as exc:  # unreachable server, wrong password …: said without the URL
            fail(ScreenError(f"cannot read the database: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"))
        report_export(out, dry_run)

    @fb.command("status")
    def status_cmd(store: Path = typer.Option(STORE, help="Feedback store folder.")) -> None:
        """The rounds in the feedback store and the imports that filled them."""
        from rich.table import Table

        from .store import FeedbackStore

        s = FeedbackStore(store)
        t = Table()
        for title in ("轮次 round", "工作簿 workbook", "导入时间 imported", "已评审", "改动", "训练数据"):
            t.add_column(title, overflow="fold")
        for rec in s.imports():
            t.add_row(rec.round, rec.workbook, rec.imported_at, str(rec.reviews), str(rec.corrected),
                      str(rec.corrections_written))
        console.print(t)
        console.print(f"{store}: " + (", ".join(s.rounds()) or "（空）"))

    @fb.command("routing-over-rounds")
    def rounds_cmd(
        out: Path = typer.Option(Path("out/routing_over_rounds"), "-o", "--out", help="Output folder."),
        store: Path = typer.Option(STORE, help="Feedback store folder."),
        rounds: list[str] | None = typer.Option(None, "--round", help="Only these rounds (repeatable); default all."),
    ) -> None:
        """Per unit and round: routed, kept, moved elsewhere and where, precision and recall; HTML and CSV."""
        from ..taxonomy import load_taxonomy
        from .errors import FeedbackError
        from .rounds import write_routing_over_rounds
        from .store import FeedbackStore

        try:
            reviews = FeedbackStore(store).load(rounds or None)
            if not reviews:
                raise FeedbackError(f"no reviews in {store}; import a filled workbook first "
                                    "(scenario-screen feedback import WORKBOOK --run RUN_DIR)")
            files = write_routing_over_rounds(reviews, load_taxonomy(), out, source=f"{store}，{len(reviews)} 条评审")
        except ScreenError as exc:
            fail(exc)
        for name, path in files.items():
            console.print(f"  {name}: {path}")

    @fb.command("next")
    def next_cmd(
        out: Path = typer.Option(..., "-o", "--out", help="CSV file to write."),
        runs: list[Path] = typer.Option(..., "--run", help="Run folder(s) whose submissions to rank (repeatable)."),
        store: Path = typer.Option(STORE, help="Feedback store: submissions reviewed in their round are left out."),
        limit: int = typer.Option(0, help="Keep the first N (0: all)."),
        disagreement_weight: float = typer.Option(0.4, help="Weight of disagreement with the declared sub-area "
                                                  "against the model's uncertainty, in [0, 1]."),
        model: Path | None = typer.Option(None, help="Classify with this model when a run has no predictions "
                                          "(default: classify.model_dir)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Rank unreviewed submissions by the model's uncertainty and disagreement with the declared sub-area."""
        from ..bundle import load_bundle
        from ..taxonomy import load_taxonomy
        from .next_to_label import rank_for_review, write_candidates_csv
        from .store import FeedbackStore

        cfg = _settings(settings, set_)
        tax = load_taxonomy()
        try:
            s = FeedbackStore(store)
            ranked = []
            for run in runs:
                bundle = load_bundle(run)
                preds = bundle.predictions or _classify(bundle, model or Path(cfg.classify.model_dir), tax, cfg)
                label = bundle.meta.get("round", "")
                rounds = [label] if label in s.rounds() else ([] if label else s.rounds())
                reviewed = {r.submission_id for r in s.load(rounds)} if rounds else set()
                ranked += rank_for_review(preds, bundle.submissions, tax, reviewed=reviewed,
                                          disagreement_weight=disagreement_weight, round_id=label)
        except ScreenError as exc:
            fail(exc)
        ranked.sort(key=lambda c: (-c.priority, c.submission_id))
        if limit > 0:
            ranked = ranked[:limit]
        write_candidates_csv(ranked, out)
        console.print(f"{len(ranked)} 条待优先核对 → {out}")

    @app.command()
    def retrain(
        raw: Path = typer.Option(RAW, help="Hand-written labeled corpus (its sibling feedback/ folder is read too)."),
        feedback: Path = typer.Option(CORRECTIONS, help="Reviewers' labeled corrections."),
        prepared: Path = typer.Option(PREPARED, help="Prepared split (rewritten unless --no-prepare)."),
        no_prepare: bool = typer.Option(False, "--no-prepare", help="Use the prepared split as it is (dvc repro)."),
        model: Path | None = typer.Option(None, "--model", help="The model in use, compared and replaced when the "
                                          "candidate is not worse (default: classify.model_dir)."),
        candidate: Path = typer.Option(CANDIDATE, help="Where the candidate is trained."),
        candidate_from: Path | None = typer.Option(None, "--candidate-from", help="Use this trained model directory "
                                                   "as the candidate instead of training one."),
        params_file: Path | None = typer.Option(None, "--params", help="YAML with a 'train' section (and optionally "
                                                "'retrain': tolerance, metrics); default params.yaml when present, "
                                                "so the candidate is trained like `dvc repro` trains."),
        kind: str | None = typer.Option(None, help="lexical | embedding | ensemble (overrides --params)."),
        tolerance: float | None = typer.Option(None, help="How far below the current model a metric may be "
                                               "(default 0.005)."),
        tracking_uri: str = typer.Option("", help="MLflow tracking URI (default sqlite:///mlflow.db)."),
        no_mlflow: bool = typer.Option(False, "--no-mlflow", help="Do not log or register in MLflow."),
        metrics_out: Path = typer.Option(METRICS, help="Comparison JSON (DVC metrics)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Retrain with the reviewers' corrections; promote (alias `champion`) only when not worse on the same test."""
        from ..classify.train import train_params
        from ..taxonomy import load_taxonomy
        from .retrain import retrain as run_retrain

        cfg = _settings(settings, set_)
        tax = load_taxonomy()
        if params_file is None and PARAMS.exists():
            params_file = PARAMS
            console.print(f"训练参数取自 {PARAMS} (the parameters of `dvc repro`)")
        try:
            rule = _rule(params_file, tolerance)
            params = None if candidate_from else train_params(params_file, kind=kind)
            outcome = run_retrain(prepared=prepared, model_dir=model or Path(cfg.classify.model_dir),
                                  candidate_dir=candidate, tax=tax, params=params,
                                  raw=None if no_prepare else raw, feedback=feedback, candidate_from=candidate_from,
                                  rule=rule, tracking_uri=tracking_uri or None, mlflow=not no_mlflow,
                                  metrics_out=metrics_out, log=console.print)
        except ScreenError as exc:
            fail(exc)
        _print_comparison(console, outcome)


def _check_sqlite_file(url: str) -> None:
    """A SQLite URL must name an existing file (opening a missing one would create an empty database)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from .errors import FeedbackError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return  # the web app names the problem
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        raise FeedbackError(f"no database file {parsed.database}; pass the web app's database, "
                            "e.g. --db sqlite:///review.db")


def _rule(params_file: Path | None, tolerance: float | None) -> dict:
    values: dict = {}
    if params_file is not None:
        import yaml

        data = yaml.safe_load(Path(params_file).read_text(encoding="utf-8")) or {}
        values = dict(data.get("retrain") or {})
    if tolerance is not None:
        values["tolerance"] = tolerance
    return values


def _classify(bundle, model_dir: Path, tax, cfg):
    from ..classify.predict import classify_submissions
    from ..classify.store import load_model

    clf, meta = load_model(model_dir)
    preds, _ = classify_submissions(bundle.submissions, clf, meta, tax, cfg.classify)
    return preds


def _print_comparison(console, outcome) -> None:
    from rich.table import Table

    from .promote import HEADLINE

    c = outcome.comparison
    t = Table("metric", "champion", "candidate", "Δ", title=f"同一测试集对比 (same test split, data {c.data_version})")
    for k in HEADLINE:
        if k in c.candidate and k != "n":
            champ = (c.champion or {}).get(k)
            delta = c.delta.get(k)
            t.add_row(k, "—" if champ is None else f"{champ:.4f}", f"{c.candidate[k]:.4f}",
                      "—" if delta is None else f"{delta:+.4f}")
    console.print(t)
    worst = sorted((r for r in c.per_sub_area if r.delta is not None), key=lambda r: r.delta)[:3]
    if worst:
        console.print("F1 降幅最大的子方向: " + "，".join(f"{r.name} {r.delta:+.3f}" for r in worst))
    for reason in c.reasons:
        console.print(f"  {reason}")
    verdict = "[green]已晋升[/green] (promoted)" if outcome.promoted else "[yellow]未晋升[/yellow] (kept the current model)"
    console.print(f"{verdict}: {outcome.model_dir}；候选模型 {outcome.candidate_dir}")
    if outcome.registry:
        console.print(f"MLflow run {outcome.registry.run_id}; registered version {outcome.registry.version}"
                      + ("，alias champion" if outcome.registry.champion else ""))
    console.print("耗时: " + ", ".join(f"{k} {v:.1f}s" for k, v in outcome.timings.items()))
