"""The commission's rubric (knowledge/rubric.yaml): five conditions, their indicators, rules,
weights, penalties and flag thresholds, validated when loaded.

Schema (the joint-review web app builds its scoring form from it; keep these keys)::

    version: "2026.1"
    scale: 100
    conditions:
      - {id, name, weight, description, indicators: [{id, name, weight, rule, params, description}]}
    penalties: {...}   # optional, see PENALTY_DEFAULTS
    flags: {...}       # optional, see FLAG_DEFAULTS

Every error names the file, the place in it (``conditions[1].indicators[0].rule``), the bad value
and what is allowed.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import KNOWLEDGE_DIR
from ..errors import KnowledgeFileError
from ..yaml_files import read_yaml

DEFAULT_RUBRIC = KNOWLEDGE_DIR / "rubric.yaml"

# The five basic conditions of the call, 三.(二), in its order.
CONDITIONS = {
    "compliance": "合规性",
    "innovation": "创新性",
    "effectiveness": "实效性",
    "demonstration": "示范性",
    "openness": "开放性",
}
SCALE = 100
WEIGHT_TOLERANCE = 1e-3

PENALTY_DEFAULTS: dict[str, float] = {
    "exact_copy": 20.0, "light_edit": 12.0, "template": 8.0, "paraphrase": 6.0, "section_factor": 0.5,
    "cluster_member": 10.0, "unknown_original": 0.5,
    "resubmits_selected": 15.0, "copies_selected": 25.0, "resubmits": 5.0, "max_points": 30.0,
}
FLAG_DEFAULTS: dict[str, float] = {
    "strong_claim_max_value": 0.25, "conventional_it_max_value": 0.34,
    "min_content_chars": 200.0, "boilerplate_share": 0.3,
}
_TOP_KEYS = {"version", "scale", "description", "conditions", "penalties", "flags", "provenance"}
_CONDITION_KEYS = {"id", "name", "weight", "description", "indicators"}
_INDICATOR_KEYS = {"id", "name", "weight", "rule", "params", "description"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    weight: float  # share of its condition
    rule: str
    params: dict[str, Any]  # the rule's defaults overlaid with the file's params
    description: str = ""


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    weight: float  # share of the total
    indicators: tuple[Indicator, ...]
    description: str = ""


@dataclass(frozen=True)
class Rubric:
    version: str
    conditions: tuple[Condition, ...]
    penalties: dict[str, float] = field(default_factory=lambda: dict(PENALTY_DEFAULTS))
    flags: dict[str, float] = field(default_factory=lambda: dict(FLAG_DEFAULTS))
    scale: int = SCALE
    description: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @property
    def indicators(self) -> list[tuple[Condition, Indicator]]:
        return [(c, i) for c in self.conditions for i in c.indicators]

    def effective_weights(self) -> dict[str, float]:
        """Indicator id -> its share of the total (condition weight × indicator weight)."""
        return {i.id: c.weight * i.weight for c, i in self.indicators}

    def to_dict(self) -> dict[str, Any]:
        """The file's shape (params as given plus the defaults, so a dump is complete)."""
        out: dict[str, Any] = {"version": self.version, "scale": self.scale}
        if self.description:
            out["description"] = self.description
        if self.provenance:
            out["provenance"] = self.provenance
        out["conditions"] = [
            {"id": c.id, "name": c.name, "weight": c.weight, "description": c.description,
             "indicators": [{"id": i.id, "name": i.name, "weight": i.weight, "rule": i.rule,
                             "params": i.params, "description": i.description} for i in c.indicators]}
            for c in self.conditions]
        out["penalties"] = dict(self.penalties)
        out["flags"] = dict(self.flags)
        return out


def _rules() -> dict[str, dict[str, Any]]:
    from .indicators import RULES

    return {name: spec.defaults for name, spec in RULES.items()}


def load_rubric(path: str | Path | None = None, *, rules: dict[str, dict[str, Any]] | None = None) -> Rubric:
    """Read and validate a rubric file (default: the shipped knowledge/rubric.yaml)."""
    path = Path(path) if path else DEFAULT_RUBRIC
    if not path.is_absolute() and not path.exists() and (KNOWLEDGE_DIR / path).exists():
        path = KNOWLEDGE_DIR / path
    return rubric_from_dict(read_yaml(path, "rubric"), source=str(path), rules=rules)


def rubric_from_dict(data: Any, *, source: str = "rubric", rules: dict[str, dict[str, Any]] | None = None) -> Rubric:
    rules = _rules() if rules is None else rules
    where = source

    def fail(place: str, msg: str) -> KnowledgeFileError:
        return KnowledgeFileError(f"{where}: {place}: {msg}")

    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{where}: a rubric is a mapping with version, scale and conditions")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(", ".join(sorted(unknown)), f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    for key in ("version", "scale", "conditions"):
        if key not in data:
            raise fail(key, "missing")
    version = data["version"]
    if not isinstance(version, (str, int, float)) or not str(version).strip():
        raise fail("version", f"must be a non-empty text, got {version!r}")
    if data["scale"] != SCALE:
        raise fail("scale", f"must be {SCALE} (scores are on 0–100), got {data['scale']!r}")
    conds = data["conditions"]
    if not isinstance(conds, list) or not conds:
        raise fail("conditions", "must be a list of the five conditions")

    seen_conditions: set[str] = set()
    seen_indicators: dict[str, str] = {}
    conditions = []
    for ci, c in enumerate(conds):
        place = f"conditions[{ci}]"
        _check_mapping(c, place, _CONDITION_KEYS, ("id", "name", "weight", "indicators"), fail)
        cid = c["id"]
        if cid not in CONDITIONS:
            raise fail(f"{place}.id", f"unknown condition {cid!r}; the call's five are {', '.join(CONDITIONS)}")
        if cid in seen_conditions:
            raise fail(f"{place}.id", f"duplicate condition id {cid!r}")
        seen_conditions.add(cid)
        if c["name"] != CONDITIONS[cid]:
            raise fail(f"{place}.name", f"condition {cid!r} is named {CONDITIONS[cid]!r} in the call, got {c['name']!r}")
        cweight = _weight(c["weight"], f"{place}.weight", fail)
        inds = c["indicators"]
        if not isinstance(inds, list) or not inds:
            raise fail(f"{place}.indicators", "must be a non-empty list")
        indicators = []
        for ii, ind in enumerate(inds):
            iplace = f"{place}.indicators[{ii}]"
            _check_mapping(ind, iplace, _INDICATOR_KEYS, ("id", "name", "weight", "rule"), fail)
            iid = ind["id"]
            if not isinstance(iid, str) or not _ID.match(iid):
                raise fail(f"{iplace}.id", f"must be a lower-case identifier like ai_core_tech, got {iid!r}")
            if iid in seen_indicators:
                raise fail(f"{iplace}.id", f"duplicate indicator id {iid!r} (also in {seen_indicators[iid]})")
            seen_indicators[iid] = iplace
            rule = ind["rule"]
            if rule not in rules:
                raise fail(f"{iplace}.rule", f"unknown rule {rule!r}; known rules: {', '.join(sorted(rules))}")
            params = _params(ind.get("params") or {}, rules[rule], f"{iplace}.params", fail)
            indicators.append(Indicator(id=iid, name=str(ind["name"]), weight=_weight(ind["weight"], f"{iplace}.weight", fail),
                                        rule=rule, params=params, description=str(ind.get("description") or "")))
        _sums_to_one([i.weight for i in indicators], f"{place}.indicators[*].weight", fail)
        conditions.append(Condition(id=cid, name=c["name"], weight=cweight, indicators=tuple(indicators),
                                    description=str(c.get("description") or "")))
    missing = [cid for cid in CONDITIONS if cid not in seen_conditions]
    if missing:
        raise fail("conditions", f"missing condition(s) {', '.join(missing)}; the rubric must cover all five")
    _sums_to_one([c.weight for c in conditions], "conditions[*].weight", fail)
    order = list(CONDITIONS)
    conditions.sort(key=lambda c: order.index(c.id))
    return Rubric(version=str(version), conditions=tuple(conditions),
                  penalties=_numbers(data.get("penalties"), PENALTY_DEFAULTS, "penalties", fail),
                  flags=_numbers(data.get("flags"), FLAG_DEFAULTS, "flags", fail),
                  description=str(data.get("description") or ""),
                  provenance=dict(data.get("provenance") or {}), path=source)


def _check_mapping(obj: Any, place: str, allowed: frozenset[str] | set[str], required: tuple[str, ...], fail) -> None:
    """A mapping with only ``allowed`` keys and every ``required`` one (a condition or an indicator)."""
    if not isinstance(obj, dict):
        raise fail(place, f"must be a mapping, got {obj!r}")
    extra = set(obj) - allowed
    if extra:
        raise fail(f"{place}.{sorted(extra)[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}")
    for key in required:
        if key not in obj:
            raise fail(f"{place}.{key}", "missing")


def _weight(value: Any, place: str, fail) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0:
        raise fail(place, f"must be a number ≥ 0, got {value!r}")
    return float(value)


def _sums_to_one(weights: list[float], place: str, fail) -> None:
    total = sum(weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise fail(place, f"weights sum to {total:.4f}, they must sum to 1")


def _params(given: Any, defaults: dict[str, Any], place: str, fail) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise fail(place, f"must be a mapping, got {given!r}")
    out = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            allowed = ", ".join(sorted(defaults)) or "none"
            raise fail(f"{place}.{key}", f"unknown parameter for this rule; allowed: {allowed}")
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise fail(f"{place}.{key}", f"must be a mapping, got {value!r}")
            for k, v in value.items():
                if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                    raise fail(f"{place}.{key}.{k}", f"must be a number ≥ 0, got {v!r}")
            out[key] = {str(k): float(v) for k, v in value.items()}
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise fail(f"{place}.{key}", f"must be a number ≥ 0, got {value!r}")
            out[key] = type(default)(value) if isinstance(default, float) or float(value).is_integer() else float(value)
        else:
            out[key] = value
    return out


def _numbers(given: Any, defaults: dict[str, float], place: str, fail) -> dict[str, float]:
    if given is None:
        return dict(defaults)
    if not isinstance(given, dict):
        raise fail(place, f"must be a mapping, got {given!r}")
    out = dict(defaults)
    for key, value in given.items():
        if key not in defaults:
            raise fail(f"{place}.{key}", f"unknown key; allowed: {', '.join(defaults)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail(f"{place}.{key}", f"must be a number ≥ 0, got {value!r}")
        out[key] = float(value)
    return out


def dump_rubric(rubric: Rubric, path: str | Path, *, header: str = "") -> Path:
    """Write a rubric file (validated again by reading it back). Refuses to overwrite the shipped one."""
    path = Path(path)
    if path.resolve() == DEFAULT_RUBRIC.resolve():
        raise KnowledgeFileError(f"refusing to overwrite the shipped rubric {DEFAULT_RUBRIC}; write a new file")
    text = yaml.safe_dump(rubric.to_dict(), allow_unicode=True, sort_keys=False, width=120)
    lines = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(lines + text, encoding="utf-8")
    load_rubric(path)
    return path
