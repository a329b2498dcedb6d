"""The report in a real browser: headless Chromium sorts, filters, opens cards, runs nothing hostile."""
from __future__ import annotations

import json

import pytest

from pipeline.report import write_report

from tests.browser import Browser, find_chromium

CHROMIUM = find_chromium()


def visible_ids(b: Browser) -> list[str]:
    return b.js("Array.from(document.querySelectorAll('#subs tbody tr')).filter(r => !r.hidden)"
                ".map(r => r.dataset.id)")


def select(b: Browser, selector: str, value: str) -> None:
    """Choose an option as a person would (the native drop-down itself cannot be driven headless)."""
    b.js(f"(() => {{ const s = document.querySelector({json.dumps(selector)}); s.value = {json.dumps(value)};"
         f" s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")


@pytest.fixture
def page(scored_bundle, settings, taxonomy, tmp_path):
    if CHROMIUM is None:
        pytest.fail("Chromium is needed for the browser test: apt-get install chromium (.ci/run installs it)")
    written = write_report(scored_bundle, tmp_path, settings, taxonomy)
    with Browser(CHROMIUM, width=1400, height=1000) as b:
        b.goto(written["report.html"].as_uri())
        yield b


def test_browser_report_sorts_filters_and_opens_cards_safely(page, scored_bundle, tmp_path):
    b = page
    totals = {s.submission_id: s.total for s in scored_bundle.scores}
    all_ids = [s.id for s in scored_bundle.submissions]

    # Nothing hostile ran while loading: no alert, no injected script, image or global.
    assert b.dialogs() == []
    assert b.js("document.querySelectorAll('script').length") == 2  # the JSON block and the page's own script
    assert b.js("document.querySelectorAll('img').length") == 0
    assert b.js("typeof window.__pwned") == "undefined"
    assert sorted(visible_ids(b)) == sorted(all_ids)
    assert b.js("document.getElementById('f-count').textContent") == "显示 6 / 6 条"

    # Sort by pre-score: first click high to low, second click low to high.
    b.click("#subs th:nth-child(9)")
    assert b.js("document.querySelector('#subs th:nth-child(9)').getAttribute('aria-sort')") == "descending"
    order = visible_ids(b)
    assert [totals[i] for i in order] == sorted(totals.values(), reverse=True)
    b.click("#subs th:nth-child(9)")
    assert [totals[i] for i in visible_ids(b)] == sorted(totals.values())
    # Sort by name (text column).
    b.click("#subs th:nth-child(2)")
    names = b.js("Array.from(document.querySelectorAll('#subs tbody tr td.name')).map(td => td.textContent.trim())")
    collated = b.js(f"{json.dumps(names)}.sort(new Intl.Collator('zh-Hans-CN').compare)")
    assert names == collated and len(names) == 6
    assert b.js("document.querySelector('#subs th:nth-child(2)').getAttribute('aria-sort')") == "ascending"

    # Filter by department, by flag, by sub-area and by text (names and the full text of the cards).
    select(b, "#f-unit", "省水利厅")
    assert sorted(visible_ids(b)) == ["S0000000003", "S0000000004", "S0000000005"]
    assert b.js("document.getElementById('f-count').textContent") == "显示 3 / 6 条"
    select(b, "#f-flag", "疑似重复")
    assert sorted(visible_ids(b)) == ["S0000000003", "S0000000004"]
    b.click("#f-reset")
    assert len(visible_ids(b)) == 6
    select(b, "#f-sub", "就业服务")
    assert visible_ids(b) == ["S0000000001"]
    b.click("#f-reset")
    b.type_text("#f-text", "零工")
    assert visible_ids(b) == ["S0000000001"]
    b.click("#f-reset")
    b.type_text("#f-text", "渗压监测")  # only in the goals text, shown on the cards
    assert sorted(visible_ids(b)) == ["S0000000003", "S0000000004"]
    b.click("#f-reset")

    # Open the hostile submission's card by clicking its row.
    b.click('#subs tr[data-id="S0000000001"] td:nth-child(3)')
    assert b.js("location.hash") == "#card-S0000000001"
    card = "document.getElementById('card-S0000000001')"
    assert b.js(f"getComputedStyle({card}).display") == "block"
    text = b.js(f"{card}.textContent")
    assert "<script>alert('x')</script>" in text and "<b>加粗</b>" in text
    assert '=HYPERLINK("http://evil.example","点击")' in text
    assert "</script><script>window.__pwned=1</script>" in text
    tags = b.js(f"Array.from({card}.querySelectorAll('.texts *')).map(e => e.tagName)")
    assert set(tags) == {"H3", "H4", "DIV"}  # the fields' text made no element of its own
    assert b.js(f"Array.from({card}.querySelectorAll('b')).filter(e => e.textContent === '加粗').length") == 0
    assert "总分" in text and "合规性指标甲" in text  # the score section with its indicators
    assert "就业服务" in text and "93.0%" in text  # declared vs predicted, top-3 probabilities
    b.screenshot(tmp_path / "report-card-hostile.png")

    # The card with personal numbers shows them masked; a duplicate card shows both passages.
    b.js("location.hash = 'card-S0000000002'")
    text = b.js("document.getElementById('card-S0000000002').textContent")
    assert "139****3321" in text and "13905733321" not in text and "330481198806150028" not in text
    b.js("location.hash = 'card-S0000000003'")
    pair = b.js("Array.from(document.querySelectorAll('#card-S0000000003 table.side td')).map(td => td.textContent)")
    assert any("（本）" in t for t in pair) and any("（对方）" in t for t in pair)
    b.js("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}))")
    assert b.js("location.hash") == "#list"
    assert b.js("getComputedStyle(document.getElementById('card-S0000000003')).display") == "none"

    shot = b.screenshot(tmp_path / "report-overview.png")
    assert shot.stat().st_size > 10_000
    assert b.dialogs() == [] and b.js("typeof window.__pwned") == "undefined"
