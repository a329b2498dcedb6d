"""Reading and writing records as JSONL, CSV and Parquet: one shape on disk for every stage."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from .errors import ScreenError
from .records import Submission
from .text import decode_text, normalize

M = TypeVar("M", bound=BaseModel)


def write_jsonl(records: Iterable[BaseModel], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(r.model_dump_json() + "\n")
    return path


def read_jsonl(path: Path, model: type[M]) -> list[M]:
    out = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(model.model_validate_json(line))
                except ValueError as exc:
                    raise ScreenError(f"{path}:{n}: not a {model.__name__} record: {str(exc)[:300]}") from None
    return out


def _flat(value) -> str | int | float | bool | None:
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False)
    return value


def flat_rows(records: Sequence[BaseModel]) -> list[dict]:
    rows = []
    for r in records:
        d = r.model_dump()
        flat: dict = {}
        for k, v in d.items():
            if k == "fields" and isinstance(v, dict):
                for fk, fv in v.items():
                    flat[f"field_{fk}"] = fv
            elif k == "original":
                continue  # kept in JSONL; the table holds the normalized text
            elif isinstance(v, dict) and k == "declared":
                flat["declared_sub_areas"] = ",".join(v.get("sub_areas", ()))
                flat["declared_other"] = v.get("other_text", "")
            else:
                flat[k] = _flat(v)
        rows.append(flat)
    return rows


def write_csv(records: Sequence[BaseModel], path: Path) -> Path:
    rows = flat_rows(records)
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig so that Excel on a Chinese Windows PC opens it without mojibake.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns or ["empty"])
        w.writeheader()
        w.writerows(rows)
    return path


def write_parquet(records: Sequence[BaseModel], path: Path) -> Path:
    import pandas as pd

    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(flat_rows(records)).to_parquet(path, index=False)
    return path


def load_submissions(path: Path) -> list[Submission]:
    path = Path(path)
    if not path.exists():
        raise ScreenError(f"{path} not found")
    if path.suffix.lower() == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if rows and "fields" in rows[0]:
            return [Submission.model_validate(r) for r in rows]
    elif path.suffix.lower() == ".csv":
        text, _ = decode_text(path.read_bytes(), str(path))
        rows = list(csv.DictReader(text.splitlines()))
    else:
        raise ScreenError(f"{path}: expected a .jsonl or .csv file")
    out = []
    for n, r in enumerate(rows, 1):
        if "text" not in r or not str(r.get("text", "")).strip():
            raise ScreenError(f"{path}: row {n} has no 'text' column/value (columns needed: id, text)")
        rid = str(r.get("id") or n)
        out.append(Submission(id=rid, name=normalize(str(r.get("name", ""))), fields={"summary": normalize(str(r["text"]))},
                              original={"summary": str(r["text"])}))
    return out


def read_labeled(path: Path) -> list[dict]:
    """Rows with id, text and label from a JSONL or CSV file (UTF-8 or GBK)."""
    path = Path(path)
    if not path.exists():
        raise ScreenError(f"{path} not found")
    if path.suffix.lower() == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        text, _ = decode_text(path.read_bytes(), str(path))
        rows = list(csv.DictReader(text.splitlines()))
    for n, r in enumerate(rows, 1):
        missing = [k for k in ("id", "text", "label") if not str(r.get(k, "")).strip()]
        if missing:
            raise ScreenError(f"{path}: row {n} lacks {', '.join(missing)} (columns needed: id, text, label)")
    return rows
