"""Semantic candidates: pairs whose embedding cosine reaches a threshold (paraphrases).

Rows are L2-normalized, so the cosine is a dot product. The similarity matrix is computed in
row blocks of the upper triangle, so memory stays at ``block × n`` floats; each row keeps at
most ``top_k`` neighbours.
"""
from __future__ import annotations

import numpy as np


def vectors_to_candidates(vectors: np.ndarray, threshold: float, top_k: int = 10,
                          block: int = 512) -> dict[tuple[int, int], float]:
    """``{(i, j): cosine}`` for i < j with cosine >= threshold, at most ``top_k`` per row i."""
    n = len(vectors)
    out: dict[tuple[int, int], float] = {}
    if n < 2:
        return out
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = vectors[start:stop] @ vectors[start:].T  # columns start..n
        np.fill_diagonal(sims, -1.0)  # (i, i) sits on the block's diagonal
        hit = sims >= threshold
        hit_rows = np.flatnonzero(hit.any(axis=1))
        if len(hit_rows) == 0:
            continue
        sub_rows, cols = np.nonzero(hit[hit_rows])
        rows = hit_rows[sub_rows]
        keep = cols > rows  # strictly above the diagonal
        rows, cols = rows[keep], cols[keep]
        if len(rows) == 0:
            continue
        values = sims[rows, cols]
        order = np.lexsort((-values, rows))  # by row, best first
        rows, cols, values = rows[order], cols[order], values[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        for r, c, v in zip(rows[rank < top_k], cols[rank < top_k], values[rank < top_k]):
            out[(start + int(r), start + int(c))] = float(v)
    return out
