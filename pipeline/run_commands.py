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
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Screen a batch: ingest → classify → dedup, writing every output to one folder."""
        from .run import run_batch

        cfg = _settings(settings, set_)
        result = run_with_progress("筛查申报批次", run_batch, list(inputs), out, cfg, history_db=history,
                                   log=console.print)
        print_ingest_summary(result, {})
        by_hand = sum(p.route_by_hand for p in result.predictions)
        console.print(f"分类：{len(result.predictions)} 条，{by_hand} 条需人工分办")
        if result.dedup is not None:
            console.print(f"查重：{len(getattr(result.dedup, 'pairs', []))} 对疑似重复，"
                          f"{len(getattr(result.dedup, 'clusters', []))} 个同质化簇")
        console.print("耗时: " + ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items()))
        console.print(f"[bold]结果已写入 {out.resolve()}[/bold]")
        for name, path in result.outputs.items():
            console.print(f"  {name}: {path}")
