"""Steps the browser journeys share (Playwright pages on the demo organization of `live_server`)."""
from tracker.services.demo import DEMO_PASSWORD


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, with the keyboard's Enter, and wait for the home page."""
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(base_url + "/")
