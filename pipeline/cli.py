"""The ``scenario-screen`` command: thin shells over the stage functions."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .config import Settings, load_settings
from .errors import ScreenError

app = typer.Typer(help="scenario-screen: pre-screening of 'AI+ typical application scenario' submissions.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(stderr=True)

SettingsOpt = typer.Option(None, "--settings", help="YAML file laid over the default settings.")
SetOpt = typer.Option(None, "--set", help="Override one setting, e.g. --set ingest.workers=4 (repeatable).")


def _settings(path: Path | None, overrides: list[str] | None) -> Settings:
    try:
        return load_settings(path, overrides or [])
    except ScreenError as exc:
        console.print(f"[red]设置错误 (settings):[/red] {exc}")
        raise typer.Exit(2) from None


def progress_bar(label: str) -> Progress:
    return Progress(TextColumn(f"[bold]{label}[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.description}"), console=console, transient=False)


def run_with_progress(label: str, fn, *args, **kwargs):
    """Call a stage function that accepts ``progress(done, total, item)`` while drawing a bar."""
    with progress_bar(label) as bar:
        task = bar.add_task("", total=None)

        def report(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(str(item)).name[:40])

        return fn(*args, progress=report, **kwargs)


@app.command()
def ingest(
    inputs: list[Path] = typer.Argument(..., help="Files, folders or zips of forms and summary tables."),
    out: Path = typer.Option(Path("out/ingest"), "-o", "--out", help="Output folder."),
    round_id: str = typer.Option("", "--round", help="Round label recorded on every submission."),
    settings: Path | None = SettingsOpt,
    set_: list[str] | None = SetOpt,
) -> None:
    """Read forms and summary tables, extract fields, check them against the notice."""
    from .ingest import ingest as ingest_stage
    from .ingest.output import write_ingest_outputs

    cfg = _settings(settings, set_)
    result = run_with_progress("读取申报材料", ingest_stage, list(inputs), cfg.ingest, round_id=round_id)
    written = write_ingest_outputs(result, out)
    print_ingest_summary(result, written)


def print_ingest_summary(result, written: dict[str, Path]) -> None:
    ok = sum(1 for m in result.manifest if m.status == "processed")
    failed = [m for m in result.manifest if m.status == "failed"]
    console.print(f"[green]已处理 {ok} 个文件[/green]，[red]失败 {len(failed)} 个[/red]，"
                  f"得到 {len(result.submissions)} 个申报场景，{len(result.findings)} 条检查发现。")
    if failed:
        t = Table("失败文件 (failed file)", "原因 (reason)", show_lines=False)
        for m in failed[:30]:
            t.add_row(m.path, m.reason)
        console.print(t)
    counts = Counter(f.code for f in result.findings)
    if counts:
        console.print("检查发现: " + "，".join(f"{k} {v}" for k, v in counts.most_common()))
    for name, path in written.items():
        console.print(f"  {name}: {path}")


def main(argv: list[str] | None = None) -> int:
    """Entry point; ``argv`` makes the CLI testable without a subprocess. Returns the exit code."""
    _register_stage_commands()
    try:
        app(args=argv, prog_name="scenario-screen", standalone_mode=True)
    except SystemExit as exc:  # click ends every standalone run with SystemExit
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except ScreenError as exc:
        console.print(f"[red]错误:[/red] {exc}")
        return 2
    return 0


_registered = False


def _register_stage_commands() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    from .classify.commands import register as register_classify
    from .dedup.commands import register as register_dedup
    from .feedback.commands import register as register_feedback
    from .report.commands import register as register_report
    from .run_commands import register as register_run
    from .score.commands import register as register_score
    from .webapp.commands import register as register_web

    for register in (register_run, register_classify, register_dedup, register_score, register_report,
                     register_feedback, register_web):
        register(app)


def entry() -> None:
    raise SystemExit(main())
