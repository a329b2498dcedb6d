"""End to end in headless Chromium (Debian's, driven over the DevTools pipe): a reviewer signs in,
scores and submits; the commission sees the ranking change."""
from __future__ import annotations


import pytest

from tests.browser import Browser, find_chromium
from .conftest import SCORES, live_server, password_of

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium_path():
    path = find_chromium()
    if path is None:
        pytest.fail("chromium is required for the browser tests (apt-get install chromium; .ci/run installs it)")
    return path


def _sign_in(browser: Browser, base: str, name: str) -> None:
    browser.goto(f"{base}/login")
    browser.fill("#name", name)
    browser.fill("#password", password_of(name))
    browser.click_and_wait("#login-button")


def _sign_out(browser: Browser) -> None:
    browser.click_and_wait("form[action='/logout'] button")


def _water_ranking(browser: Browser, base: str) -> list[tuple[str, str]]:
    browser.goto(f"{base}/commission/ranking")
    return browser.js("""Array.from(document.querySelectorAll("section[data-category='water'] tbody tr"))
        .map(tr => [tr.dataset.id, tr.querySelector('.rank').innerText.trim()])""")


def test_browser_reviewer_scores_and_commission_sees_the_ranking_change(app, clients, chromium_path, tmp_path):
    slt_b = clients["slt_b"]  # another reviewer of the department has scored Sw1 already
    r = slt_b.put("/api/submissions/Sw1/review", json={"scores": {k: 70 for k in SCORES}, "decision": "推荐",
                                                       "action": "submit"}, headers={"X-CSRF-Token": slt_b.csrf})
    assert r.status_code == 200
    with live_server(app) as base, Browser(chromium_path) as browser:
        _sign_in(browser, base, "fgw")
        assert _water_ranking(browser, base)[:2] == [["Sw1", "1"], ["Sw2", "—"]]
        _sign_out(browser)

        _sign_in(browser, base, "slt_a")
        assert browser.js("location.pathname") == "/queue"
        assert browser.js("document.querySelectorAll('#queue tbody tr').length") == 3
        browser.click_and_wait("tr[data-id='Sw2'] a")
        assert browser.js("location.pathname") == "/s/Sw2"
        for condition in SCORES:
            browser.fill(f"#score_{condition}", "95")
        assert browser.text("#live-total") == "95.00"  # the page's own weighted total
        browser.select("#decision", "推荐")
        browser.fill("#comment", "成效数据完整，建议推荐。")
        browser.click_and_wait("#save-draft")
        assert "已保存草稿" in browser.text(".notice")
        browser.click_and_wait("#submit-review")
        assert "评分已提交" in browser.text(".notice")
        browser.goto(f"{base}/queue")
        assert "已提交" in browser.text("tr[data-id='Sw2']")
        browser.goto(f"{base}/commission/ranking")
        assert "无权操作" in browser.text("h1")  # a reviewer does not see the sums before finalization
        _sign_out(browser)

        _sign_in(browser, base, "fgw")
        assert _water_ranking(browser, base)[:2] == [["Sw2", "1"], ["Sw1", "2"]]
        browser.screenshot(tmp_path / "ranking.png", beyond_viewport=True)
        _sign_out(browser)
