"""A real browser, the committee's path through a season: add a candidate, send the questionnaire,
the candidate answers it on a phone (saves, comes back, submits), the committee reads the vetting
report and decides by ballot, issues the pledge, the candidate signs; then a voter on a phone
finds the slate and verifies the pledge's fingerprint."""
import hashlib
import re
import sqlite3

import pytest

from tests.browser_steps import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 800}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_season_from_questionnaire_to_a_verified_pledge(live_server, browser, tmp_path):
    committee = browser.new_context()
    page = committee.new_page()
    sign_in(page, live_server, "committee@demo.example")
    page.goto(live_server + "/candidates/")
    page.get_by_role("link", name="Add a candidate").click()
    page.get_by_label("Or a new person: full name").fill("Jordan Reyes")
    page.get_by_label("Election", exact=True).fill("2027 Harbor City special election")
    page.get_by_label("Office sought").fill("City Council")
    page.get_by_label("Runs independent of corporate-funded parties").check()
    page.get_by_role("button", name="Add the candidate").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Jordan Reyes"
    page.get_by_role("button", name="Make the questionnaire link").click()
    page.wait_for_load_state()
    link = page.get_by_label("Questionnaire link").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/candidates/questionnaire/[\w-]{40,}", link)

    candidate = browser.new_context(viewport=PHONE)  # no account, a phone
    phone = candidate.new_page()
    phone.goto(link)
    assert phone.get_by_role("heading", level=1).inner_text() == "Questionnaire for Jordan Reyes"
    assert fits(phone)
    first_plank = phone.locator("fieldset.question").first
    first_plank.get_by_label("Support").check()
    first_plank.get_by_label("Comment (optional)").fill("My first vote in office.")
    phone.get_by_role("button", name="Save and come back later").click()
    phone.wait_for_load_state()
    phone.goto(link)  # comes back later: the saved answer is there
    assert phone.locator("fieldset.question").first.get_by_label("Support").is_checked()
    for fieldset in phone.locator("fieldset.question").all()[1:-1]:
        choice = fieldset.get_by_label("Support")
        (choice if choice.count() else fieldset.get_by_label("Yes")).check()
    phone.get_by_label("Your full name (to submit)").fill("Jordan Reyes")
    phone.get_by_role("button", name="Submit my answers (final)").click()
    phone.wait_for_load_state()
    assert "Thank you, Jordan Reyes" in phone.content()
    phone.goto(link)
    assert "This link cannot be used" in phone.content()  # submitted: final

    page.goto(live_server + "/candidates/")
    page.get_by_role("link", name="vetting report").last.click()
    page.wait_for_load_state()
    assert "Vetting report: Jordan Reyes" in page.content() and "My first vote in office." in page.content()

    page.goto(live_server + "/ballots/new")
    page.get_by_label("Title").fill("Endorsement: special election")
    page.get_by_label("Jordan Reyes").check()
    page.get_by_role("button", name="Open the ballot").click()
    page.wait_for_load_state()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_load_state()
    ballot_url = page.url.split("/vote")[0]
    admin = browser.new_context()
    other = admin.new_page()
    sign_in(other, live_server, "admin@demo.example")
    other.goto(ballot_url)
    other.get_by_label("Yes", exact=True).check()
    other.get_by_role("button", name="Cast my vote").click()
    other.wait_for_load_state()
    # A week passes: the ballot's closing time is moved to the past, and the next look closes it.
    with sqlite3.connect(tmp_path / "live.db") as database:
        database.execute("UPDATE ballot SET opens_at = datetime('now', '-8 days'), closes_at = datetime('now', '-1 minutes') "
                         "WHERE title = 'Endorsement: special election'")
    page.goto(ballot_url)
    assert "Results: Endorsement: special election" in page.content() and "Passed" in page.content()

    page.goto(live_server + "/candidates/pledges/new")
    page.get_by_label("Candidate", exact=True).select_option(label="Jordan Reyes")
    page.get_by_role("button", name="Issue the pledge").click()
    page.wait_for_load_state()
    signing = page.get_by_label("Signing link").input_value()
    phone.goto(signing)
    phone.get_by_label("Your full name").fill("Jordan Reyes")
    phone.get_by_label("I have read the text above and I sign it").check()
    phone.get_by_role("button", name="Sign the pledge").click()
    phone.wait_for_load_state()
    assert "your pledge is signed" in phone.content()

    voter = browser.new_context(viewport=PHONE)  # a voter, no account, on a phone
    reader = voter.new_page()
    reader.goto(live_server + "/candidates/")
    reader.get_by_role("link", name="2027 Harbor City special election").first.click()
    reader.wait_for_load_state()
    assert fits(reader)
    assert "Jordan Reyes" in reader.content()
    shown = re.search(r"SHA-256 <code>([0-9a-f]{64})</code>", reader.content()).group(1)
    reader.get_by_role("link", name="signed").click()
    reader.wait_for_load_state()
    assert fits(reader) and shown in reader.content()
    text_url = reader.get_by_role("link", name="download the exact text").get_attribute("href")
    downloaded = reader.request.get(live_server + text_url).body()
    assert hashlib.sha256(downloaded).hexdigest() == shown
    for context in (committee, candidate, admin, voter):
        context.close()


# Printable widths at 96 px per inch: A4 (210 mm) and Letter (8.5 in) less the report's margins (2 x 14 mm).
PRINT_WIDTHS = {"A4": round((210 - 28) / 25.4 * 96), "Letter": round((8.5 * 25.4 - 28) / 25.4 * 96)}


@pytest.mark.parametrize("paper", sorted(PRINT_WIDTHS))
def test_the_vetting_report_prints_within_the_page(live_server, browser, paper):
    context = browser.new_context(viewport={"width": PRINT_WIDTHS[paper], "height": 1000})
    page = context.new_page()
    sign_in(page, live_server, "committee@demo.example")
    page.goto(live_server + "/candidates/elections/2026-harbor-city-council")
    page.get_by_role("link", name="Grace Liu").click()  # withdrawn: her report has every section
    page.get_by_role("link", name="Open the vetting report").click()
    page.wait_for_load_state()
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= PRINT_WIDTHS[paper]
    assert not page.locator(".site-header").is_visible()
    assert page.pdf(format=paper)[:5] == b"%PDF-"
    context.close()
