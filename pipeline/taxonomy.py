"""The call's taxonomy (domains, sub-areas, responsible units) loaded from a versioned data file.

Every stage that names a domain goes through this module, so the form's aliases
(公共安全 = 公安安全, 养老托育 = 养老服务) and the unit names resolve the same way everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import KNOWLEDGE_DIR
from .errors import KnowledgeFileError
from .text import match_key
from .yaml_files import read_yaml

DEFAULT_TAXONOMY = KNOWLEDGE_DIR / "taxonomy.yaml"


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class SubArea:
    id: str
    name: str
    domain: str
    unit: str
    aliases: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    short: str
    sub_areas: tuple[str, ...]


@dataclass(frozen=True, eq=False)  # identity hash: lookups are cached per loaded taxonomy
class Taxonomy:
    version: str
    domains: dict[str, Domain]
    sub_areas: dict[str, SubArea]
    units: dict[str, Unit]

    # -- lookups ---------------------------------------------------------------
    def sub_area(self, sid: str) -> SubArea:
        try:
            return self.sub_areas[sid]
        except KeyError:
            raise KeyError(f"unknown sub-area id {sid!r}; known: {', '.join(self.sub_areas)}") from None

    def domain_of(self, sid: str) -> str:
        return self.sub_area(sid).domain

    def unit_of(self, sid: str) -> Unit:
        return self.units[self.sub_area(sid).unit]

    @property
    def sub_area_ids(self) -> tuple[str, ...]:
        return tuple(self.sub_areas)

    def find_sub_area(self, name: str) -> str | None:
        """Sub-area id for a name or alias as written on a form, or None."""
        return self._sub_area_keys().get(match_key(name))

    def find_domain(self, name: str) -> str | None:
        key = match_key(name)
        for d in self.domains.values():
            if key and (key in (match_key(d.name), match_key(d.short)) or match_key(d.short) in key):
                return d.id
        return None

    def find_unit(self, name: str) -> str | None:
        """Unit id for a provincial unit name, an alias, or a local bureau of the same line.

        A city or county bureau (湖州市经信局) belongs to the same line of work as the provincial
        unit, so it is matched by the unit's core word; an unrelated unit returns None.
        """
        key = match_key(name)
        if not key:
            return None
        exact = self._unit_keys().get(key)
        if exact:
            return exact
        if not key.endswith(_BODY_SUFFIXES):
            return None  # 某某科技有限公司 is a company, not the science department
        for core, uid in self._unit_cores():
            if core in key:
                return uid
        return None

    def _sub_area_keys(self) -> dict[str, str]:
        return _sub_area_keys(self)

    def _unit_keys(self) -> dict[str, str]:
        return _unit_keys(self)

    def _unit_cores(self) -> list[tuple[str, str]]:
        return _unit_cores(self)


@lru_cache(maxsize=8)
def _sub_area_keys(tax: Taxonomy) -> dict[str, str]:
    keys: dict[str, str] = {}
    for sa in tax.sub_areas.values():
        for alias in (sa.name, sa.id, *sa.aliases):
            keys.setdefault(match_key(alias), sa.id)
    return keys


@lru_cache(maxsize=8)
def _unit_keys(tax: Taxonomy) -> dict[str, str]:
    return {match_key(a): u.id for u in tax.units.values() for a in (u.name, *u.aliases)}


# What the name of a government body ends with.
_BODY_SUFFIXES = ("厅", "局", "委", "办", "委员会", "办公室", "部", "处", "分局")

# Core words of each line of work; longest first so 农业农村 wins over 农业.
_CORE_WORDS = {
    "jxt": ("经济和信息化", "经信"), "nynct": ("农业农村", "农业"), "jtt": ("交通运输", "交通"),
    "sjj": ("大数据", "数据"), "jst": ("住房和城乡建设", "住建", "建设"), "yjt": ("应急管理", "应急"),
    "slt": ("水利",), "sthjt": ("生态环境", "环保"), "gat": ("公安",), "wjw": ("卫生健康", "卫健"),
    "jyt": ("教育",), "mzt": ("民政",), "whlyt": ("文化和旅游", "文化广电和旅游", "文化广电旅游", "文化旅游", "文旅", "旅游"),
    "rst": ("人力资源和社会保障", "人社"), "kjt": ("科学技术", "科技"), "jrb": ("金融",), "swt": ("商务",),
}


@lru_cache(maxsize=8)
def _unit_cores(tax: Taxonomy) -> list[tuple[str, str]]:
    pairs = [(match_key(w), uid) for uid, words in _CORE_WORDS.items() if uid in tax.units for w in words]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _require(cond: bool, path: Path, msg: str) -> None:
    if not cond:
        raise KnowledgeFileError(f"{path}: {msg}")


def parse_taxonomy(data: object, path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    _require(isinstance(data, dict), path, "the file must hold a mapping with version, units and domains")
    assert isinstance(data, dict)
    for key in ("version", "units", "domains"):
        _require(key in data, path, f"missing top-level key {key!r}")
    units: dict[str, Unit] = {}
    for u in data["units"]:
        _require(isinstance(u, dict) and "id" in u and "name" in u, path, f"unit entry {u!r} needs id and name")
        _require(u["id"] not in units, path, f"unit id {u['id']!r} appears twice")
        units[u["id"]] = Unit(u["id"], u["name"], tuple(u.get("aliases", ())))
    domains: dict[str, Domain] = {}
    subs: dict[str, SubArea] = {}
    for d in data["domains"]:
        _require(isinstance(d, dict) and {"id", "name", "sub_areas"} <= set(d), path,
                 f"domain entry {str(d)[:80]!r} needs id, name and sub_areas")
        _require(d["id"] not in domains, path, f"domain id {d['id']!r} appears twice")
        _require(bool(d["sub_areas"]), path, f"domain {d['id']!r} has no sub-areas")
        ids = []
        for s in d["sub_areas"]:
            for key in ("id", "name", "unit", "description"):
                _require(key in s, path, f"sub-area {s.get('id', s)!r} in domain {d['id']!r} lacks {key!r}")
            _require(s["id"] not in subs, path, f"sub-area id {s['id']!r} appears twice")
            _require(s["unit"] in units, path,
                     f"sub-area {s['id']!r} names unit {s['unit']!r}, which is not among units: {', '.join(units)}")
            subs[s["id"]] = SubArea(s["id"], s["name"], d["id"], s["unit"], tuple(s.get("aliases", ())),
                                    " ".join(str(s["description"]).split()))
            ids.append(s["id"])
        domains[d["id"]] = Domain(d["id"], d["name"], d.get("short", d["name"]), tuple(ids))
    tax = Taxonomy(str(data["version"]), domains, subs, units)
    seen: dict[str, str] = {}
    for sa in subs.values():
        for alias in (sa.name, *sa.aliases):
            k = match_key(alias)
            _require(seen.get(k, sa.id) == sa.id, path,
                     f"alias {alias!r} names both {seen.get(k)!r} and {sa.id!r}; an alias must be unique")
            seen[k] = sa.id
    return tax


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    p = Path(path) if path else DEFAULT_TAXONOMY
    return _load_cached(str(p.resolve()))


@lru_cache(maxsize=4)
def _load_cached(path: str) -> Taxonomy:
    p = Path(path)
    return parse_taxonomy(read_yaml(p, "taxonomy"), p)
