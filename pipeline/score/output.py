"""Writing score cards: scores.jsonl (the records) and scores.csv (one row per submission for people)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

from ..io_records import write_jsonl
from ..records import ScoreCard, Submission

SCORES_JSONL = "scores.jsonl"
SCORES_CSV = "scores.csv"


def write_scores(cards: Sequence[ScoreCard], out: Path, submissions: Sequence[Submission] = ()) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = {s.id: s.name for s in submissions}
    rows = []
    for c in sorted(cards, key=lambda c: (c.rank_overall, c.submission_id)):
        row = {"submission_id": c.submission_id, "name": names.get(c.submission_id, ""), "total": c.total,
               "penalty": c.penalty}
        row.update({f"{x.id}({x.name})": x.score for x in c.conditions})
        row.update({"rank_overall": c.rank_overall, "sub_area": c.sub_area, "rank_in_sub_area": c.rank_in_sub_area,
                    "unit": c.unit, "rank_in_unit": c.rank_in_unit, "flags": "；".join(c.flags),
                    "rubric_version": c.rubric_version})
        rows.append(row)
    csv_path = out / SCORES_CSV
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:  # Excel on a Chinese Windows PC
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["submission_id"])
        writer.writeheader()
        writer.writerows(rows)
    return {SCORES_JSONL: write_jsonl(cards, out / SCORES_JSONL), SCORES_CSV: csv_path}
