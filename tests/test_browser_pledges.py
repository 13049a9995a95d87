"""A real browser: the committee issues a pledge, the candidate signs it through the link on a
phone-sized screen, and the public page shows the signature and the text's SHA-256."""
import re

import pytest

from tests.browser_steps import sign_in

pytestmark = pytest.mark.browser


def test_issue_then_sign_on_a_phone(live_server, browser):
    committee = browser.new_context()
    page = committee.new_page()
    sign_in(page, live_server, "committee@demo.example")
    page.goto(live_server + "/candidates/")
    page.get_by_role("link", name="Issue a pledge").click()
    page.wait_for_url("**/candidates/pledges/new")
    page.get_by_label("Candidate", exact=True).select_option(label="Naomi Fischer")
    page.get_by_role("button", name="Issue the pledge").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Pledge issued to Naomi Fischer"
    link = page.get_by_label("Signing link").input_value()
    assert re.fullmatch(re.escape(live_server) + r"/candidates/sign/[\w-]{40,}", link)

    candidate = browser.new_context(viewport={"width": 375, "height": 800})  # no account, a phone
    phone = candidate.new_page()
    phone.goto(link)
    assert phone.get_by_role("heading", level=1).inner_text() == "Your pledge, Naomi Fischer"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_label("Your full name").fill("Naomi Fischer")
    phone.get_by_label("I have read the text above and I sign it").check()
    phone.get_by_role("button", name="Sign the pledge").click()
    phone.wait_for_url("**/candidates/pledges/*")
    phone.wait_for_load_state()
    body = phone.content()
    assert "your pledge is signed" in body and "signed by <strong>Naomi Fischer</strong>" in body
    assert re.search(r"<code>[0-9a-f]{64}</code>", body)
    phone.goto(link)
    assert "already been signed" in phone.content()
    committee.close()
    candidate.close()
