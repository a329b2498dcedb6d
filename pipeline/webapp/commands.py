"""``scenario-screen serve`` and the ``scenario-screen web …`` commands (wired by ``register``)."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

DbOpt = typer.Option(None, "--db", help="Database URL (sqlite:///file.db, postgresql://user:pw@host/db) or an "
                                        "SQLite file; default $SCREEN_DB_URL or ./joint_review.db.")
RubricOpt = typer.Option(None, "--rubric", help="Rubric file (default: pipeline/knowledge/rubric.yaml).")


def _require_web() -> None:
    """The web extra's packages, or a message saying how to install them."""
    missing = []
    for module in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "argon2", "python_multipart", "fpdf"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        from ..errors import ScreenError

        raise ScreenError(f"the web app needs {', '.join(missing)}: pip install -e \".[web]\"")


def _console():
    from rich.console import Console

    return Console(stderr=True)


def _url(db: str | None) -> str:
    _require_web()
    from .settings import db_url_of

    return db_url_of(db)


def _read_password(name: str, from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(f"{name} 的密码 (password)", hide_input=True, confirmation_prompt=True)
    if not password:
        raise typer.BadParameter("no password given (type it at the prompt, or pipe it on standard input)")
    return password


def import_run(run: Path, round_id: str, url: str, rubric: Path | None):
    from ..bundle import load_bundle
    from ..taxonomy import load_taxonomy
    from .db import engine_for, normalize_url, session_factory
    from .importer import import_bundle
    from .rubric import load_scoring_form

    bundle = load_bundle(run)
    form = load_scoring_form(rubric)
    with session_factory(engine_for(normalize_url(url)))() as db:
        return import_bundle(db, bundle, round_id, form, load_taxonomy(), source=str(Path(run).resolve()))


def round_of(run: Path, round_id: str | None) -> str:
    """The round label: --round, else the run's own round, else its folder name."""
    if round_id:
        return round_id
    import json

    meta = Path(run) / "run.json"
    if meta.exists():
        value = str(json.loads(meta.read_text(encoding="utf-8")).get("round", "")).strip()
        if value:
            return value
    return Path(run).resolve().name


def register(app: typer.Typer) -> None:
    web = typer.Typer(help="The joint-review web app's database: migrations, rounds, accounts, exports.",
                      no_args_is_help=True)
    users = typer.Typer(help="Accounts: commission staff, department reviewers, observers.", no_args_is_help=True)
    web.add_typer(users, name="user")
    app.add_typer(web, name="web")

    @app.command()
    def serve(
        run: Path = typer.Argument(..., help="Output folder of `scenario-screen run` (the round to review)."),
        db: str | None = DbOpt,
        round_id: str | None = typer.Option(None, "--round", help="Round label (default: the run's round or folder name)."),
        rubric: Path | None = RubricOpt,
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        secure_cookies: bool = typer.Option(False, help="Mark cookies Secure (when served over HTTPS)."),
        no_import: bool = typer.Option(False, "--no-import", help="Serve what the database holds; do not import RUN."),
    ) -> None:
        """Serve the joint review of one screened round (migrates the database and imports the round first)."""
        url = _url(db)
        import uvicorn
        from sqlalchemy import func, select

        from .app import create_app
        from .db import engine_for, normalize_url, session_factory
        from .migrate import upgrade
        from .models import User
        from .settings import WebSettings

        console = _console()
        upgrade(url)
        rid = round_of(run, round_id)
        if not no_import:
            console.print(import_run(run, rid, url, rubric).line())
        with session_factory(engine_for(normalize_url(url)))() as s:
            if not s.scalar(select(func.count(User.id))):
                console.print("[yellow]还没有账号：先用 `scenario-screen web user add NAME --role commission` 创建。[/yellow]")
        application = create_app(WebSettings.resolve(db_url=url, round=rid, secure_cookies=secure_cookies))
        console.print(f"[bold]部门联审（第 {rid} 轮）：http://{host}:{port}/[/bold]")
        uvicorn.run(application, host=host, port=port, log_level="warning")

    @web.command("migrate")
    def migrate_cmd(
        db: str | None = DbOpt,
        to: str = typer.Option("head", "--to", help="Target revision: head (newest), base (empty) or a revision id."),
    ) -> None:
        """Create or upgrade (or, with --to, downgrade) the database schema."""
        url = _url(db)
        from .db import engine_for, normalize_url
        from .migrate import current_revision, migrate_to

        now = current_revision(engine_for(normalize_url(url)))
        rev = migrate_to(url, to)
        _console().print(f"schema: {now or '(empty)'} → {rev or '(empty)'}")

    @web.command("import")
    def import_cmd(
        run: Path = typer.Argument(..., help="Output folder of `scenario-screen run`."),
        round_id: str = typer.Option(..., "--round", help="Round label, e.g. 2026-1."),
        db: str | None = DbOpt,
        rubric: Path | None = RubricOpt,
    ) -> None:
        """Import a screened round (again: only what changed; reviews are kept)."""
        url = _url(db)
        from .db import engine_for, normalize_url
        from .migrate import check_schema

        check_schema(engine_for(normalize_url(url)))
        _console().print(import_run(run, round_id, url, rubric).line())

    @web.command("rounds")
    def rounds_cmd(db: str | None = DbOpt) -> None:
        """List the rounds in the database."""
        url = _url(db)
        from sqlalchemy import func, select

        from .db import engine_for, normalize_url, session_factory
        from .models import Round, SubmissionRow

        with session_factory(engine_for(normalize_url(url)))() as s:
            for rnd in s.scalars(select(Round).order_by(Round.imported_at)):
                n = s.scalar(select(func.count(SubmissionRow.pk)).where(SubmissionRow.round_id == rnd.id))
                typer.echo(f"{rnd.id}\t{rnd.status}\t{n}\t{rnd.source}")

    @web.command("export-reviews")
    def export_reviews_cmd(
        round_id: str = typer.Option(..., "--round", help="Round label."),
        out: Path = typer.Option(..., "-o", "--out", help="JSONL file to write."),
        db: str | None = DbOpt,
    ) -> None:
        """Write the round's reviews, final routes and sub-areas as JSONL for the review loop."""
        url = _url(db)
        from .exports import export_reviews, write_reviews_jsonl

        rows = export_reviews(url, round_id)
        _console().print(f"{len(rows)} rows → {write_reviews_jsonl(rows, out)}")

    @users.command("add")
    def user_add(
        name: str = typer.Argument(..., help="Account name."),
        role: str = typer.Option(..., "--role", help="commission | reviewer | observer"),
        unit: str | None = typer.Option(None, "--unit", help="A reviewer's department: unit id (slt) or name (省水利厅)."),
        db: str | None = DbOpt,
        password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    ) -> None:
        """Create an account; the password is typed at a prompt (or read from standard input)."""
        from ..taxonomy import load_taxonomy
        from .auth import add_user
        from .db import engine_for, normalize_url, session_factory
        from .settings import WebSettings

        url = _url(db)
        password = _read_password(name, password_stdin)
        with session_factory(engine_for(normalize_url(url)))() as s:
            user = add_user(s, name, role, unit, password, load_taxonomy(), WebSettings.resolve(db_url=url).argon2)
        _console().print(f"account {user.name} ({user.role}{', ' + user.unit if user.unit else ''}) created")

    @users.command("passwd")
    def user_passwd(name: str = typer.Argument(...), db: str | None = DbOpt,
                    password_stdin: bool = typer.Option(False, "--password-stdin")) -> None:
        """Set a new password for an account (signs it out everywhere)."""
        from .auth import set_password
        from .db import engine_for, normalize_url, session_factory
        from .settings import WebSettings

        url = _url(db)
        password = _read_password(name, password_stdin)
        with session_factory(engine_for(normalize_url(url)))() as s:
            set_password(s, name, password, WebSettings.resolve(db_url=url).argon2)
        _console().print(f"password of {name} changed")

    @users.command("disable")
    def user_disable(name: str = typer.Argument(...), db: str | None = DbOpt,
                     enable: bool = typer.Option(False, "--enable", help="Enable it again instead.")) -> None:
        """Disable (or --enable) an account; a disabled account cannot sign in."""
        url = _url(db)
        from .auth import set_active
        from .db import engine_for, normalize_url, session_factory

        with session_factory(engine_for(normalize_url(url)))() as s:
            set_active(s, name, enable)
        _console().print(f"{name} {'enabled' if enable else 'disabled'}")

    @users.command("list")
    def user_list(db: str | None = DbOpt) -> None:
        """List the accounts (name, role, unit, active)."""
        url = _url(db)
        from sqlalchemy import select

        from .db import engine_for, normalize_url, session_factory
        from .models import User

        with session_factory(engine_for(normalize_url(url)))() as s:
            for u in s.scalars(select(User).order_by(User.role, User.unit, User.name)):
                typer.echo(f"{u.name}\t{u.role}\t{u.unit or ''}\t{'active' if u.active else 'disabled'}")
