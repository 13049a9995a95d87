"""The Content-Security-Policy in a real browser: the demo's main pages load without a single
violation, and the plotly charts are still drawn (plotly made its SVG, styled by vendor/plotly.css)."""
from pathlib import Path

import pytest

from tests.browser_steps import plotly_injected_css, sign_in

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "static"

# Every violation the page sees, whatever its source (a console message may be worded differently).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__violations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' +
                           e.sourceFile + ':' + e.lineNumber);
});
"""


def watched_page(browser):
    page = browser.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return page, messages


def assert_no_violations(page, messages, what):
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # plotly draws after load; a violation it caused is reported by then
    violations = page.evaluate("window.__violations")
    csp_messages = [m for m in messages if "Content Security Policy" in m or "page error" in m]
    assert not violations and not csp_messages, f"{what}: {violations} {csp_messages}"


def assert_charts_drawn(page, what):
    """Every [data-chart] box holds plotly's SVG with its bars or points, styled by vendor/plotly.css;
    hover labels work, without a mode bar."""
    charts = page.locator("[data-chart]")
    assert charts.count() >= 1, f"{what} has no chart"
    page.wait_for_function("document.querySelectorAll('[data-chart] svg.main-svg').length > 0")
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("svg.main-svg").count() >= 1, f"{what}: chart {index} was not drawn"
        # plotly's own rules (vendor/plotly.css) apply: its layers are stacked, not laid out in a row.
        assert chart.locator("svg.main-svg").first.evaluate("e => getComputedStyle(e).position") == "absolute"
        assert chart.locator(".bars path, .scatterlayer path").count() >= 1, f"{what}: chart {index} is empty"
        # The hover label a pointer on the first bar or point would show is drawn too.
        chart.evaluate("e => Plotly.Fx.hover(e, [{curveNumber: 0, pointNumber: 0}])")
        chart.locator(".hoverlayer .hovertext").first.wait_for()
        # No mode bar, and nothing in the chart takes keyboard focus (the table beside it is the
        # accessible version; tests/test_browser_accessibility.py runs axe on these pages).
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert chart.locator(".modebar-btn").count() == 0
        assert chart.locator("a[href], button, input, [tabindex]:not([tabindex='-1'])").count() == 0


def test_main_pages_load_without_policy_violations_and_draw_charts(live_server, browser):
    page, messages = watched_page(browser)
    response = page.goto(live_server + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert_no_violations(page, messages, "home")

    page.goto(live_server + "/scorecards/")
    assert_no_violations(page, messages, "scorecards index")
    official = page.locator("table.scorecard-index a").first.get_attribute("href")

    page.goto(live_server + official)
    assert_charts_drawn(page, "official page")
    page.set_viewport_size({"width": 500, "height": 800})  # responsive charts redraw
    assert_no_violations(page, messages, "official page")

    page.get_by_role("link", name="Every contribution, with its filing line").click()
    page.wait_for_url("**/money/people/*")
    assert_charts_drawn(page, "money page")
    assert_no_violations(page, messages, "money page")

    for path in ("/program/", "/candidates/", "/money/classification", "/login"):
        page.goto(live_server + path)
        assert_no_violations(page, messages, path)

    sign_in(page, live_server, "admin@demo.example")
    assert_no_violations(page, messages, "home, signed in")
    for path in ("/imports/upload", "/imports/", "/admin/members", "/account/password"):
        page.goto(live_server + path)
        assert_no_violations(page, messages, path)


def test_plotly_css_holds_the_rules_plotly_would_inject(browser):
    expected = plotly_injected_css(browser, STATIC / "vendor" / "plotly.min.js")
    assert (STATIC / "vendor" / "plotly.css").read_text() == expected, (
        "static/vendor/plotly.css differs from what this plotly.min.js injects: write "
        "tests.browser_steps.plotly_injected_css() to it")
