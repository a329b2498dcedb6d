"""Group form parts into submissions and build the typed records.

The application form, the explanation form and the summary-table row of one scenario are
matched by 场景名称 and unit (申报单位 / 业主单位), tolerant of spacing, punctuation, script and
full/half width. A part that matches nothing becomes a submission of its own.
"""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field

from ..records import CONTENT_FIELDS, SourceRef, Submission
from ..taxonomy import Taxonomy
from ..text import match_key, normalize
from .checkboxes import parse_declared, parse_open_status
from .fields import FormPart
from .funding import total_funding
from .labels import FormLabels
from .places import city_of

_NAME_SIMILARITY = 0.9


@dataclass
class Group:
    form3: list[FormPart] = field(default_factory=list)
    form4: list[FormPart] = field(default_factory=list)
    summary: list[FormPart] = field(default_factory=list)
    other: list[FormPart] = field(default_factory=list)

    def parts(self) -> list[FormPart]:
        return self.form3 + self.form4 + self.summary + self.other

    @property
    def primary(self) -> FormPart:
        return (self.form3 or self.form4 or self.summary or self.other)[0]


def _name_key(part: FormPart) -> str:
    return match_key(part.raw("name"))


def _unit_key(part: FormPart) -> str:
    return match_key(part.raw("applicant") or part.raw("owner"))


def _same(a: str, b: str, cutoff: float) -> bool:
    if not a or not b:
        return not a and not b
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= cutoff


def _units_agree(a: str, b: str) -> bool:
    return not a or not b or _same(a, b, 0.8) or a in b or b in a


def group_parts(parts: list[FormPart]) -> list[Group]:
    groups: list[Group] = []
    # Application forms anchor groups; a second application form with the same name and unit
    # stays a separate submission (it is flagged, not merged away).
    for p in parts:
        if p.form == "form3":
            groups.append(Group(form3=[p]))
    for kind in ("form4", "summary"):
        for p in (q for q in parts if q.form == kind):
            target = _find_group(groups, p, kind)
            if target is None:
                groups.append(Group(**{kind: [p]}))
            else:
                getattr(target, kind).append(p)
    for p in parts:
        if p.form not in ("form3", "form4", "summary"):
            target = _find_group(groups, p, "other") if p.raw("name") else None
            if target is None:
                groups.append(Group(other=[p]))
            else:
                target.other.append(p)
    return groups


def _find_group(groups: list[Group], p: FormPart, kind: str) -> Group | None:
    name, unit = _name_key(p), _unit_key(p)
    if not name:
        return None
    best, best_score = None, 0.0
    for g in groups:
        if getattr(g, kind, None):  # already has a part of this kind
            continue
        anchor = g.primary
        gname = _name_key(anchor)
        if not gname or not _units_agree(unit, _unit_key(anchor)):
            continue
        score = 1.0 if gname == name else difflib.SequenceMatcher(None, gname, name).ratio()
        if score >= _NAME_SIMILARITY and score > best_score:
            best, best_score = g, score
    return best


def _first(group: Group, key: str) -> str:
    for part in group.parts():
        value = part.raw(key)
        if value.strip():
            return value
    return ""


def submission_id(name: str, unit: str) -> str:
    digest = hashlib.sha1(f"{match_key(name)}|{match_key(unit)}".encode()).hexdigest()
    return f"S{digest[:10]}"


def build_submission(group: Group, labels: FormLabels, tax: Taxonomy, taken: set[str]) -> Submission:
    original: dict[str, str] = {}
    for key in ("name", "applicant", "owner", "location", "authority", "domain", "remarks", *CONTENT_FIELDS):
        value = labels.strip_hints(_first(group, key))
        if value:
            original[key] = value
    domain_raw = _first(group, "domain")
    declared = parse_declared(domain_raw, tax)
    is_open, open_text = (None, "")
    if group.form3 or original.get("open_status"):
        is_open, open_text = parse_open_status(_first(group, "open_status"))
        if open_text:
            original["open_status"] = labels.strip_hints(open_text)
        else:
            original.pop("open_status", None)
    original.pop("domain", None)
    if domain_raw.strip():
        original["domain"] = domain_raw.strip()
    fields = {k: normalize(v) for k, v in original.items() if k in CONTENT_FIELDS}
    name = normalize(original.get("name", ""))
    applicant = normalize(original.get("applicant") or original.get("owner", ""))
    funding, mentions = total_funding("\n".join(fields.get(k, "") for k in ("plan", "foundation", "goals", "summary")))
    sid = submission_id(name, applicant)
    n = 2
    base = sid
    while sid in taken:
        sid = f"{base}-{n}"
        n += 1
    taken.add(sid)
    sources = tuple(SourceRef(path=p.path, form=p.form if p.form in ("form3", "form4", "summary") else "text",
                              row=p.row) for p in group.parts())
    location = normalize(original.get("location", ""))
    return Submission(
        id=sid, name=name or "(未填写场景名称)", applicant=applicant, location=location,
        city=city_of(location, applicant), authority=normalize(original.get("authority", "")),
        fields=fields, original=original, declared=declared, is_open=is_open,
        funding_wan=funding, funding_mentions=tuple(mentions), sources=sources,
    )
