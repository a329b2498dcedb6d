"""Exact copies: a hash of the compact text (no whitespace or punctuation, one script, lower case).

Copies that differ only in spacing, line breaks or the width of punctuation get the same key.
The same key is computed per section, so a section copied word for word is found too.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Hashable, Sequence

from .shingles import compact


def exact_key(text: str) -> str:
    """sha1 of the compact text; empty for a text with no content characters."""
    body = compact(text)
    return hashlib.sha1(body.encode("utf-8")).hexdigest() if body else ""


def keys_to_groups(keys: Sequence[str], owners: Sequence[Hashable]) -> list[tuple[int, ...]]:
    """Indices sharing a non-empty key and belonging to at least two different owners."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        if key:
            by_key[key].append(i)
    return [tuple(ix) for key, ix in sorted(by_key.items()) if len({owners[i] for i in ix}) > 1]


def groups_to_pairs(groups: Sequence[tuple[int, ...]], owners: Sequence[int]) -> set[tuple[int, int]]:
    """Owner pairs (low, high) inside each group."""
    pairs: set[tuple[int, int]] = set()
    for group in groups:
        members = sorted({owners[i] for i in group})
        pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1:])
    return pairs
