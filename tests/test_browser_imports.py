"""A real browser: an admin uploads the real House roll call, sees the preview, watches it import,
and links a voter the demo roster does not know from the review queue."""
import re

import pytest

from tests.browser_steps import sign_in

pytestmark = pytest.mark.browser

HOUSE_XML = "house-clerk-rollcall-xml/roll240_2025.xml"


def test_upload_preview_import_then_resolve_a_voter(live_server, browser, realdata):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, "admin@demo.example")

    page.goto(live_server + "/imports/upload")
    page.get_by_label("What the file holds").select_option("votes")
    page.get_by_label("File", exact=True).set_input_files(str(realdata / HOUSE_XML))
    page.get_by_role("button", name=re.compile("Upload|Preview")).click()
    page.wait_for_load_state()
    assert "Nothing has been written yet" in page.content()
    assert page.locator("strong", has_text="U.S. House Clerk roll-call XML").count() == 1
    preview = page.get_by_role("table", name="What importing this file would do")
    voters_to_review = int(preview.get_by_role("row", name=re.compile("Voters to review")).locator("td").inner_text())
    assert voters_to_review > 400  # the demo roster holds a city council, not the House

    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    page.get_by_text("succeeded").first.wait_for(timeout=30_000)  # the progress script reloads when done
    counts = page.get_by_role("table", name="Counts")
    assert counts.get_by_role("row", name=re.compile("Voters waiting for review")).locator("td").inner_text().startswith(
        str(voters_to_review))

    page.get_by_role("link", name="review queue").click()
    page.wait_for_load_state()
    caption = page.locator("caption").first.inner_text()
    waiting = int(caption.split()[0])
    assert waiting == voters_to_review
    first_row = page.locator("tbody tr").first
    name = first_row.locator("td").first.inner_text()
    first_row.get_by_role("button", name="Create").click()
    page.wait_for_load_state()
    assert page.locator("caption").first.inner_text().startswith(f"{waiting - 1} voters waiting")
    assert name not in [cell.inner_text() for cell in page.locator("tbody tr td:first-child").all()]
    context.close()
