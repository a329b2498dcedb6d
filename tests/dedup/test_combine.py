"""Decisions and aligned evidence."""
from __future__ import annotations

from dedup_texts import ELDERLY_FALL, ELDERLY_FALL_EDIT, make_sub

from pipeline.config import load_settings
from pipeline.dedup.combine import PairEvidence, evidence_to_decision
from pipeline.dedup import find_duplicates

CFG = load_settings().dedup


def _ev(**kw) -> PairEvidence:
    base = dict(a=0, b=1, exact=False, lexical=0.0, containment=0.0, words=0.0, semantic=None, sections={},
                section_exact=False, detectors=("minhash",))
    return PairEvidence(**{**base, **kw})


def test_combine_decision_kinds_in_order():
    assert evidence_to_decision(_ev(exact=True), CFG, None).kind == "exact"
    assert evidence_to_decision(_ev(lexical=0.4, words=0.7), CFG, None).kind == "light_edit"
    assert evidence_to_decision(_ev(lexical=0.4, words=0.2), CFG, None).kind == "template"
    assert evidence_to_decision(_ev(semantic=0.97), CFG, (0.96, 0.925)).kind == "paraphrase"
    assert evidence_to_decision(_ev(semantic=0.93, words=0.1), CFG, (0.96, 0.925)).kind == "paraphrase"
    assert evidence_to_decision(_ev(semantic=0.93, words=0.02), CFG, (0.96, 0.925)) is None
    assert evidence_to_decision(_ev(lexical=0.05), CFG, None) is None


def test_combine_copied_section_beats_whole_text_evidence():
    d = evidence_to_decision(_ev(lexical=0.4, words=0.5, sections={"effects": 1.0, "goals": 0.02},
                                 section_exact=True), CFG, None)
    assert (d.kind, d.scope) == ("exact", "section")


def test_combine_evidence_aligns_reordered_sentences(settings):
    (pair,) = find_duplicates([make_sub("a", ELDERLY_FALL), make_sub("b", ELDERLY_FALL_EDIT)], settings).pairs
    assert len(pair.evidence) == 3
    for passage in pair.evidence:
        assert passage.a[:4] in ELDERLY_FALL and passage.b[:4] in ELDERLY_FALL_EDIT
        assert passage.similarity >= settings.dedup.evidence_min_similarity
    assert pair.evidence[0].a.startswith("拱墅区") and pair.evidence[0].b.startswith("余杭区")
