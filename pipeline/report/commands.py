"""The ``report`` command: write the triage report of a screened round."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    from ..cli import SetOpt, SettingsOpt, _settings, console

    @app.command()
    def report(
        run_dir: Path = typer.Argument(..., help="Folder written by `scenario-screen run`."),
        out: Path | None = typer.Option(None, "-o", "--out", help="Output folder (default: RUN_DIR)."),
        settings: Path | None = SettingsOpt,
        set_: list[str] | None = SetOpt,
    ) -> None:
        """Write report.html, review_workbook.xlsx and report.json for a screened round."""
        from ..bundle import load_bundle
        from ..taxonomy import load_taxonomy
        from .stage import write_report

        cfg = _settings(settings, set_)
        bundle = load_bundle(run_dir)
        written = write_report(bundle, out or run_dir, cfg, load_taxonomy())
        scored = len(bundle.scores)
        console.print(f"报告：{len(bundle.submissions)} 个申报场景，{scored} 个已预评分"
                      + ("" if scored else "（未评分）")
                      + ("；手机号、身份证号已脱敏" if not cfg.report.show_pii else "；未脱敏（report.show_pii）"))
        for name, path in written.items():
            console.print(f"  {name}: {path}")
