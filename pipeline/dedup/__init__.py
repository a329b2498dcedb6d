"""Duplicate and homogenized-scenario detection (see dedup.py for the flow, README.md ("Stage 3: duplicate and homogenized scenarios") for the why)."""
from .dedup import find_duplicates
from .history import HistoryStore, PastScenario

__all__ = ["find_duplicates", "HistoryStore", "PastScenario"]
