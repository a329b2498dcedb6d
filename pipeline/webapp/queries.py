"""Reading a round out of the database for pages and exports (no writes here)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..taxonomy import Taxonomy
from .models import Review, Round, SubmissionRow, User
from .ranking import Standing, standings
from .rubric import ScoringForm


@dataclass
class RoundData:
    round: Round
    form: ScoringForm
    rows: list[SubmissionRow]
    reviews: list[Review]
    users: list[User]

    def standings(self, tax: Taxonomy) -> list[Standing]:
        return standings(self.rows, self.reviews, self.form, tax, self.round.cutoff)


def load_round(db: Session, rnd: Round) -> RoundData:
    rows = list(db.scalars(select(SubmissionRow).where(SubmissionRow.round_id == rnd.id)
                           .order_by(SubmissionRow.submission_id)))
    reviews = list(db.scalars(select(Review).join(SubmissionRow).where(SubmissionRow.round_id == rnd.id)
                              .order_by(Review.pk)))
    users = list(db.scalars(select(User).order_by(User.name)))
    return RoundData(rnd, ScoringForm.from_dict(rnd.rubric), rows, reviews, users)


def queue_rows(db: Session, round_id: str, unit: str) -> list[SubmissionRow]:
    """A department's queue: what is routed to it, best pre-score first (no pre-score last)."""
    rows = db.scalars(select(SubmissionRow).where(SubmissionRow.round_id == round_id, SubmissionRow.unit == unit,
                                                  SubmissionRow.route_status == "routed"))
    return sorted(rows, key=lambda r: (r.prescore_total is None, -(r.prescore_total or 0), r.submission_id))


def reviews_by_user(db: Session, pks: list[int], user_id: int) -> dict[int, Review]:
    if not pks:
        return {}
    return {r.submission_pk: r for r in db.scalars(select(Review).where(Review.user_id == user_id,
                                                                         Review.submission_pk.in_(pks)))}


def latest_round(db: Session) -> Round | None:
    return db.scalars(select(Round).order_by(Round.imported_at.desc(), Round.id.desc()).limit(1)).first()
