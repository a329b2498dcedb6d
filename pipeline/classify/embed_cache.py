"""A file of embeddings of the corpus texts, so retraining does not re-embed them.

Embedding the labeled corpus with the bundled e5 model takes minutes on two cores; the
vectors only change when a text or the embedder changes, so they are kept in
``data/corpus/embeddings/<embedder>.npz`` keyed by a hash of (embedder name, text). The
cache is used inside ``with active_cache(path):`` blocks (training, evaluation); screening
new submissions embeds them directly.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path

import numpy as np

_ACTIVE: "EmbeddingCache | None" = None


class EmbeddingCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        if self.path.exists():
            data = np.load(self.path, allow_pickle=False)
            for key, vec in zip(data["keys"], data["vectors"]):
                self.vectors[str(key)] = vec.astype(np.float32)

    @staticmethod
    def key(embedder_name: str, text: str) -> str:
        return hashlib.sha1(f"{embedder_name}\x00{text}".encode()).hexdigest()

    def encode(self, embedder, texts: list[str]) -> np.ndarray:
        keys = [self.key(embedder.name, t) for t in texts]
        missing = sorted({i for i, k in enumerate(keys) if k not in self.vectors}, key=lambda i: keys[i])
        if missing:
            fresh = embedder.encode([texts[i] for i in missing])
            for i, vec in zip(missing, fresh):
                self.vectors[keys[i]] = np.asarray(vec, dtype=np.float32)
            self.dirty = True
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vectors)
        # float16 halves the file; cosine geometry survives at that precision.
        np.savez_compressed(self.path, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]).astype(np.float16))
        self.dirty = False


@contextmanager
def active_cache(path: Path | None):
    global _ACTIVE
    if path is None:
        yield None
        return
    previous, _ACTIVE = _ACTIVE, EmbeddingCache(path)
    try:
        yield _ACTIVE
        _ACTIVE.save()
    finally:
        _ACTIVE = previous


def cached_encode(embedder, texts: list[str]) -> np.ndarray:
    if _ACTIVE is None:
        return embedder.encode(texts)
    return _ACTIVE.encode(embedder, texts)
