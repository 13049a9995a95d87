"""Steps the browser journeys share (Playwright pages on the demo organization of `live_server`)."""
from tracker.services.demo import DEMO_PASSWORD


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, with the keyboard's Enter, and wait for the member's own page (what needs them)."""
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(base_url + "/me")


PLOTLY_CSS_HEADER = """/* The style rules plotly.js would inject in a <style> element, which the Content-Security-Policy
   refuses; templates/_macros.html plotly_styles() links this file under plotly's own element id.
   Made from static/vendor/plotly.min.js by tests/browser_steps.py plotly_injected_css(), and
   checked against it by tests/test_browser_csp.py: after upgrading plotly, write that function's
   result here. */
"""


def plotly_injected_css(browser, plotly_js) -> str:
    """The rules plotly.min.js injects into its global <style> element, in the order the browser
    applies them, as the text of static/vendor/plotly.css (a page without any policy draws a chart)."""
    page = browser.new_page()
    try:
        page.set_content('<!doctype html><html><head></head><body><div id="chart"></div></body></html>')
        page.add_script_tag(path=str(plotly_js))
        page.evaluate("Plotly.newPlot('chart', [{type: 'bar', x: ['a'], y: [1]}], {})")
        rules = page.evaluate("""[...document.getElementById('plotly.js-style-global').sheet.cssRules]
                                 .map(rule => rule.cssText)""")
    finally:
        page.close()
    return PLOTLY_CSS_HEADER + "\n".join(rules) + "\n"
