"""The layout in a real browser: keyboard sign-in, the navigation, 375 px without sideways scroll."""
import pytest

pytestmark = pytest.mark.browser


def test_keyboard_sign_in_and_narrow_screen(live_server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(live_server + "/")
    assert page.title().startswith("Home")
    # The body never scrolls sideways on a phone-sized screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail").fill("admin@demo.example")
    page.get_by_label("Password").fill("demo-password-1")
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_server + "/me")
    assert "Signed in as Demo Admin." in page.content()
    page.get_by_role("link", name="Admin", exact=True).click()  # not "Demo Admin (admin)"
    page.wait_for_url("**/admin/members")
    assert page.get_by_role("heading", name="Members").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for area, path in (("Program", "/program/"), ("Candidates", "/candidates/"),
                       ("Scorecards", "/scorecards/"), ("Imports", "/imports/")):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=area).click()
        # Wait for the new page: inspecting mid-navigation finds no document.
        page.wait_for_url(live_server + path)
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), area
