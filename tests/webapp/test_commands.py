"""``scenario-screen serve`` and ``scenario-screen web …`` through ``register`` (no subprocess)."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from pipeline.bundle import save_bundle
from pipeline.webapp.commands import register

from .conftest import ROUND, make_bundle


@pytest.fixture
def cli():
    app = typer.Typer()

    @app.callback()
    def main() -> None:  # a group, as the real CLI
        pass

    register(app)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)


@pytest.fixture
def run_dir(tmp_path, tax):
    out = tmp_path / "run"
    save_bundle(make_bundle(tax), out)
    return out


def test_commands_migrate_import_users_export(cli, run_dir, tmp_path, empty_db_url):
    db = empty_db_url
    r = cli("web", "migrate", "--db", db)
    assert r.exit_code == 0 and "0001_initial" in r.stderr
    r = cli("web", "import", run_dir, "--round", ROUND, "--db", db)
    assert r.exit_code == 0 and "新增 7" in r.stderr
    r = cli("web", "import", run_dir, "--round", ROUND, "--db", db)
    assert "未变 7" in r.stderr
    r = cli("web", "user", "add", "fgw", "--role", "commission", "--db", db, input="Commission-2026-pw\n")
    assert r.exit_code == 0, r.output
    r = cli("web", "user", "add", "slt1", "--role", "reviewer", "--unit", "省水利厅", "--db", db,
            "--password-stdin", input="Reviewer-2026-pw\n")
    assert r.exit_code == 0
    r = cli("web", "user", "add", "x1", "--role", "observer", "--db", db, input="\n")
    assert r.exit_code != 0 and "no password" in r.output
    r = cli("web", "user", "list", "--db", db)
    assert "fgw\tcommission" in r.stdout and "slt1\treviewer\tslt\tactive" in r.stdout
    assert cli("web", "user", "passwd", "slt1", "--db", db, input="Another-2026-pw\n").exit_code == 0
    assert cli("web", "user", "disable", "slt1", "--db", db).exit_code == 0
    assert "disabled" in cli("web", "user", "list", "--db", db).stdout
    assert cli("web", "rounds", "--db", db).stdout.startswith(f"{ROUND}\topen\t7")
    out = tmp_path / "reviews.jsonl"
    r = cli("web", "export-reviews", "--round", ROUND, "-o", out, "--db", db)
    assert r.exit_code == 0 and out.exists()
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == []  # nothing decided yet
    r = cli("web", "migrate", "--db", db, "--to", "base")
    assert r.exit_code == 0 and "(empty)" in r.stderr


def test_commands_serve_migrates_imports_and_starts(cli, run_dir, empty_db_url, monkeypatch):
    import uvicorn

    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, log_level: started.update(app=app, host=host,
                                                                                           port=port))
    r = cli("serve", run_dir, "--db", empty_db_url, "--port", "8765")
    assert r.exit_code == 0, r.output
    assert started["host"] == "127.0.0.1" and started["port"] == 8765
    assert started["app"].state.round_id == ROUND  # from run.json
    assert "还没有账号" in r.stderr
