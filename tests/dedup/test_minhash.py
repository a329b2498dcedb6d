"""MinHash-LSH candidates (datasketch) over shingle sets."""
from __future__ import annotations

import numpy as np
import pytest

from pipeline.dedup.minhash import shingles_to_signatures, signatures_to_candidates


def _sets():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**63, 200, dtype=np.uint64)
    near = base.copy()
    near[:40] = rng.integers(0, 2**63, 40, dtype=np.uint64)  # Jaccard about 0.67
    other = rng.integers(0, 2**63, 200, dtype=np.uint64)
    return [np.unique(base), np.unique(near), np.unique(other), np.zeros(0, dtype=np.uint64)]


def test_minhash_candidates_find_near_copy_not_unrelated():
    sigs = shingles_to_signatures(_sets(), num_perm=128)
    assert sigs[3] is None  # an empty set has no signature
    pairs = signatures_to_candidates(sigs, owners=[0, 1, 2, 3], threshold=0.3, num_perm=128)
    assert pairs == {(0, 1)}


def test_minhash_candidates_skip_documents_of_one_owner():
    sigs = shingles_to_signatures(_sets()[:2], num_perm=64)
    assert signatures_to_candidates(sigs, owners=[5, 5], threshold=0.3, num_perm=64) == set()


def test_minhash_bad_threshold_raises_with_fix():
    sigs = shingles_to_signatures(_sets()[:2], num_perm=64)
    with pytest.raises(ValueError, match="dedup.lsh_threshold"):
        signatures_to_candidates(sigs, owners=[0, 1], threshold=1.0, num_perm=64)


def test_minhash_estimate_filter_drops_weak_collisions():
    sets = _sets()[:3]
    sigs = shingles_to_signatures(sets, num_perm=128)
    kept = signatures_to_candidates(sigs, owners=[0, 1, 2], threshold=0.05, num_perm=128, min_estimate=0.5)
    assert kept == {(0, 1)}  # Jaccard about 0.67 stays; chance collisions at a low threshold go
