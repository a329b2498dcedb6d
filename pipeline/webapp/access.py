"""Who may see and do what. Every page, API call and export asks these functions, nothing else.

- commission staff (发改委工作人员): see everything, route and reroute, comment, decide the
  shortlist, finalize the round;
- department reviewers (部门评审人): see, score and comment only on the submissions routed to
  their department; see only their own scores until the round is finalized;
- observers (观察员): see what the commission sees, change nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ScreenError
from .audit import Actor
from .models import Comment, Review, Round, SubmissionRow


class Forbidden(ScreenError):
    """The signed-in account may not see or do this."""


class NotFound(ScreenError):
    """No such round or submission."""


class Conflict(ScreenError):
    """Someone changed it in the meantime, or the round is finalized."""


class Invalid(ScreenError):
    """A submitted value is not acceptable (the message names the field)."""


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    role: str
    unit: str | None
    csrf: str
    remote: str = ""

    @property
    def sees_all(self) -> bool:
        return self.role in ("commission", "observer")

    @property
    def is_commission(self) -> bool:
        return self.role == "commission"

    @property
    def is_reviewer(self) -> bool:
        return self.role == "reviewer"

    def actor(self) -> Actor:
        return Actor(self.user_id, self.name, self.role, self.unit, self.remote)


def can_view(viewer: Viewer, row: SubmissionRow) -> bool:
    if viewer.sees_all:
        return True
    return viewer.is_reviewer and row.unit == viewer.unit and row.route_status == "routed"


def can_score(viewer: Viewer, row: SubmissionRow, rnd: Round) -> bool:
    return viewer.is_reviewer and rnd.status == "open" and can_view(viewer, row)


def can_comment(viewer: Viewer, row: SubmissionRow, rnd: Round) -> bool:
    return rnd.status == "open" and (viewer.is_commission or can_score(viewer, row, rnd))


def can_see_rankings(viewer: Viewer, rnd: Round) -> bool:
    """Sums and ranks mix departments' scores: the commission and observers, or anyone once final."""
    return viewer.sees_all or rnd.status == "finalized"


def require_rankings(viewer: Viewer, rnd: Round) -> None:
    if not can_see_rankings(viewer, rnd):
        raise Forbidden("各部门评分汇总在本轮定稿前只对发改委工作人员和观察员开放")


def require_view(viewer: Viewer, row: SubmissionRow) -> None:
    if not can_view(viewer, row):
        raise Forbidden("无权查看该申报：它不在本单位的评审队列中")


def queue_unit(viewer: Viewer, unit: str, units) -> str:
    """The unit whose queue a viewer may open: a reviewer only its own; others any (default: the first)."""
    if viewer.is_reviewer:
        if unit and unit != viewer.unit:
            raise Forbidden("只能查看本单位的评审队列")
        unit = viewer.unit
    elif not unit:
        unit = next(iter(units))
    if unit not in units:
        raise NotFound(f"没有这个单位：{unit[:40]}")
    return unit


def require_commission(viewer: Viewer) -> None:
    if not viewer.is_commission:
        raise Forbidden("只有发改委工作人员可以进行此操作")


def require_overview(viewer: Viewer) -> None:
    """The round-wide views (progress, routing, rankings across units) are for the commission and observers."""
    if not viewer.sees_all:
        raise Forbidden("只有发改委工作人员和观察员可以查看")


def require_open(rnd: Round) -> None:
    if rnd.status != "open":
        raise Conflict("本轮评审已定稿，不能再修改")


def visible_reviews(viewer: Viewer, reviews: list[Review], rnd: Round) -> list[Review]:
    if viewer.sees_all or rnd.status == "finalized":
        return reviews
    return [r for r in reviews if r.user_id == viewer.user_id]


def visible_comments(viewer: Viewer, comments: list[Comment]) -> list[Comment]:
    if viewer.sees_all:
        return comments
    return [c for c in comments if c.unit is None or c.unit == viewer.unit]
