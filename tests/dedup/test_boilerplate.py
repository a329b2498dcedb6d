"""The boilerplate discount: shared policy text does not make two scenarios alike."""
from __future__ import annotations

import numpy as np
import pytest
from dedup_texts import (
    DIFFERENT_SCENARIOS, ELDERLY_FALL, ELDERLY_FALL_EDIT, ELDERLY_MEAL, POLICY_1, POLICY_2, make_sub,
)

from pipeline.dedup import find_duplicates
from pipeline.dedup.boilerplate import (
    batch_boilerplate, load_policy_bigrams, load_reference, read_hash_file, reference_flags,
)
from pipeline.dedup.shingles import compact
from pipeline.errors import KnowledgeFileError


def _flagged(result, a, b):
    return any({p.a_id, p.b_id} == {a, b} for p in result.pairs)


def test_boilerplate_shared_policy_paragraph_does_not_flag_different_scenarios(settings):
    a = make_sub("a", POLICY_1 + ELDERLY_FALL)
    b = make_sub("b", POLICY_1 + ELDERLY_MEAL)  # same sub-area, same long policy paragraph
    assert not find_duplicates([a, b], settings).pairs


def test_boilerplate_copies_with_different_policy_paragraphs_are_flagged(settings):
    a = make_sub("a", POLICY_1 + ELDERLY_FALL)
    b = make_sub("b", POLICY_2 + ELDERLY_FALL_EDIT)
    (pair,) = find_duplicates([a, b], settings).pairs
    assert pair.kind == "light_edit"
    assert all(POLICY_1[:10] not in e.a for e in pair.evidence)  # evidence is scenario text, not policy


def test_boilerplate_without_discount_the_policy_paragraph_would_flag(settings):
    off = settings.model_copy(update={"dedup": settings.dedup.model_copy(update={
        "boilerplate_reference": False})})
    a = make_sub("a", POLICY_1 + ELDERLY_FALL)
    b = make_sub("b", POLICY_1 + ELDERLY_MEAL)
    assert find_duplicates([a, b], off).pairs  # the test above passes because of the discount


def test_boilerplate_learned_from_batch_document_frequency(settings):
    # A paragraph nobody listed, written into every submission of a batch, is learned from the batch.
    house_style = "本单位高度重视此项工作，成立专班，由主要负责同志亲自抓，定期召开推进会协调解决难题，确保按期完成各项任务。"
    subs = [make_sub(f"s{i:02d}", house_style + t) for i, t in enumerate(DIFFERENT_SCENARIOS)]
    result = find_duplicates(subs, settings)
    assert result.stats["boilerplate_batch_shingles"] > 20
    assert not result.pairs


def test_boilerplate_batch_cut_needs_min_docs_and_share():
    sets = [np.array([1, 2, 3], dtype=np.uint64)] * 3 + [np.array([4], dtype=np.uint64)]
    assert batch_boilerplate(sets, max_df=0.5, min_docs=3).tolist() == [1, 2, 3]
    assert batch_boilerplate(sets, max_df=0.5, min_docs=5).tolist() == []


def test_boilerplate_reference_flags_call_phrases():
    text = compact("深入贯彻落实省委省政府决策部署，因地制宜发展新质生产力")
    assert reference_flags(text, 4, load_reference()).mean() > 0.6  # windows across phrase joins are not
    assert not reference_flags(compact("毫米波雷达识别老人夜间离床"), 4, load_reference()).any()
    assert len(load_policy_bigrams()) > 100


def test_boilerplate_bad_hash_file_raises(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("# comment\nnot-hex\n", encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="hexadecimal"):
        read_hash_file(bad)
    with pytest.raises(KnowledgeFileError, match="build_boilerplate"):
        read_hash_file(tmp_path / "missing.txt")
