"""Fixtures of the dedup tests (texts and ``make_sub`` live in dedup_texts.py)."""
from __future__ import annotations

import pytest
from dedup_texts import DIFFERENT_SCENARIOS, make_sub

from pipeline.config import Settings, load_settings
from pipeline.records import Submission


@pytest.fixture
def settings() -> Settings:
    """Default settings without an embedder (lexical evidence only), unless a test asks for one."""
    return load_settings(overrides=["embedder.kind=none"])


@pytest.fixture
def background() -> list[Submission]:
    """Twelve different scenarios: a batch to hide a pair in."""
    return [make_sub(f"bg{i:02d}", t) for i, t in enumerate(DIFFERENT_SCENARIOS)]
