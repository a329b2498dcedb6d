"""Reviews become labeled texts: a new version of the labeled data the classifier learns from.

Every reviewed submission whose final sub-area is known becomes a ``LabeledText`` with source
``feedback``: its whole text (as the classifier reads it) and the reviewer's sub-area. The
split is fixed here, by a hash of the submission id, so the same submission reviewed in two
rounds lands in the same split and adding a round never moves an older item. They are kept in
``data/corpus/feedback/<round>.jsonl``, which ``scenario-screen prepare`` reads beside the
hand-written corpus.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..classify.corpus import SPLIT_SHARES, LabeledText, Split
from ..io_records import read_jsonl
from ..records import Review, Submission

ID_PREFIX = "fb"


def feedback_id(round_id: str, submission_id: str) -> str:
    return f"{ID_PREFIX}:{round_id}:{submission_id}"


def round_of(item: LabeledText) -> str | None:
    """The round a feedback item came from (None for the hand-written corpus)."""
    parts = item.id.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == ID_PREFIX else None


def feedback_split(submission_id: str) -> Split:
    """15 % test, 15 % validation, 70 % train, by a hash of the submission id alone."""
    bucket = int(hashlib.sha1(f"feedback:{submission_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if bucket < SPLIT_SHARES["test"]:
        return "test"
    if bucket < SPLIT_SHARES["test"] + SPLIT_SHARES["val"]:
        return "val"
    return "train"


def review_to_labeled(review: Review, submission: Submission) -> LabeledText | None:
    """The labeled text a review makes, or None when the reviewer returned it without a sub-area."""
    if review.final_sub_area is None:
        return None
    text = submission.text()
    if not text.strip():
        return None
    what = "改为" if review.corrected else "确认" if review.suggested_sub_area else "核定"
    note = (f"联审 {review.round}（{review.sheet}）{what}：模型建议 {review.suggested_sub_area or '无'}，"
            f"核定 {review.final_sub_area}")
    if review.decision:
        note += f"；结论 {review.decision}"
    return LabeledText(id=feedback_id(review.round, review.submission_id), text=text, label=review.final_sub_area,
                       style="submission", script="simplified", hard=review.corrected, note=note,
                       split=feedback_split(review.submission_id), source="feedback")


def reviews_to_labeled(reviews: list[Review], submissions: list[Submission]) -> tuple[list[LabeledText], list[str]]:
    """Labeled texts of the reviews, and the ids of reviewed submissions the run does not hold."""
    by_id = {s.id: s for s in submissions}
    items, missing = [], []
    for r in reviews:
        sub = by_id.get(r.submission_id)
        if sub is None:
            missing.append(r.submission_id)
            continue
        item = review_to_labeled(r, sub)
        if item is not None:
            items.append(item)
    return items, missing


def corrections_path(folder: Path, round_id: str) -> Path:
    return Path(folder) / f"{round_id}.jsonl"


def merged_corrections(folder: Path, round_id: str, items: list[LabeledText], reviewed_ids: set[str]) -> list[LabeledText]:
    """The round's labeled texts after an import: items of the submissions just reviewed are replaced."""
    path = corrections_path(folder, round_id)
    old = read_jsonl(path, LabeledText) if path.exists() else []
    stale = {feedback_id(round_id, sid) for sid in reviewed_ids}
    return sorted([it for it in old if it.id not in stale] + items, key=lambda it: it.id)
