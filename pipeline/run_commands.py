"""The ``run`` command: the whole screening of one batch."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    from .cli import SetOpt, SettingsOpt, _settings, console, print_ingest_summary, run_with_progress

    @app.command()
    def run(
        inputs: list[Path] = typer.Argument(..., help="Files, folders or zips of one batch."),
        out: Path = typer.Option(Path("out/run"), "-o", "--out", help="Output folder."),
        history: Path | None = typer.Option(None, help="History database of past rounds (SQLite file)."),
        round_id: str = typer.Option("", "--round", help="Round label, e.g. 2026-1."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Screen a batch: ingest → classify → dedup, writing every output to one folder."""
        from .run import run_batch

        cfg = _settings(settings, set_)
        bundle, timings, written = run_with_progress("筛查申报批次", run_batch, list(inputs), out, cfg,
                                                     history_db=history, round_id=round_id, log=console.print)
        print_ingest_summary(bundle, {})
        by_hand = sum(p.route_by_hand for p in bundle.predictions)
        console.print(f"分类：{len(bundle.predictions)} 条，{by_hand} 条需人工分办")
        if bundle.dedup is not None:
            console.print(f"查重：{len(bundle.dedup.pairs)} 对疑似重复，{len(bundle.dedup.clusters)} 个同质化簇，"
                          f"{len(bundle.dedup.history)} 条与往届重复")
        console.print("耗时: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
        console.print(f"[bold]结果已写入 {out.resolve()}[/bold]")
        for name, path in written.items():
            console.print(f"  {name}: {path}")
