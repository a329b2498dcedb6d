"""A submission's text as the scoring rules read it: sentences, each marked as a result, a plan
or context, with policy boilerplate dropped or blanked; word matching and evidence snippets.

Only concrete sentences are evidence. A sentence holding a policy or call phrase
(knowledge/score_terms.yaml `boilerplate`) and no number is boilerplate and is dropped; in the
other sentences those phrases are blanked (same length, so snippet positions still hold).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Literal

from ..records import CONTENT_FIELDS, Submission
from .terms import ScoreTerms

Kind = Literal["result", "plan", "context"]

RESULT_FIELDS = ("foundation", "open_status", "effects", "summary")  # what exists or was achieved
PLAN_FIELDS = ("goals", "plan", "targets", "next_steps")  # what is intended
CONTEXT_FIELDS = ("background", "problems")  # why, and what is still missing: never a result
BLANK = "□"

_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]*")
_CLAUSE_BREAK = re.compile(r"[，,；;。！？!?：:\n]")
_DIGIT = re.compile(r"\d")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![\dA-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-?\d{3,4}(\d{4})(?!\d)")
_MARKUP = re.compile(r"<\s*/?\s*(script|style|iframe|img|a|b|i|u|div|span|p|br|font|table)\b[^>]*>|^\s*=\s*[A-Z]+\(",
                     re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Passage:
    """One sentence of one field."""

    field: str
    text: str  # as in the normalized field
    masked: str  # same length; boilerplate phrases blanked
    kind: Kind
    boilerplate: bool = False

    @property
    def is_result(self) -> bool:
        return self.kind == "result"


@dataclass(frozen=True)
class Hit:
    """A word (or figure) found in a passage."""

    word: str
    passage: Passage
    start: int
    end: int
    tag: str = ""  # e.g. the technology family of the word

    @property
    def clause(self) -> tuple[int, int]:
        return clause_bounds(self.passage.text, self.start, self.end)


# --- words -----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in alternatives), re.IGNORECASE)


def find_words(words: tuple[str, ...], text: str, exclude: tuple[str, ...] = ()) -> Iterator[tuple[str, int, int]]:
    """Occurrences of the words in the text, longest first, never inside an excluded word."""
    if not words or not text:
        return
    if exclude:
        text = blank(text, exclude)
    canonical = {w.lower(): w for w in words}
    for m in _pattern(words).finditer(text):
        yield canonical.get(m.group(0).lower(), m.group(0)), m.start(), m.end()


def blank(text: str, words: tuple[str, ...]) -> str:
    if not words or not text:
        return text
    return _pattern(words).sub(lambda m: BLANK * len(m.group(0)), text)


def has_any(words: tuple[str, ...], text: str) -> bool:
    return bool(words) and _pattern(words).search(text) is not None


# --- passages --------------------------------------------------------------------------------


_WRAP = re.compile(r"(?<=[^。；;！？!?：:\n])[ \t]*\n[ \t]*(?=[^\n])")


def unwrap(text: str) -> str:
    """Rejoin lines a PDF wrapped inside a sentence (a line break not after a sentence end)."""
    return _WRAP.sub("", text or "")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(unwrap(text)) if s.strip()]


def field_kind(field: str) -> Kind:
    if field in RESULT_FIELDS:
        return "result"
    if field in CONTEXT_FIELDS:
        return "context"
    return "plan"


def passages(sub: Submission, terms: ScoreTerms, *, keep_boilerplate: bool = False) -> list[Passage]:
    """The sentences of the content fields, in form order; boilerplate dropped unless asked for."""
    out: list[Passage] = []
    planned_markers = terms["planned_markers"]
    policy = terms["boilerplate"]
    for field in CONTENT_FIELDS:
        for sentence in split_sentences(sub.fields.get(field, "")):
            is_policy = has_any(policy, sentence) and not _DIGIT.search(sentence)
            if is_policy and not keep_boilerplate:
                continue
            kind = field_kind(field)
            if kind == "result" and has_any(planned_markers, blank(sentence, terms["planned_exclude"])):
                kind = "plan"
            out.append(Passage(field=field, text=sentence, masked=blank(sentence, policy), kind=kind,
                               boilerplate=is_policy))
    return out


def boilerplate_share(sub: Submission, terms: ScoreTerms) -> float:
    every = passages(sub, terms, keep_boilerplate=True)
    return sum(p.boilerplate for p in every) / len(every) if every else 0.0


def hits(words: tuple[str, ...], items: list[Passage], *, exclude: tuple[str, ...] = (),
         tags: dict[str, str] | None = None) -> list[Hit]:
    found = []
    for p in items:
        for word, start, end in find_words(words, p.masked, exclude):
            found.append(Hit(word, p, start, end, (tags or {}).get(word, "")))
    return found


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between commas, semicolons, full stops) around a span."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_BREAK.search(text, end)
    return left, right_m.start() if right_m else len(text)


def clauses(p: Passage) -> list[tuple[int, int]]:
    bounds, left = [], 0
    for m in _CLAUSE_BREAK.finditer(p.text):
        if m.start() > left:
            bounds.append((left, m.start()))
        left = m.end()
    if left < len(p.text):
        bounds.append((left, len(p.text)))
    return bounds


# --- evidence --------------------------------------------------------------------------------


def snippet(text: str, start: int, end: int, limit: int = 80) -> str:
    """At most ``limit`` characters of ``text`` around [start, end), with … where it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    span = end - start
    if span >= limit - 2:
        return text[start:start + limit - 1] + "…"
    room = limit - span - 2  # two ellipses at most
    left = max(0, start - room // 2)
    right = min(len(text), left + span + room)
    left = max(0, right - span - room)
    out = text[left:right]
    if left > 0:
        out = "…" + out
    if right < len(text):
        out = out + "…"
    return out[:limit]


def mask_pii(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "-****" + m.group(2), text)


def find_pii(sub: Submission) -> list[tuple[str, str]]:
    """(field, text) of each phone or ID number written into the forms."""
    found = []
    for field, text in sub.fields.items():
        for rx in (_ID_NUMBER, _PHONE):
            for m in rx.finditer(text or ""):
                found.append((field, m.group(0)))
    return found


def find_markup(sub: Submission) -> list[tuple[str, str]]:
    found = []
    for field, text in {**sub.fields, **sub.original}.items():
        m = _MARKUP.search(text or "")
        if m:
            found.append((field, m.group(0)))
    return found


def content_chars(sub: Submission) -> int:
    return sum(len(re.sub(r"\s+", "", sub.fields.get(k, "") or "")) for k in CONTENT_FIELDS)
