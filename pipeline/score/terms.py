"""The word lists the scoring rules read (knowledge/score_terms.yaml), loaded and validated once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import KNOWLEDGE_DIR
from ..errors import KnowledgeFileError
from ..text import normalize
from ..yaml_files import read_yaml

DEFAULT_TERMS = KNOWLEDGE_DIR / "score_terms.yaml"

# Every list a rule reads; the file must have exactly these (plus `version` and `ai_core`).
LISTS = (
    "boilerplate", "planned_markers", "planned_exclude", "ai_generic", "conventional_it",
    "metric_nouns", "metric_units", "data_nouns", "data_units", "ip_outputs", "iteration",
    "strong_claims", "change_verbs", "outcome_units", "level_nouns", "in_use", "time_markers", "usage_verbs", "usage_units",
    "replication_verbs", "replication_units", "scope_words", "standard_nouns", "standard_verbs", "standard_exclude",
    "sme", "sme_exclude", "open_verbs", "open_channels", "security", "funding_sources",
)
FAMILIES = "ai_core"


@dataclass(frozen=True, eq=False)  # identity hash: compiled patterns are cached per loaded file
class ScoreTerms:
    version: str
    lists: dict[str, tuple[str, ...]]
    ai_core: dict[str, tuple[str, ...]]  # family -> words
    path: str = ""

    def __getitem__(self, name: str) -> tuple[str, ...]:
        try:
            return self.lists[name]
        except KeyError:
            raise KeyError(f"no term list {name!r} in {self.path or 'score terms'}; known: {', '.join(self.lists)}") from None


def _words(value, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise KnowledgeFileError(f"{path}: {where} must be a non-empty list of words, got {value!r}")
    out: list[str] = []
    for w in value:
        if not isinstance(w, (str, int, float)) or not str(w).strip():
            raise KnowledgeFileError(f"{path}: {where} holds an empty or non-text entry {w!r}")
        word = normalize(str(w).strip())
        if word in out:
            raise KnowledgeFileError(f"{path}: {where} lists {word!r} twice; remove one")
        out.append(word)
    return tuple(out)


def load_terms(path: str | Path | None = None) -> ScoreTerms:
    path = Path(path) if path else DEFAULT_TERMS
    if not path.is_absolute() and not path.exists():
        path = KNOWLEDGE_DIR / path
    return _load_terms(str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=8)
def _load_terms(path_str: str, _mtime: float) -> ScoreTerms:
    path = Path(path_str)
    data = read_yaml(path, "score terms")
    if not isinstance(data, dict):
        raise KnowledgeFileError(f"{path} must hold a mapping of term lists")
    unknown = set(data) - set(LISTS) - {"version", FAMILIES}
    if unknown:
        raise KnowledgeFileError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}; known: version, {FAMILIES}, "
                                 + ", ".join(LISTS))
    missing = [k for k in ("version", FAMILIES, *LISTS) if k not in data]
    if missing:
        raise KnowledgeFileError(f"{path}: missing key(s) {', '.join(missing)}")
    lists = {name: _words(data[name], name, path) for name in LISTS}
    fam = data[FAMILIES]
    if not isinstance(fam, dict) or not fam:
        raise KnowledgeFileError(f"{path}: {FAMILIES} must map family names to lists of words")
    families = {str(k): _words(v, f"{FAMILIES}.{k}", path) for k, v in fam.items()}
    seen: dict[str, str] = {}
    for family, words in families.items():
        for w in words:
            if w in seen:
                raise KnowledgeFileError(f"{path}: {FAMILIES}: {w!r} is in both {seen[w]} and {family}; "
                                         "a word belongs to one family")
            seen[w] = family
    return ScoreTerms(version=str(data["version"]), lists=lists, ai_core=families, path=str(path))
