"""The triage report as one self-contained HTML page (inline CSS, JS and SVG; no network).

Submission text is hostile input. The page is rendered by Jinja with autoescaping on, so any
markup in a submission shows as text; the only data embedded for the script is a JSON block
whose ``<``, ``>`` and ``&`` are written as ``\\u003c`` … (a ``</script>`` inside a submission
cannot close it); the script itself only sets ``textContent``, never ``innerHTML``; and a
Content-Security-Policy allows no network access and runs no script but the page's own (its
SHA-256 hash), so even a mistake elsewhere could not run injected code.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from ..taxonomy import Taxonomy
from . import labels as L
from .charts import hbar_chart, histogram
from .view import ReportView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "report.html.j2"


def json_for_script(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&`` or
    line separators appear literally, so the block cannot be closed or turned into markup."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def highlight(text: str, terms: tuple[str, ...] | list[str]) -> Markup:
    """``text`` escaped, with each evidence term wrapped in ``<mark>`` (terms are escaped too)."""
    words = sorted({t.replace(" ", "") for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos:m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters.update(highlight=highlight, pct=pct, num=num)
    env.globals.update(SEVERITY=L.SEVERITY, CONDITIONS=L.CONDITIONS)
    return env


def view_to_charts(view: ReportView, tax: Taxonomy) -> dict[str, Markup]:
    """The overview's charts as inline SVG."""
    subs = view.submissions
    by_domain = Counter(s.route.domain_name for s in subs)
    domain_order = [d.short for d in tax.domains.values()]
    domains = [(d, by_domain[d]) for d in domain_order if by_domain[d]]
    domains += sorted(((d, n) for d, n in by_domain.items() if d not in domain_order), key=lambda x: -x[1])
    by_unit = Counter(s.route.unit_name for s in subs)
    unit_order = [u.name for u in tax.units.values()]
    units = [(u, by_unit[u]) for u in unit_order if by_unit[u]]
    units += sorted(((u, n) for u, n in by_unit.items() if u not in unit_order), key=lambda x: -x[1])
    charts = {
        "domains": hbar_chart(domains, title="各领域申报数"),
        "units": hbar_chart(units, title="各责任单位申报数", highlight=("待分办",)),
    }
    scored = [s.score.total for s in subs if s.score is not None]
    charts["scores"] = histogram(scored, title="预评分分布") if scored else ""
    clusters = [(f"{i}. " + "、".join(c.label[:3]), c.size) for i, c in enumerate(view.clusters, 1)]
    charts["clusters"] = hbar_chart(clusters, title="同质化簇（成员数）")
    charts["pair_kinds"] = hbar_chart(sorted(view.counts.pair_kinds.items(), key=lambda x: -x[1]),
                                      title="疑似重复对（按类别）")
    return {k: Markup(v) for k, v in charts.items()}


def view_to_rows(view: ReportView) -> list[dict]:
    """What the table's filter needs per row (the JSON block of the page)."""
    rows = []
    for s in view.submissions:
        search = " ".join([s.id, s.name, s.applicant, s.city, s.location, s.authority, s.route.declared_text,
                           s.route.sub_area_name, s.route.unit_name, *(f.label for f in s.flags)])
        rows.append({"id": s.id, "unit": s.route.unit_name, "sub": s.route.sub_area_name,
                     "flags": [f.label for f in s.flags], "search": search.lower()})
    return rows


def _options(values: list[str]) -> list[tuple[str, int]]:
    counts = Counter(v for v in values if v)
    return sorted(counts.items(), key=lambda x: (-x[1], x[0]))


def render_html(view: ReportView, tax: Taxonomy) -> str:
    env = _environment()
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8").strip()
    style = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    subs = view.submissions
    filters = {
        "units": _options([s.route.unit_name for s in subs]),
        "sub_areas": _options([s.route.sub_area_name for s in subs]),
        "flags": _options([f.label for s in subs for f in s.flags]),
    }
    return env.get_template(TEMPLATE).render(
        view=view, meta=view.meta, counts=view.counts, subs=subs, charts=view_to_charts(view, tax),
        filters=filters, data_json=Markup(json_for_script({"rows": view_to_rows(view)})),
        script=Markup(script), style=Markup(style), script_hash=script_hash)


def write_html(view: ReportView, tax: Taxonomy, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(view, tax), encoding="utf-8")
    return path
