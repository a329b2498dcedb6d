"""The joint review (部门联审) online: departments score their queues, the commission sees sums and ranks.

``create_app`` builds the FastAPI app for one round; ``export_reviews`` hands the outcome to the
review loop; ``commands.register`` adds ``scenario-screen serve`` and ``scenario-screen web …``.
"""
from __future__ import annotations


def export_reviews(db_url: str, round: str) -> list[dict]:  # noqa: A002 - the name the review loop uses
    from .exports import export_reviews as _export

    return _export(db_url, round)


def create_app(*args, **kwargs):
    from .app import create_app as _create

    return _create(*args, **kwargs)


__all__ = ["create_app", "export_reviews"]
