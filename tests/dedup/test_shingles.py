"""Shingling: compact text, masking, stable hashes, sliding windows."""
from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from pipeline.dedup.shingles import (
    DIGIT_MASK, NAME_MASK, compact, covered_windows, kgram_hashes, mask_text, member, sentences, shingle_set,
    sorted_unique,
)


def test_shingles_compact_ignores_spacing_and_punctuation_width():
    assert compact("智能 质检，提升良率。") == compact("智能质检,提升良率.\n")


def test_shingles_mask_digits_and_names():
    masked = mask_text("杭州市3条产线投入680万元", ("杭州市", "杭州"))
    assert masked == f"{NAME_MASK}{DIGIT_MASK}条产线投入{DIGIT_MASK}万元"
    assert compact(masked) == masked  # the masks survive compacting


def test_shingles_kgram_hashes_are_stable_and_size_tagged():
    first = kgram_hashes("人工智能质检", 3)
    assert len(first) == 4
    np.testing.assert_array_equal(first, kgram_hashes("人工智能质检", 3))
    assert not set(kgram_hashes("人工智能", 3)) & set(kgram_hashes("人工智能", 4))


def test_shingles_short_text_has_no_window_longer_than_itself():
    assert len(kgram_hashes("质检", 4)) == 0
    assert len(shingle_set("质检", 2)) == 1


def test_shingles_sentences_split_on_chinese_ends():
    assert sentences("第一句。第二句！第三句；\n第四", min_chars=1) == ["第一句。", "第二句！", "第三句；", "第四"]
    assert sentences("短。这一句足够长。") == ["这一句足够长。"]


@given(st.lists(st.booleans(), max_size=40), st.integers(min_value=1, max_value=6))
def test_shingles_covered_windows_equals_naive(flags, width):
    arr = np.array(flags, dtype=bool)
    expected = [all(flags[i:i + width]) for i in range(len(flags) - width + 1)]
    assert covered_windows(arr, width).tolist() == expected


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60), st.lists(st.integers(0, 50), max_size=30))
def test_shingles_sorted_unique_and_member_match_numpy(values, other):
    v = np.array(values, dtype=np.uint64)
    s = np.unique(np.array(other, dtype=np.uint64))
    np.testing.assert_array_equal(sorted_unique(v), np.unique(v))
    np.testing.assert_array_equal(member(v, s), np.isin(v, s))
