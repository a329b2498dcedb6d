"""Past rounds in one SQLite file: their submissions and which scenarios were selected.

    store = HistoryStore("history.sqlite")
    store.add_round("2025", submissions, selected_ids={"s-001"})
    past = store.past_scenarios()            # every round, for find_duplicates(history=past)

A new batch is compared with these by the dedup orchestrator; matches become
``HistoryMatch`` records whose kind is decided here by ``match_kind``.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputFileError, ScreenError
from ..records import DuplicateKind, HistoryKind, HistoryMatch, Submission
from ..text import match_key

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rounds (
    round TEXT PRIMARY KEY, added_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT '', n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS scenarios (
    round TEXT NOT NULL REFERENCES rounds(round) ON DELETE CASCADE,
    id TEXT NOT NULL,
    selected INTEGER NOT NULL DEFAULT 0,
    record TEXT NOT NULL,              -- the Submission as JSON
    PRIMARY KEY (round, id));
"""


@dataclass(frozen=True)
class PastScenario:
    submission: Submission  # its ``round`` is the round it was submitted in
    selected: bool


@dataclass(frozen=True)
class RoundInfo:
    round: str
    added_at: str
    source: str
    n: int
    selected: int


class HistoryStore:
    """A history database; opens (and creates) the file, closes on ``close`` or ``with`` exit."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise InputFileError(str(self.path), "is a folder; give a file path for the history database")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise InputFileError(str(self.path), f"not a history database ({exc})") from None

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._db.commit()
        elif int(row[0]) != SCHEMA_VERSION:
            raise ScreenError(f"{self.path}: history schema version {row[0]}, this program reads {SCHEMA_VERSION}")

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- writing ---------------------------------------------------------------------------
    def add_round(self, round_id: str, submissions: Sequence[Submission], selected_ids: Iterable[str] = (),
                  source: str = "") -> int:
        """Store (or replace) a round; returns the number of scenarios stored."""
        round_id = round_id.strip()
        if not round_id:
            raise ScreenError("a round needs a name, e.g. 2025 or 2025-H2")
        selected = set(selected_ids)
        unknown = selected - {s.id for s in submissions}
        if unknown:
            raise ScreenError(f"selected ids not in round {round_id}: {', '.join(sorted(unknown)[:10])}")
        rows = [(round_id, s.id, int(s.id in selected), s.model_copy(update={"round": round_id}).model_dump_json())
                for s in sorted(submissions, key=lambda s: s.id)]
        with self._db:
            self._db.execute("DELETE FROM rounds WHERE round = ?", (round_id,))
            self._db.execute("INSERT INTO rounds VALUES (?, ?, ?, ?)",
                             (round_id, datetime.now(timezone.utc).isoformat(timespec="seconds"), source, len(rows)))
            self._db.executemany("INSERT OR REPLACE INTO scenarios VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    # -- reading ---------------------------------------------------------------------------
    def rounds(self) -> list[RoundInfo]:
        rows = self._db.execute(
            "SELECT r.round, r.added_at, r.source, r.n, COALESCE(SUM(s.selected), 0) FROM rounds r "
            "LEFT JOIN scenarios s ON s.round = r.round GROUP BY r.round ORDER BY r.round").fetchall()
        return [RoundInfo(*row) for row in rows]

    def past_scenarios(self, exclude_round: str = "") -> list[PastScenario]:
        rows = self._db.execute("SELECT round, selected, record FROM scenarios WHERE round != ? ORDER BY round, id",
                                (exclude_round,)).fetchall()
        return [PastScenario(Submission.model_validate_json(rec).model_copy(update={"round": rnd}), bool(sel))
                for rnd, sel, rec in rows]


# --- matching ----------------------------------------------------------------------------


def same_applicant(a: Submission, b: Submission) -> bool | None:
    """True/False when both applicants are known, None when either is missing."""
    ka, kb = match_key(a.applicant), match_key(b.applicant)
    return None if not ka or not kb else ka == kb


def match_kind(new: Submission, past: PastScenario) -> HistoryKind:
    """``copies_selected``: another applicant's selected scenario; ``resubmits_selected``: a selected
    scenario submitted again (same or unknown applicant); ``resubmits``: seen before, not selected."""
    if not past.selected:
        return "resubmits"
    return "copies_selected" if same_applicant(new, past.submission) is False else "resubmits_selected"


def to_history_match(new: Submission, past: PastScenario, similarity: float, pair_kind: DuplicateKind) -> HistoryMatch:
    return HistoryMatch(submission_id=new.id, round=past.submission.round, past_id=past.submission.id,
                        past_name=past.submission.name, selected=past.selected, kind=match_kind(new, past),
                        similarity=similarity, pair_kind=pair_kind)


def selected_from_json(value) -> bool:
    """A ``selected`` column value (true/1/是/yes/入选) as a bool."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "是", "入选", "selected", "x", "✓"}

