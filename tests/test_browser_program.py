"""A member's whole path on a phone (375 px), in a real browser with JavaScript off: see what needs
them, vote in the open ballot (a yes/no question) and change the vote, keep the receipt, propose a
plank, co-sponsor and discuss another member's proposal, and read the program's history."""
import re

import pytest

from tests.browser_steps import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 800}


def fits(page) -> bool:
    """Nothing sticks out sideways on a phone."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_members_path_on_a_phone_without_javascript(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "member@demo.example")

    page.get_by_role("link", name=re.compile("Demo Member")).click()
    page.wait_for_url("**/me")
    assert page.get_by_role("heading", level=1).inner_text() == "What needs you, Demo Member"
    assert fits(page)
    page.get_by_role("link", name="Add a public bank to the program").click()
    page.wait_for_url("**/ballots/*")
    assert fits(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Cast my vote").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Your vote is recorded"
    first = page.locator("#receipt").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", first)
    assert fits(page)
    page.get_by_role("link", name="back to the ballot").click()
    assert page.get_by_label("No", exact=True).is_checked()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Change my vote").click()
    page.wait_for_load_state()
    second = page.locator("#receipt").inner_text()
    assert second != first and "Add the plank" in page.content() and "<strong>yes</strong>" in page.content()
    assert "Results" not in page.content()  # nothing is counted before the close

    page.goto(live_server + "/me")
    assert "Add a public bank to the program" not in page.content()  # voted: no longer waiting
    page.get_by_role("link", name=re.compile("A fund for tenant-owned housing co-operatives")).click()
    page.get_by_role("button", name="Co-sponsor this proposal").click()
    page.wait_for_load_state()
    assert "You co-sponsor this proposal." in page.content() and "Co-sponsors: 2 of 3" in page.content()
    page.get_by_label(re.compile("Your message")).fill("Count me in: **tenants first**.")
    page.get_by_role("button", name="Post a message").click()
    page.wait_for_load_state()
    assert "<strong>tenants first</strong>" in page.content()
    assert fits(page)

    page.goto(live_server + "/program/proposals/new")
    page.get_by_label("A new plank").check()
    page.get_by_label("Title").fill("Heat pumps for every public school")
    page.get_by_label("Category (e.g. Housing)").fill("Environment")
    page.get_by_label("Text", exact=True).fill("Replace the gas boilers of every public school by 2030.")
    page.get_by_label("Why (rationale)").fill("Cleaner air where our children learn.")
    page.get_by_role("button", name="Propose").click()
    page.wait_for_load_state()
    assert "Your proposal is open" in page.content()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Heat pumps for every public school")
    assert fits(page)

    page.goto(live_server + "/program/")
    assert "Program version" not in page.get_by_role("heading", level=1).inner_text()
    assert fits(page)
    page.get_by_role("link", name="what changed since version 1").click()
    page.wait_for_load_state()
    assert "Right to counsel for tenants" in page.content() and "<del>$25</del><ins>$30</ins>" in page.content()
    assert fits(page)
    context.close()


def test_the_results_of_the_convention_are_published_with_the_schulze_tables(live_server, browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "member@demo.example")
    page.goto(live_server + "/ballots/")
    page.get_by_role("link", name="2025 program convention").click()
    page.wait_for_load_state()
    assert "Results: 2025 program convention" in page.content()
    assert "Winner: Proposal #1: A $30 city minimum wage by 2028" in page.content()
    assert page.get_by_role("table", name=re.compile("d\\[X, Y\\]")).count() == 1
    # The tables scroll inside their own box on a phone; the page itself does not.
    assert fits(page)
    context.close()
