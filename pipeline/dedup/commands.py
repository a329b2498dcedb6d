"""``scenario-screen dedup`` and ``scenario-screen history add|list``.

``register(app)`` adds them to the main Typer app (pipeline/cli.py calls it).
"""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..config import Settings
from ..errors import ScreenError

console = Console(stderr=True)
DEFAULT_HISTORY = Path("data/history.sqlite")

STEP_NAMES = {"fingerprint": "指纹 fingerprint", "minhash": "MinHash"}


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]错误 (error):[/red] {exc}")
    return typer.Exit(2)


def run_dedup(input_path: Path, outdir: Path, settings: Settings, history_db: Path | None) -> dict[str, Path]:
    """Read, deduplicate, write; returns the files written. Raises ScreenError on unreadable input."""
    from .dedup import find_duplicates
    from .history import HistoryStore
    from .io import read_batch, write_result

    batch = read_batch(input_path)
    past = []
    if history_db is not None:
        if not history_db.is_file():
            raise ScreenError(f"history database not found: {history_db}; create it with "
                              f"`scenario-screen history add ROUND RECORDS --db {history_db}`")
        with HistoryStore(history_db) as store:
            past = store.past_scenarios()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("查重 dedup", total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"查重 dedup: {STEP_NAMES.get(step, step)}", completed=done, total=total)

        result = find_duplicates(batch.submissions, settings, history=past, progress=report)
    if batch.findings:
        result = result.model_copy(update={"findings": tuple(batch.findings) + result.findings})
    written = write_result(result, batch.submissions, outdir)
    print_summary(result)
    for name, path in written.items():
        console.print(f"  {name}: {path}")
    return written


def print_summary(result) -> None:
    kinds = {}
    for p in result.pairs:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    console.print(f"[green]比较 {result.stats.get('submissions', 0)} 个申报场景[/green] (submissions compared)，"
                  f"重复对 {len(result.pairs)} (pairs: {', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or '-'})，"
                  f"同质化群组 {len(result.clusters)} (clusters)，历史匹配 {len(result.history)} (history matches)。")
    if result.clusters:
        table = Table("群组 cluster", "数量 size", "标签 label", "原始 original", "单位 units")
        for c in result.clusters[:10]:
            table.add_row(c.id, str(c.size), "、".join(c.label), c.original_id, "；".join(c.units[:3]))
        console.print(table)
    for f in result.findings[:20]:
        console.print(f"[yellow]{f.code}[/yellow] {f.submission_id or f.path or ''} {f.message}")


def register(app: typer.Typer) -> None:
    history_app = typer.Typer(help="过往批次 (past rounds): add and list the history database.",
                              no_args_is_help=True, add_completion=False)

    @app.command("dedup")
    def dedup_command(
        input_path: Path = typer.Argument(..., help="submissions.jsonl from ingest, or a CSV/JSONL with id,text."),
        out: Path = typer.Option(Path("out/dedup"), "-o", "--out", help="Output folder."),
        settings: Path | None = typer.Option(None, "--settings", help="YAML file laid over the default settings."),
        set_: list[str] | None = typer.Option(None, "--set", help="Override a setting, e.g. --set dedup.lsh_threshold=0.4"),
        history: Path | None = typer.Option(None, "--history", help="History database of past rounds (SQLite)."),
    ) -> None:
        """查重：重复、近似重复与同质化场景 (duplicates, near-duplicates and homogenized scenarios)."""
        from ..cli import _settings

        cfg = _settings(settings, set_)
        try:
            run_dedup(input_path, out, cfg, history)
        except ScreenError as exc:
            raise _fail(exc) from None

    @history_app.command("add")
    def history_add(
        round_id: str = typer.Argument(..., help="Round name, e.g. 2025."),
        records: Path = typer.Argument(..., help="submissions.jsonl, or a CSV/JSONL with id,text[,selected]."),
        db: Path = typer.Option(DEFAULT_HISTORY, "--db", help="History database file."),
        selected: Path | None = typer.Option(None, "--selected", help="File listing the selected ids."),
    ) -> None:
        """登记一个过往批次 (store a past round and its selected scenarios)."""
        from .history import HistoryStore
        from .io import read_batch, read_ids

        try:
            batch = read_batch(records)
            chosen = set(batch.selected) | (read_ids(selected) if selected else set())
            with HistoryStore(db) as store:
                n = store.add_round(round_id, batch.submissions, chosen, source=str(records))
        except ScreenError as exc:
            raise _fail(exc) from None
        for f in batch.findings:
            console.print(f"[yellow]{f.code}[/yellow] {f.path} {f.message}")
        console.print(f"[green]已登记批次 {round_id}[/green]: {n} 个场景，其中入选 {len(chosen)} 个 "
                      f"(stored {n} scenarios, {len(chosen)} selected) → {db}")

    @history_app.command("list")
    def history_list(db: Path = typer.Option(DEFAULT_HISTORY, "--db", help="History database file.")) -> None:
        """列出已登记的批次 (list stored rounds)."""
        from .history import HistoryStore

        if not db.is_file():
            raise _fail(ScreenError(f"history database not found: {db}"))
        try:
            with HistoryStore(db) as store:
                rounds = store.rounds()
        except ScreenError as exc:
            raise _fail(exc) from None
        table = Table("批次 round", "场景 scenarios", "入选 selected", "登记时间 added", "来源 source")
        for r in rounds:
            table.add_row(r.round, str(r.n), str(r.selected), r.added_at, r.source)
        Console().print(table)

    app.add_typer(history_app, name="history")
