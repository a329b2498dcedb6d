"""CLI commands of the score stage: `scenario-screen score` and `scenario-screen fit-weights`."""
from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import typer

from ..bundle import RUN_META, RunBundle, load_bundle
from ..errors import ScreenError
from ..records import Finding


def load_run(run_dir: Path, log=None) -> RunBundle:
    """The screened round, its findings read from findings.csv when findings.jsonl is empty.

    (A run whose dedup step rewrote findings.jsonl with its own, possibly empty, findings still
    has every finding in findings.csv; the compliance indicator needs them.)
    """
    bundle = load_bundle(run_dir)
    csv_path = Path(run_dir) / "findings.csv"
    if not bundle.findings and csv_path.exists():
        with csv_path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if rows:
            keep = set(Finding.model_fields)
            bundle.findings = [Finding.model_validate({k: (v if v != "" or k in ("code", "message", "evidence") else None)
                                                       for k, v in r.items() if k in keep}) for r in rows]
            if log:
                log(f"[yellow]findings.jsonl 为空，已从 findings.csv 读取 {len(rows)} 条检查发现[/yellow]")
    return bundle


def register(app: typer.Typer) -> None:
    from ..cli import SetOpt, SettingsOpt, _settings, console

    @app.command("score")
    def score_cmd(
        run_dir: Path = typer.Argument(..., help="A run folder written by `scenario-screen run`."),
        rubric: Path | None = typer.Option(None, "--rubric", help="Rubric YAML (default: settings score.rubric)."),
        out: Path | None = typer.Option(None, "-o", "--out", help="Where to write scores.jsonl/.csv (default: RUN_DIR)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Explainable pre-scores of a screened round (advice to the joint review, never a decision)."""
        from .output import write_scores
        from .rubric import load_rubric
        from .scorecard import score_submissions

        cfg = _settings(settings, set_)
        try:
            bundle = load_run(run_dir, log=console.print)
            rub = load_rubric(rubric or cfg.score.rubric)
            cards = score_submissions(bundle.submissions, bundle.predictions, bundle.findings, bundle.dedup, rub,
                                      cfg.score)
        except ScreenError as exc:
            console.print(f"[red]评分失败:[/red] {exc}")
            raise typer.Exit(2) from None
        target = out or run_dir
        written = write_scores(cards, target, bundle.submissions)
        if Path(target).resolve() == Path(run_dir).resolve():
            _record_rubric(Path(run_dir), rub.version)
        flagged = sum(1 for c in cards if c.flags)
        console.print(f"已评分 {len(cards)} 个场景（评分细则 {rub.version}），{flagged} 个需人工关注。")
        names = {s.id: s.name for s in bundle.submissions}
        for c in sorted(cards, key=lambda c: c.rank_overall)[:5]:
            console.print(f"  {c.rank_overall:>3}. {c.total:5.1f}  {names.get(c.submission_id, c.submission_id)[:30]}")
        for name, path in written.items():
            console.print(f"  {name}: {path}")

    @app.command("fit-weights")
    def fit_weights_cmd(
        run_dir: Path = typer.Argument(..., help="A run folder written by `scenario-screen run`."),
        reviewer_scores: Path = typer.Argument(..., help="CSV: id,total[,compliance,innovation,…] on 0–100."),
        out: Path = typer.Option(..., "-o", "--out", help="The new rubric file to write (never the shipped one)."),
        rubric: Path | None = typer.Option(None, "--rubric", help="Base rubric (default: settings score.rubric)."),
        version: str = typer.Option("", "--version", help="Version of the new rubric (default: base-fit-<hash>)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Fit the rubric's weights to past reviewers' scores; report held-out Spearman; write a new rubric."""
        cfg = _settings(settings, set_)
        try:
            report, path = fit_weights_from_run(run_dir, reviewer_scores, out, rubric_path=rubric, version=version,
                                                settings=cfg.score, log=console.print)
        except ScreenError as exc:
            console.print(f"[red]拟合失败:[/red] {exc}")
            raise typer.Exit(2) from None
        cv = report["cross_validation"]
        console.print(f"与评审分的 Spearman（留出样本，{cv['folds']} 折，n={cv['n']}）："
                      f"拟合权重 {cv['spearman_heldout_fitted']:.3f}，人工设定 {cv['spearman_hand_set']:.3f}，"
                      f"等权 {cv['spearman_equal_weights']:.3f}")
        console.print(f"新评分细则 {report['version']} → {path}")


def fit_weights_from_run(run_dir: Path, reviewer_scores: Path, out: Path, *, rubric_path: Path | None = None,
                         version: str = "", settings=None, log=None) -> tuple[dict, Path]:
    """Score the run with the base rubric, fit weights to the reviewers, write the new rubric."""
    from ..config import ScoreSettings
    from .reviewers import read_reviewer_scores
    from .rubric import CONDITIONS, dump_rubric, load_rubric
    from .scorecard import score_submissions
    from .weights import RubricWeights, cross_validate, indicator_matrix

    cfg = ScoreSettings.resolve(settings)
    bundle = load_run(run_dir, log=log)
    base = load_rubric(rubric_path or cfg.rubric)
    scores, unmatched = read_reviewer_scores(reviewer_scores, bundle.submissions)
    if unmatched and log:
        log(f"[yellow]{len(unmatched)} 行未匹配到申报：{', '.join(unmatched[:10])}[/yellow]")
    if len(scores) < cfg.fit_min_rows:
        raise ScreenError(f"only {len(scores)} reviewer scores match submissions of {run_dir}; "
                          f"at least {cfg.fit_min_rows} are needed (settings score.fit_min_rows)")
    cards = {c.submission_id: c for c in score_submissions(bundle.submissions, bundle.predictions, bundle.findings,
                                                           bundle.dedup, base, cfg)}
    chosen = [cards[s.submission_id] for s in scores]
    X = indicator_matrix(chosen, base)
    y = np.array([s.total for s in scores])
    pen = np.array([c.penalty for c in chosen])
    has_conditions = all(s.conditions for s in scores)
    Yc = (np.array([[s.conditions.get(cid, np.nan) for cid in CONDITIONS] for s in scores])
          if has_conditions else None)
    cv = cross_validate(X, y, base, penalties=pen, condition_targets=Yc, folds=cfg.fit_folds, seed=cfg.fit_seed,
                        shrinkage=cfg.fit_shrinkage)
    model = RubricWeights(base, cfg.fit_shrinkage).fit(X, y, Yc)
    digest = hashlib.sha256(Path(reviewer_scores).read_bytes() + base.version.encode()).hexdigest()[:8]
    new_version = version or f"{base.version}-fit-{digest}"
    provenance = {
        "fitted_from": Path(reviewer_scores).name, "base_version": base.version, "run": str(run_dir),
        "date": date.today().isoformat(), "mode": model.mode_, "n": len(scores),
        "cross_validation": cv,
    }
    new = model.to_rubric(new_version, provenance)
    header = (f"Rubric {new_version}: weights fitted to reviewers' scores ({Path(reviewer_scores).name}, n={len(scores)})\n"
              f"by `scenario-screen fit-weights`; rules and params as in {base.version}. Held-out Spearman: fitted "
              f"{cv['spearman_heldout_fitted']}, hand-set {cv['spearman_hand_set']}.")
    path = dump_rubric(new, out, header=header)
    report = {"version": new_version, "cross_validation": cv, "rubric": str(path),
              "weights": {i.id: round(c.weight * i.weight, 4) for c, i in new.indicators}}
    return report, path


def _record_rubric(run_dir: Path, version: str) -> None:
    meta_path = run_dir / RUN_META
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    meta["rubric_version"] = version
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
