"""Past reviewers' scores (a CSV: submission id and a total, optionally one column per condition).

Columns: ``id`` (or ``submission_id`` / ``编号``), ``total`` (or ``总分``), and optionally the
conditions by id or by name (``innovation`` or ``创新性``…), all on 0–100. The id is a submission
id, or the key the applicant's file names start with (``s07`` for ``s07_附件3_申报表.docx``).
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import ScreenError
from ..records import Submission
from ..text import decode_text
from .rubric import CONDITIONS

ID_COLUMNS = ("id", "submission_id", "编号", "序号")
TOTAL_COLUMNS = ("total", "总分", "score")


@dataclass(frozen=True)
class ReviewerScore:
    key: str  # as written in the file
    submission_id: str
    total: float
    conditions: dict[str, float] = field(default_factory=dict)  # condition id -> 0–100


def _number(value: str, where: str) -> float:
    try:
        x = float(str(value).strip())
    except ValueError:
        raise ScreenError(f"{where}: {value!r} is not a number (scores are 0–100)") from None
    if math.isnan(x) or not 0 <= x <= 100:
        raise ScreenError(f"{where}: {value!r} is outside 0–100")
    return x


def _file_key(path: str) -> str:
    name = PurePosixPath(path.split("!")[-1]).name
    return name.split("_")[0].split("-")[0].lower()


def id_resolver(submissions: list[Submission]):
    by_id = {s.id: s.id for s in submissions}
    by_key: dict[str, set[str]] = {}
    for s in submissions:
        for src in s.sources:
            by_key.setdefault(_file_key(src.path), set()).add(s.id)

    def resolve(key: str) -> str | None:
        if key in by_id:
            return key
        found = by_key.get(key.lower(), set())
        if len(found) > 1:
            raise ScreenError(f"reviewer score id {key!r} matches several submissions ({', '.join(sorted(found))}); "
                              "use submission ids")
        return next(iter(found), None)

    return resolve


def read_reviewer_scores(path: str | Path, submissions: list[Submission]) -> tuple[list[ReviewerScore], list[str]]:
    """The matched scores and the ids of rows that match no submission."""
    path = Path(path)
    if not path.exists():
        raise ScreenError(f"reviewer scores file not found: {path}")
    text, _ = decode_text(path.read_bytes(), str(path))
    rows = list(csv.DictReader(text.splitlines()))
    if not rows:
        raise ScreenError(f"{path}: no rows (columns needed: id, total)")
    columns = {c.strip(): c for c in rows[0] if c}
    id_col = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    total_col = next((columns[c] for c in TOTAL_COLUMNS if c in columns), None)
    if id_col is None or total_col is None:
        raise ScreenError(f"{path}: needs an id column ({'/'.join(ID_COLUMNS)}) and a total column "
                          f"({'/'.join(TOTAL_COLUMNS)}); found {', '.join(columns)}")
    cond_cols = {cid: columns.get(cid) or columns.get(name) for cid, name in CONDITIONS.items()}
    cond_cols = {cid: col for cid, col in cond_cols.items() if col}
    resolve = id_resolver(submissions)
    scores, unmatched, seen = [], [], set()
    for n, row in enumerate(rows, 2):
        key = str(row.get(id_col) or "").strip()
        if not key:
            raise ScreenError(f"{path}:{n}: empty id")
        sid = resolve(key)
        if sid is None:
            unmatched.append(key)
            continue
        if sid in seen:
            raise ScreenError(f"{path}:{n}: {key!r} scored twice")
        seen.add(sid)
        conds = {cid: _number(row[col], f"{path}:{n}:{col}") for cid, col in cond_cols.items()
                 if str(row.get(col) or "").strip()}
        scores.append(ReviewerScore(key, sid, _number(row[total_col], f"{path}:{n}:{total_col}"), conds))
    return scores, unmatched
