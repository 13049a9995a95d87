"""A voter in a real browser (the demo organization): on a phone, finds an official by search, sees
the score, the pledge status and the money flags together on the first screen, and checks the
pledge's text against its SHA-256 in the browser (Web Crypto, under the site's Content-Security-Policy)."""
import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}


def _on_first_screen(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def _check(page, text: str) -> str:
    page.get_by_label("Text to check").fill(text)
    page.get_by_role("button", name="Check", exact=True).click()
    status = page.get_by_role("status").filter(has_text="match")
    status.wait_for()
    return status.inner_text()


def test_a_voter_on_a_phone_finds_an_official_sees_the_record_and_verifies_the_pledge(live_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors = []
    # Console errors (a script or style the Content-Security-Policy refused), but not the favicon
    # the browser asks for on its own (the site has none).
    page.on("console", lambda message: errors.append((message.text, message.location.get("url")))
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.goto(live_server + "/")
    search = page.get_by_label("Search officials and planks")
    assert _on_first_screen(page, search)
    search.fill("brooks")
    search.press("Enter")
    page.wait_for_url("**/search?q=brooks")
    page.get_by_role("link", name="Darnell Brooks").click()
    page.wait_for_url("**/scorecards/people/*")
    page.wait_for_load_state()

    # The demo's Darnell Brooks: 97, a pledge broken by two published violations, $750 of business money.
    summary = page.locator(".score-summary .glance")
    for part, text in [(".big-score", "97"), (".status", "Pledge broken"),
                       (".status-broken", "2 receipts breaking the pledge"), (".flag-corporate", "$750.00 corporate money")]:
        item = summary.locator(part).filter(has_text=text).first
        assert item.inner_text().strip() == text
        assert _on_first_screen(page, item), f"{text!r} is below the first screen"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # From the scorecard to the pledge, and its text checked in the browser.
    page.get_by_role("link", name="check it against the text").click()
    page.wait_for_url("**/candidates/pledges/*#verify")
    text_url = page.get_by_role("link", name="download the exact text").get_attribute("href")
    signed_text = page.request.get(live_server + text_url).text()
    assert _check(page, signed_text) == "The text matches: it is exactly the text that was signed."
    assert _check(page, signed_text.replace("no corporate money", "no corporate mone")).startswith(
        "The text does not match")
    assert page.locator("#verify").get_by_text("sha256sum pledge-").is_visible()  # the command line, as another way
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not errors, errors  # no script refused by the Content-Security-Policy
    context.close()


def test_verifying_an_uploaded_file_on_a_desktop(live_server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(live_server + "/candidates/pledges/")
    page.get_by_role("link", name="Grace Liu").first.click()
    page.wait_for_load_state()
    text_url = page.get_by_role("link", name="download the exact text").get_attribute("href")
    signed = page.request.get(live_server + text_url).body()
    exact, altered = tmp_path / "pledge.txt", tmp_path / "altered.txt"
    exact.write_bytes(signed)
    altered.write_bytes(signed.replace(b"pledge", b"p1edge", 1))
    status = page.get_by_role("status").filter(has_text="match")
    page.get_by_label("Or a file to check").set_input_files(str(exact))
    status.wait_for()
    assert status.inner_text() == "The file matches: it is exactly the text that was signed."
    page.get_by_label("Or a file to check").set_input_files(str(altered))
    page.get_by_text("The file does not match").wait_for()
    # Pasted without its final line break (as copying often does): said so, not "matches".
    assert _check(page, signed.decode("utf-8").rstrip("\n")).startswith(
        "The text does not match exactly, but only the line break at its very end differs")
    page.close()


def _official_page(browser, live_server, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(live_server + "/search?q=Darnell")
    page.get_by_role("link", name="Darnell Brooks").click()
    page.wait_for_url("**/scorecards/people/*")
    page.locator("[data-chart='chart-planks'] .main-svg").first.wait_for()
    return page


def test_on_a_phone_the_chart_has_no_toolbar_and_every_vote_is_in_sight(live_server, browser):
    page = _official_page(browser, live_server, 375)
    chart = page.locator("[data-chart='chart-planks']")
    chart.click()  # a tap: plotly would show its toolbar, over the title, if it had one
    assert page.locator("[data-chart='chart-planks'] .modebar").count() == 0
    # The roll-call table stacks into cards: each row's vote is labelled and on the screen's width.
    first_row = page.locator("table.roll-calls tbody tr").first
    their_vote = first_row.locator("td[data-label='Their vote']")
    box = their_vote.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert their_vote.evaluate("e => getComputedStyle(e, '::before').content") == '"Their vote"'
    assert their_vote.inner_text().strip() in ("yes", "no", "abstain", "absent", "not voting", "present")
    flags = page.locator("#pledge-h ~ .table-wrap table tbody tr").first.locator("td[data-label='Why']")
    box = flags.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and "The donor is" in flags.inner_text()
    note = page.locator(".chart-note").first
    assert note.inner_text().startswith("Not in the chart: 9 planks with fewer than 4 counted roll calls")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()


def test_on_a_desktop_the_roll_call_table_is_a_table(live_server, browser):
    page = _official_page(browser, live_server, 1280)
    header = page.locator("table.roll-calls thead th", has_text="Their vote")
    assert header.is_visible()
    cell = page.locator("table.roll-calls tbody tr").first.locator("td[data-label='Their vote']")
    assert cell.evaluate("e => getComputedStyle(e).display") == "table-cell"
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == "none"
    page.close()
