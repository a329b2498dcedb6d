"""The audit log: every change people make (and every import) with who, what, when, before, after."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEntry, utcnow


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in account, or the command line."""

    user_id: int | None
    name: str
    role: str
    unit: str | None = None
    remote: str = ""


CLI_ACTOR = Actor(None, "cli", "cli")


def record(db: Session, actor: Actor, action: str, round_id: str | None, object_type: str, object_id: str,
           before: dict | None, after: dict | None) -> AuditEntry:
    """Add an entry in the caller's transaction (it commits with the change it describes)."""
    entry = AuditEntry(at=utcnow(), user_id=actor.user_id, user_name=actor.name, role=actor.role,
                       round_id=round_id, action=action, object_type=object_type, object_id=str(object_id),
                       before=before, after=after, remote=actor.remote[:64])
    db.add(entry)
    return entry


def entries(db: Session, round_id: str | None = None, *, limit: int = 500, offset: int = 0,
            object_id: str | None = None) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.pk.desc()).limit(limit).offset(offset)
    if round_id is not None:
        q = q.where((AuditEntry.round_id == round_id) | AuditEntry.round_id.is_(None))
    if object_id is not None:
        q = q.where(AuditEntry.object_id == object_id)
    return list(db.scalars(q))
