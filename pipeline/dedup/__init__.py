"""Duplicate and homogenized-scenario detection (see dedup.py for the flow, docs/dedup.md for the why)."""
from .dedup import find_duplicates
from .history import HistoryStore, PastScenario

__all__ = ["find_duplicates", "HistoryStore", "PastScenario"]
