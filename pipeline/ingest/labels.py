"""Match the labels applicants write (with numbering, spaces, colons, variants) to field keys.

The label → field mapping is data (knowledge/form_labels.yaml), validated when loaded.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import KNOWLEDGE_DIR
from ..errors import KnowledgeFileError
from ..records import FORM3_FIELDS, FORM4_FIELDS, SUMMARY_FIELDS
from ..text import match_key, normalize
from ..yaml_files import read_yaml

_KNOWN_FIELDS = set(FORM3_FIELDS) | set(FORM4_FIELDS) | set(SUMMARY_FIELDS) | {"explanation", "seq"}
_NUMBERING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．]|"
                        r"\d+\s*[、.．)）](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩]|第[一二三四五六七八九十]+部分)\s*")
_PAREN = re.compile(r"[（(][^（()）]{0,20}[)）]")
_COLON = re.compile(r"[:：]")
_MAX_LABEL = 24


@dataclass(frozen=True)
class FormLabels:
    version: str
    labels: dict[str, str]  # match key of a variant → field key
    sections: frozenset[str]
    required: dict[str, tuple[str, ...]]
    markers: dict[str, tuple[str, ...]]
    hints: tuple[str, ...]
    canonical: tuple[str, ...] = ()  # every label as written in the data file

    def match(self, text: str) -> str | None:
        """Field key when the whole text is a label (numbering, parentheses and colon allowed)."""
        if not text:
            return None
        core = _label_core(text)
        if not core or len(core) > _MAX_LABEL:
            return None
        hit = self.labels.get(core)
        if hit:
            return hit
        if len(core) >= 4:
            close = difflib.get_close_matches(core, self.labels.keys(), n=1, cutoff=0.84)
            if close:
                return self.labels[close[0]]
        return None

    def split_inline(self, line: str) -> tuple[str, str] | None:
        """``标签：值`` or a heading line that is only a label → (field, rest of the line)."""
        stripped = line.strip()
        m = _COLON.search(stripped)
        if m and m.start() <= _MAX_LABEL + 6:
            key = self.match(stripped[:m.start()])
            if key:
                return key, stripped[m.end():].strip()
        key = self.match(stripped)
        if key:
            return key, ""
        # A label followed by its (parenthesised) note and then text on the same line.
        head = _NUMBERING.sub("", stripped)
        for n in range(min(len(head), _MAX_LABEL), 3, -1):
            prefix = head[:n]
            key = self.labels.get(match_key(_PAREN.sub("", prefix)))
            if key and key in self.sections and _starts_new_sentence(head[n:]):
                return key, _PAREN.sub("", head[n:], count=1).strip(" ：:")
        return None

    def form_of_title(self, text: str) -> str | None:
        key = match_key(text)
        if len(key) > 40:
            return None
        for form, words in self.markers.items():
            if any(match_key(w) in key for w in words):
                return form
        return None

    def strip_hints(self, value: str) -> str:
        for hint in self.hints:
            value = value.replace(hint, "")
        return value.strip()


def _starts_new_sentence(rest: str) -> bool:
    rest = rest.lstrip()
    return not rest or rest[0] in "（(：:" 


def _label_core(text: str) -> str:
    t = normalize(text).split("\n")[0]
    t = _NUMBERING.sub("", t)
    t = _PAREN.sub("", t)
    t = t.rstrip(":：")
    return match_key(t)


def parse_form_labels(data: object, path: Path) -> FormLabels:
    if not isinstance(data, dict) or "fields" not in data:
        raise KnowledgeFileError(f"{path}: needs a mapping with 'fields'")
    labels: dict[str, str] = {}
    for key, variants in data["fields"].items():
        if key not in _KNOWN_FIELDS:
            raise KnowledgeFileError(f"{path}: unknown field key {key!r}; known: {', '.join(sorted(_KNOWN_FIELDS))}")
        if not isinstance(variants, list) or not variants:
            raise KnowledgeFileError(f"{path}: field {key!r} needs a non-empty list of labels")
        for v in variants:
            k = _label_core(str(v))
            if labels.get(k, key) != key:
                raise KnowledgeFileError(f"{path}: label {v!r} is given for both {labels[k]!r} and {key!r}")
            labels[k] = key
    required = {form: tuple(keys) for form, keys in (data.get("required") or {}).items()}
    for form, keys in required.items():
        bad = [k for k in keys if k not in data["fields"]]
        if bad:
            raise KnowledgeFileError(f"{path}: required fields {bad} of {form} have no labels")
    return FormLabels(
        version=str(data.get("version", "")),
        labels=labels,
        sections=frozenset(data.get("sections") or ()),
        required=required,
        markers={f: tuple(w) for f, w in (data.get("form_markers") or {}).items()},
        hints=tuple(sorted((normalize(h) for h in data.get("hints") or ()), key=len, reverse=True)),
        canonical=tuple(str(v) for variants in data["fields"].values() for v in variants),
    )


@lru_cache(maxsize=4)
def load_form_labels(name_or_path: str = "form_labels.yaml") -> FormLabels:
    path = Path(name_or_path)
    if not path.is_absolute() and not path.exists():
        path = KNOWLEDGE_DIR / name_or_path
    return parse_form_labels(read_yaml(path, "form label"), path)
