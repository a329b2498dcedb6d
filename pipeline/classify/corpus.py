"""The labeled corpus: hand-written scenario descriptions with their sub-area.

``data/corpus/raw/<sub_area>.jsonl`` holds the texts; ``prepare`` assigns a deterministic,
stratified train/validation/test split (by a hash of each item's id, so adding items never
moves old ones between splits). The test split is never used for training or tuning.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..errors import ScreenError
from ..taxonomy import Taxonomy

Split = Literal["train", "val", "test"]
SPLIT_SHARES = {"train": 0.70, "val": 0.15, "test": 0.15}


class LabeledText(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    text: str
    label: str
    style: str = "field"
    script: str = "simplified"
    hard: bool = False
    note: str = ""
    split: Split | None = None
    source: str = "corpus"  # corpus | feedback


def load_raw(folder: Path, tax: Taxonomy, feedback: Path | None = None) -> list[LabeledText]:
    """The labeled corpus, plus the reviewers' corrections (pipeline/feedback) in ``feedback``:
    by default the sibling folder ``feedback/`` of ``folder`` (data/corpus/feedback/), when it exists."""
    items: list[LabeledText] = []
    seen: set[str] = set()
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise ScreenError(f"no *.jsonl files in {folder}; the labeled corpus lives in data/corpus/raw/")
    feedback = Path(feedback) if feedback is not None else Path(folder).parent / "feedback"
    if feedback.is_dir():
        files += sorted(feedback.glob("*.jsonl"))
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = LabeledText.model_validate(json.loads(line))
            except (ValueError, json.JSONDecodeError) as exc:
                raise ScreenError(f"{path}:{n}: bad corpus line: {str(exc)[:200]}") from None
            if item.label not in tax.sub_areas:
                raise ScreenError(f"{path}:{n}: label {item.label!r} is not a sub-area id of the taxonomy")
            if item.id in seen:
                raise ScreenError(f"{path}:{n}: id {item.id!r} appears twice")
            seen.add(item.id)
            items.append(item)
    return items


def _bucket(item_id: str) -> float:
    return int(hashlib.sha1(item_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def assign_splits(items: list[LabeledText]) -> list[LabeledText]:
    """Stratified by label: within each label, items are ordered by hash and cut 70/15/15.
    Items that come with a split (the reviewers' corrections) keep it and do not move the cut."""
    by_label: dict[str, list[LabeledText]] = {}
    out = [it for it in items if it.split]
    for it in items:
        if not it.split:
            by_label.setdefault(it.label, []).append(it)
    for label in sorted(by_label):
        group = sorted(by_label[label], key=lambda it: _bucket(it.id))
        n = len(group)
        n_test = max(1, round(n * SPLIT_SHARES["test"]))
        n_val = max(1, round(n * SPLIT_SHARES["val"]))
        for i, it in enumerate(group):
            split: Split = "test" if i < n_test else "val" if i < n_test + n_val else "train"
            out.append(it.model_copy(update={"split": it.split or split}))
    return sorted(out, key=lambda it: it.id)


def write_prepared(items: list[LabeledText], folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = Counter()
    handles = {s: (folder / f"{s}.jsonl").open("w", encoding="utf-8") for s in SPLIT_SHARES}
    try:
        for it in items:
            handles[it.split].write(it.model_dump_json() + "\n")
            counts[it.split] += 1
    finally:
        for h in handles.values():
            h.close()
    return dict(counts)


def load_split(folder: Path, split: Split) -> list[LabeledText]:
    path = Path(folder) / f"{split}.jsonl"
    if not path.exists():
        raise ScreenError(f"{path} not found: run `scenario-screen prepare` (or `dvc repro`) first")
    return [LabeledText.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def data_version(folder: Path) -> str:
    """A content hash of the prepared corpus: what the model card records as the data version."""
    h = hashlib.md5()
    for path in sorted(Path(folder).glob("*.jsonl")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]
