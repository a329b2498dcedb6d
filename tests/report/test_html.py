"""The HTML page: escaped, self-contained, offline, and showing what a card must show."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ReportSettings, load_settings
from pipeline.report.html import highlight, json_for_script, render_html
from pipeline.report.view import bundle_to_view, mask_view

from .conftest import BREAKOUT, make_bundle


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside the two script elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def page(bundle, taxonomy, **settings) -> str:
    view = bundle_to_view(bundle, taxonomy, ReportSettings(**settings))
    return render_html(view if settings.get("show_pii") else mask_view(view), taxonomy)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    return p


def test_html_hostile_text_is_escaped(bundle, taxonomy):
    html = page(bundle, taxonomy)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;加粗&lt;/b&gt;" in html and "<b>加粗</b>" not in html
    assert "onerror" not in re.sub(r"&lt;img[^<]*", "", html)  # only ever as escaped text
    elements = parse(html)
    assert [t for t, _ in elements.tags].count("script") == 2
    assert not any(t == "img" for t, _ in elements.tags)
    assert ("i", {}) not in elements.tags  # the cluster label <i>山塘</i> stayed text


def test_html_json_block_cannot_be_closed_by_submission_text(bundle, taxonomy):
    html = page(bundle, taxonomy)
    block = html.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    rows = json.loads(block)["rows"]
    assert {r["id"] for r in rows} == {s.id for s in bundle.submissions}
    assert json.loads(json_for_script({"t": BREAKOUT})) == {"t": BREAKOUT}
    assert "</" not in json_for_script({"t": BREAKOUT})


def test_html_is_self_contained_and_runs_only_its_own_script(bundle, taxonomy):
    html = page(bundle, taxonomy)
    elements = parse(html)
    for tag, attrs in elements.tags:
        assert tag != "link", "no external stylesheet"
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:")), f"<{tag} {name}={value}>"
    csp = next(a["content"] for t, a in elements.tags if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    digest = base64.b64encode(hashlib.sha256(elements.scripts[1].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_html_card_shows_route_evidence_findings_duplicates_and_scores(scored_bundle, taxonomy):
    html = page(scored_bundle, taxonomy)
    card = html.split('id="card-S0000000003"', 1)[1].split("</article>", 1)[0]
    assert "智慧水利" in card and "99.0%" in card  # top-3 probabilities
    assert "小型水库及山塘AI智能巡查场景" in card and "轻度改写" in card  # the pair
    assert "辖区共有小型水库46座（本）" in card and "辖区共有小型水库46座（对方）" in card  # side by side
    assert "dc-0000000000ab" in card and "疑似原始" in card  # the cluster
    assert "合规性指标甲" in card and "依据申报文本中的关键表述" in card  # indicators with their evidence
    indicators = card.split('class="plain indicators"', 1)[1]
    assert "<mark>" in indicators  # the words the indicator matched, highlighted in its evidence
    s4 = html.split('id="card-S0000000004"', 1)[1].split("</article>", 1)[0]
    assert "2025-1" in s4 and "往届已入选场景再次申报" in s4 and "已扣减 5.0 分" in s4
    s1 = html.split('id="card-S0000000001"', 1)[1].split("</article>", 1)[0]
    assert "<mark>匹配</mark>" in s1  # evidence terms highlighted in the passages
    assert "summary_too_long" in s1 and "场景说明超过100字" in s1
    assert "仅供参考" in html and "不构成评审结论" in html


def test_html_without_scores_says_unscored(bundle, taxonomy):
    html = page(bundle, taxonomy)
    assert "未评分：本轮尚无预评分结果" in html
    assert html.count('<p class="unscored">未评分</p>') == len(bundle.submissions)


def test_html_masks_personal_numbers_unless_show_pii(bundle, taxonomy):
    masked = page(bundle, taxonomy)
    assert "13905733321" not in masked and "330481198806150028" not in masked and "139****3321" in masked
    shown = page(bundle, taxonomy, show_pii=True)
    assert "13905733321" in shown and "未对手机号、座机号和身份证号脱敏" in shown


def test_html_empty_batch_renders(taxonomy):
    from pipeline.bundle import RunBundle

    html = render_html(bundle_to_view(RunBundle(submissions=[]), taxonomy, load_settings().report), taxonomy)
    assert "本批次没有申报场景" in html


def test_html_highlight_escapes_text_and_terms():
    out = str(highlight("<b>就业</b>匹配", ["匹配", "<b>"]))
    assert out == "<mark>&lt;b&gt;</mark>就业&lt;/b&gt;<mark>匹配</mark>"


hostile_text = st.text(alphabet=st.sampled_from(list("<>&\"'/=!- abcirpstgmlonerf加粗\u2028")), min_size=1, max_size=40)


@settings(max_examples=30, deadline=None)
@given(name=hostile_text, field=hostile_text, label=hostile_text)
def test_html_no_submission_text_adds_an_element(taxonomy, name, field, label):
    """Whatever a submission says, the page has the same elements as with plain text."""

    def with_text(n: str, f: str, lbl: str):
        b = make_bundle(taxonomy)
        b.submissions[0] = b.submissions[0].model_copy(update={"name": n, "fields": {"goals": f, "effects": f}})
        b.dedup = b.dedup.model_copy(update={"clusters": (b.dedup.clusters[0].model_copy(update={"label": (lbl,)}),)})
        return page(b, taxonomy)

    def tags(html: str) -> list[str]:
        return [t for t, _ in parse(html).tags]

    html = with_text(name, field, label)
    assert tags(html) == tags(with_text("名称", "正文", "标签"))
    block = html.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]
    row = next(r for r in json.loads(block)["rows"] if r["id"] == "S0000000001")
    assert name.lower() in row["search"]
