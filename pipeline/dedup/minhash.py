"""Near-duplicate candidates: MinHash signatures of shingle sets, banded in datasketch's MinHashLSH.

One knob, ``threshold``: the Jaccard similarity above which a pair should become a candidate
(datasketch derives the bands and rows from it). Candidates are only proposals: every one is
verified with the exact Jaccard of the shingle sets afterwards.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .shingles import to_uint32

Progress = Callable[[int, int], None]


def _identity(value):
    return value


def shingles_to_signatures(shingle_sets: Sequence[np.ndarray], num_perm: int, seed: int = 1,
                           progress: Progress | None = None) -> list[LeanMinHash | None]:
    """One LeanMinHash per set (None for an empty set). Shingles are already hashes, so the
    MinHash's hash function is the identity on their 32-bit fold."""
    template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity)
    out: list[LeanMinHash | None] = []
    for n, hashes in enumerate(shingle_sets):
        if len(hashes) == 0:
            out.append(None)
        else:
            m = template.copy()
            m.update_batch(to_uint32(hashes).tolist())
            out.append(LeanMinHash(m))
        if progress and n % 2000 == 0:
            progress(n, len(shingle_sets))
    return out


def signatures_to_candidates(signatures: Sequence[LeanMinHash | None], owners: Sequence[int], threshold: float,
                             num_perm: int, max_bucket: int = 200, min_estimate: float = 0.0) -> set[tuple[int, int]]:
    """Owner pairs (low, high) whose signatures share an LSH band.

    A band collision between texts whose signatures agree on fewer than ``min_estimate`` of
    their positions (the MinHash estimate of the Jaccard) is dropped before exact verification.
    ``max_bucket`` caps the neighbours taken from one query: a huge bucket is boilerplate that
    escaped the discount, and taking every pair in it would cost n² verifications.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"LSH threshold must be in (0, 1), got {threshold}; "
                         f"set dedup.lsh_threshold to e.g. 0.3")
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(signatures):
            if sig is not None:
                session.insert(i, sig, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for i, sig in enumerate(signatures):
        if sig is None:
            continue
        hits = sorted(j for j in lsh.query(sig) if j > i and owners[j] != owners[i])
        if min_estimate > 0 and hits:
            values = np.vstack([signatures[j].hashvalues for j in hits])
            estimate = (values == sig.hashvalues).mean(axis=1)
            hits = [j for j, e in zip(hits, estimate) if e >= min_estimate]
        for j in hits[:max_bucket]:
            a, b = owners[i], owners[j]
            pairs.add((a, b) if a < b else (b, a))
    return pairs
