"""`python -m pipeline.feedback …`: the review-loop commands on their own (what `scenario-screen` adds once wired)."""
import typer

from .commands import register

app = typer.Typer(help="scenario-screen review loop", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False)
register(app)

if __name__ == "__main__":
    app()
