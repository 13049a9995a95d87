"""A real browser (Playwright + Debian's chromium) against a live server on the demo database:
home -> official -> evidence in two clicks, and no horizontal scrolling at 375 px."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tracker.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_demo(make_app):
    """The demo organization served by werkzeug in a thread; yields the base URL."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install chromium for the browser test")
        pytest.skip(f"{CHROMIUM} is not installed")
    app = make_app(SERVER_NAME=None)
    with app.app_context():
        from tracker.services import demo
        demo.build()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_home_to_evidence_in_two_clicks(live_demo, browser):
    page = browser.new_page()
    page.goto(live_demo + "/")
    # Click 1: an official listed on the home page.
    page.get_by_role("link", name="Ana Morales").first.click()
    page.wait_for_url("**/scorecards/people/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Ana Morales"
    assert page.locator("details.how").first.get_attribute("open") is not None  # the overall how-box is open
    evidence = page.locator("table.roll-calls a.evidence")
    assert evidence.count() > 10
    assert evidence.first.get_attribute("href").startswith("https://harborcity.example/council/votes/")
    # Click 2: a counted roll call, with its positions and the link to the public record.
    page.locator("table.roll-calls tbody tr td:nth-child(2) a").first.click()
    page.wait_for_url("**/scorecards/roll-calls/*")
    assert page.locator("a.evidence").first.get_attribute("href").startswith("https://harborcity.example/")
    assert page.get_by_role("table", name="How each member voted").is_visible()


def test_official_page_fits_a_375px_screen(live_demo, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(live_demo + "/scorecards/")
    href = page.locator("table.scorecard-index a").first.get_attribute("href")
    for path in ("/", "/scorecards/", href):
        page.goto(live_demo + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        culprits = page.evaluate("""[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px: {culprits}"
    # The plotly chart is drawn from the local vendor copy (charts are a plus: the tables are the truth).
    page.wait_for_selector(".chart .plot-container", timeout=15000)
