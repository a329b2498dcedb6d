"""Corrections as a new version of the labeled data: fixed splits, read by the corpus loader."""
from __future__ import annotations

import json

from pipeline.classify.corpus import LabeledText, assign_splits, load_raw
from pipeline.feedback.corrections import feedback_id, feedback_split, review_to_labeled, round_of
from pipeline.records import Review
from tests.feedback.factory import corpus_lines, submission


def test_corrections_split_depends_on_the_submission_only():
    splits = [feedback_split(f"S{i:04d}") for i in range(2000)]
    assert splits == [feedback_split(f"S{i:04d}") for i in range(2000)]
    share = {s: splits.count(s) / len(splits) for s in ("train", "val", "test")}
    assert abs(share["test"] - 0.15) < 0.03 and abs(share["val"] - 0.15) < 0.03


def test_corrections_review_to_labeled():
    r = Review(submission_id="S1", round="2026-1", sheet="省水利厅", row=3, routed_unit="slt",
               suggested_sub_area="water", final_sub_area="agriculture", corrected=True, decision="推荐")
    item = review_to_labeled(r, submission("S1", "灌区", "智能灌溉"))
    assert item.label == "agriculture" and item.hard and item.source == "feedback" and item.text == "灌区\n智能灌溉"
    assert item.id == feedback_id("2026-1", "S1") and round_of(item) == "2026-1"
    assert item.split == feedback_split("S1")
    assert review_to_labeled(r.model_copy(update={"final_sub_area": None}), submission("S1", "灌区", "x")) is None


def test_corrections_are_read_by_the_corpus_loader_without_moving_old_items(tmp_path, tax):
    raw = tmp_path / "corpus" / "raw"
    raw.mkdir(parents=True)
    for label in ("water", "health"):
        (raw / f"{label}.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False)
                                                      for x in corpus_lines(label, 0, 20)), encoding="utf-8")
    before = {it.id: it.split for it in assign_splits(load_raw(raw, tax))}
    fb = tmp_path / "corpus" / "feedback"
    fb.mkdir()
    items = [LabeledText(id=feedback_id("2026-1", f"S{i}"), text=f"水库{i}", label="water", split=feedback_split(f"S{i}"),
                         source="feedback") for i in range(15)]
    (fb / "2026-1.jsonl").write_text("".join(it.model_dump_json() + "\n" for it in items), encoding="utf-8")
    after = {it.id: it.split for it in assign_splits(load_raw(raw, tax))}
    assert len(after) == len(before) + 15
    assert {k: after[k] for k in before} == before  # corpus items keep their split
    assert all(after[it.id] == it.split for it in items)
    assert len(load_raw(raw, tax, feedback=tmp_path / "nowhere")) == len(before)
