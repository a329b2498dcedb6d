"""The scoring form: the rubric the pre-scores use (``knowledge/rubric.yaml``), as reviewers fill it.

A reviewer gives one 0–100 score per basic condition (合规性, 创新性, 实效性, 示范性, 开放性); the
indicators of each condition are shown as guidance. The total is the conditions' scores weighted
by the rubric's condition weights, on the rubric's scale. The rubric is copied into the round when
it is imported, so the form stays the same for the whole review even if the file changes.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from ..config import KNOWLEDGE_DIR
from ..errors import KnowledgeFileError

DEFAULT_RUBRIC = KNOWLEDGE_DIR / "rubric.yaml"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    weight: float
    description: str = ""


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    weight: float
    description: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ScoringForm:
    version: str
    scale: float
    conditions: tuple[Condition, ...]

    @property
    def condition_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions)

    def total(self, scores: dict[str, float]) -> float | None:
        """Weighted total of the condition scores; None until every condition has a score."""
        if any(scores.get(c.id) is None for c in self.conditions):
            return None
        weight = sum(c.weight for c in self.conditions)
        value = sum(c.weight * float(scores[c.id]) for c in self.conditions) / weight
        return round(value * self.scale / 100.0, 2)

    def to_dict(self) -> dict:
        """Plain JSON types (lists, not tuples), as stored in the round and read back."""
        return json.loads(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def from_dict(cls, data: dict) -> ScoringForm:
        return parse_rubric(data, Path("<database>"))


def _get(obj, key: str, default=None):
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _require(cond: bool, path: Path, msg: str) -> None:
    if not cond:
        raise KnowledgeFileError(f"{path}: {msg}")


def parse_rubric(data, path: Path = DEFAULT_RUBRIC) -> ScoringForm:
    """The scoring form from the rubric's mapping (or the score stage's loaded rubric object)."""
    _require(data is not None and _get(data, "conditions") is not None, path,
             "the rubric needs `version`, `scale` and `conditions: [{id, name, weight, description, indicators}]`")
    conditions = []
    for c in _get(data, "conditions"):
        for key in ("id", "name", "weight"):
            _require(_get(c, key) is not None, path, f"condition {_get(c, 'id', c)!r} lacks {key!r}")
        weight = float(_get(c, "weight"))
        _require(weight > 0, path, f"condition {_get(c, 'id')!r} has weight {weight}; weights must be positive")
        indicators = tuple(Indicator(str(_get(i, "id")), str(_get(i, "name", _get(i, "id"))),
                                     float(_get(i, "weight", 0) or 0), " ".join(str(_get(i, "description", "") or "").split()))
                           for i in (_get(c, "indicators") or ()))
        conditions.append(Condition(str(_get(c, "id")), str(_get(c, "name")), weight,
                                    " ".join(str(_get(c, "description", "") or "").split()), indicators))
    _require(bool(conditions), path, "the rubric has no conditions")
    ids = [c.id for c in conditions]
    _require(len(set(ids)) == len(ids), path, f"condition ids repeat: {ids}")
    scale = float(_get(data, "scale", 100) or 100)
    return ScoringForm(str(_get(data, "version", "")), scale, tuple(conditions))


def load_scoring_form(path: str | Path | None = None) -> ScoringForm:
    """Read the rubric file; the one place that knows how (switch to the score stage's loader here)."""
    p = Path(path) if path else DEFAULT_RUBRIC
    if not p.exists():
        raise KnowledgeFileError(f"rubric file not found: {p}; pass --rubric FILE (the rubric.yaml the pre-scores use)")
    try:
        from ..score.rubric import load_rubric  # the score stage's loader, once it exists
    except ImportError:
        load_rubric = None
    if load_rubric is not None:
        return parse_rubric(load_rubric(p), p)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeFileError(f"{p}: not valid YAML: {exc}") from None
    return parse_rubric(data, p)
