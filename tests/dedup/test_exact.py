"""Exact copies, whole and per section."""
from __future__ import annotations

from dedup_texts import ELDERLY_FALL, FACTORY_QC, FARM_IRRIGATION, SCHOOL_HOMEWORK, make_sub

from pipeline.dedup import find_duplicates
from pipeline.dedup.exact import exact_key, groups_to_pairs, keys_to_groups


def test_exact_key_same_for_whitespace_and_punctuation_width():
    assert exact_key(ELDERLY_FALL) == exact_key(ELDERLY_FALL.replace("，", ", ").replace("。", ".\n"))
    assert exact_key(ELDERLY_FALL) != exact_key(FACTORY_QC)
    assert exact_key(" ，。") == ""


def test_exact_groups_need_two_owners():
    groups = keys_to_groups(["k1", "k1", "k2", "k1", ""], [0, 0, 1, 2, 3])
    assert groups == [(0, 1, 3)]
    assert groups_to_pairs(groups, [0, 0, 1, 2, 3]) == {(0, 2)}


def test_exact_copy_found_as_exact_pair(settings, background):
    copy = make_sub("zz-copy", ELDERLY_FALL.replace("，", ",").replace("。", "。 \n"))
    result = find_duplicates(background + [copy], settings)
    pair = next(p for p in result.pairs if "zz-copy" in (p.a_id, p.b_id))
    assert (pair.a_id, pair.b_id, pair.kind, pair.similarity) == ("bg00", "zz-copy", "exact", 1.0)
    assert "exact" in pair.detectors and pair.evidence


def test_exact_copied_section_found_in_otherwise_new_application(settings):
    a = make_sub("a", goals=FACTORY_QC, effects=FARM_IRRIGATION)
    b = make_sub("b", goals=SCHOOL_HOMEWORK, effects=FARM_IRRIGATION)
    result = find_duplicates([a, b], settings)
    (pair,) = result.pairs
    assert pair.scope == "section" and pair.kind == "exact"
    assert pair.sections["effects"] == 1.0
    assert pair.sections.get("goals", 0) < 0.2
    assert {e.section_a for e in pair.evidence} == {"effects"}
