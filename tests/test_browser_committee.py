"""A committee member's path in a real browser: sign in to their own page, import a council's roll
call (a small CSV the clerk filed with one member under a new name), read the preview in words,
import it, link the unmatched voter from the review queue after confirming, align the roll call
to a plank, and find the vote on the person's scorecard. And a plain member's own page."""
import re
from pathlib import Path

import pytest

from tests.browser_steps import sign_in

pytestmark = pytest.mark.browser
COUNCIL_CSV = Path(__file__).parent / "fixtures" / "council_csv" / "harbor_city_2026-03-03.csv"


def main_nav(page) -> list[str]:
    return [link.inner_text() for link in page.get_by_role("navigation", name="Main").get_by_role("link").all()]


def test_committee_imports_a_roll_call_through_to_a_linked_persons_scorecard(live_server, browser):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, "committee@demo.example")
    assert page.get_by_role("heading", level=1).inner_text() == "What needs you, Demo Committee"
    assert page.get_by_role("heading", name="Alignments to review").is_visible()
    assert page.locator("section[aria-labelledby=alignments-title] li").count() >= 1  # the demo's proposals
    assert "Imports" in main_nav(page) and "Admin" not in main_nav(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Imports").click()
    page.get_by_role("link", name="Upload a file").click()
    page.get_by_label("What the file holds").select_option("votes")
    page.get_by_label("File", exact=True).set_input_files(str(COUNCIL_CSV))
    page.get_by_role("button", name=re.compile("Upload|Preview")).click()
    page.wait_for_load_state()
    assert page.locator("strong", has_text="Generic roll-call CSV").count() == 1
    reached = " ".join(page.locator("#reached").inner_text().split())
    assert reached.startswith("6 of the votes in this file are by 6 people on file: ")
    assert "Ana Morales (1)" in reached and "Naomi Fischer" not in reached
    assert "1 voter matched no one and will wait in the review queue." in reached
    assert "voter_name" not in page.content() and '<th scope="col">Vote as filed</th>' in page.content()

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    page.get_by_text("succeeded").first.wait_for(timeout=30_000)
    page.get_by_role("link", name="review queue").click()
    page.wait_for_load_state()
    assert page.locator("caption").first.inner_text() == "1 voter waiting"

    page.get_by_label("Find a person to link by name").fill("Fischer")
    page.locator("#content").get_by_role("button", name="Search").click()  # the header has a search box too
    page.wait_for_load_state()
    person_select = page.get_by_label("Person for Councilmember Fischer-Ruiz", exact=True)
    assert person_select.input_value() == ""  # nobody is pre-selected
    person_select.select_option(label="Naomi Fischer (Nonpartisan)")
    page.get_by_role("button", name="Link…").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Link voter Councilmember Fischer-Ruiz to Naomi Fischer?"
    assert "Harbor City Council" in page.content()
    page.get_by_role("button", name="Yes, link Councilmember Fischer-Ruiz to Naomi Fischer").click()
    page.wait_for_load_state()
    assert "Councilmember Fischer-Ruiz is now Naomi Fischer: 1 vote attached." in page.content()
    assert page.get_by_role("button", name="Undo this link").is_visible()
    assert page.get_by_role("heading", name="No voters waiting").is_visible()

    # The roll call counts once it is aligned to a plank: propose, then approve as the committee.
    page.goto(live_server + "/scorecards/roll-calls/unreviewed")
    page.get_by_role("link", name="Tenant right to counsel ordinance").click()
    page.wait_for_load_state()
    page.get_by_label("Plank", exact=True).select_option(index=0)
    page.get_by_role("radio", name="Yes keeps the plank").check()
    page.get_by_label("Rationale", exact=True).fill("Counsel for tenants keeps people housed.")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()
    assert "Alignment approved. Scores were recomputed." in page.content()

    # The vote as filed now links to the person it belongs to.
    page.get_by_role("link", name="Councilmember Fischer-Ruiz").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Naomi Fischer"
    row = page.locator("table.roll-calls tbody tr", has_text="Tenant right to counsel ordinance")
    assert row.count() == 1 and "yes" in row.inner_text().lower()
    context.close()


def test_a_members_own_page_is_where_sign_in_lands(live_server, browser):
    page = browser.new_page()
    sign_in(page, live_server, "member@demo.example")
    assert page.url == live_server + "/me"
    assert page.get_by_role("heading", level=1).inner_text() == "What needs you, Demo Member"
    for section in ("Ballots waiting for your vote", "Proposals looking for co-sponsors", "Discussions you took part in"):
        assert page.get_by_role("heading", name=section).is_visible()
    assert page.get_by_role("heading", name="Alignments to review").count() == 0
    assert main_nav(page) == ["Program", "Ballots", "Candidates", "Scorecards"]
    # A link that needs sign-in brings the member back to it, not to their page.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert main_nav(page) == ["Program", "Candidates", "Scorecards"]
    page.goto(live_server + "/program/proposals/")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    page.get_by_label("E-mail").fill("member@demo.example")
    page.get_by_label("Password").fill("demo-password-1")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server + "/program/proposals/")
    page.close()
