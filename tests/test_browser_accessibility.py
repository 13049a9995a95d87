"""axe-core on every main page of the demo organization, at 1280 and 375 px: no serious or critical
violation. Each page at each width is its own test, and leaves a screenshot in tests/screenshots/
(ignored by git) for a person to look at.

axe.min.js comes from the pinned axe-playwright-python package (requirements-dev.txt); only the
script is used. It is evaluated through Playwright, which the page's Content-Security-Policy does
not govern, so the page is checked exactly as the policy lets it render (no bypass_csp)."""
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.browser_steps import sign_in
from tests.conftest import REALDATA, chromium_browser, serve_demo
from tracker.extensions import db
from tracker.models import Alignment, Ballot, Endorsement, Flag, ImportRun, Organization, Pledge, Proposal, ProposalComment
from tracker.services import endorsements, ingest, jobs

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTHS = (1280, 375)
BLOCKING = ("serious", "critical")
HOUSE_XML = "house-clerk-rollcall-xml/roll240_2025.xml"

# (test id, who is signed in, path; {name} is filled from the demo's ids, see `demo_site`)
PAGES = [
    ("home", None, "/"),
    ("scorecards", None, "/scorecards/"),
    ("official", None, "/scorecards/people/{flagged_person}"),
    ("money-index", None, "/money/classification"),
    ("money-person", None, "/money/people/{flagged_person}"),
    ("pledge", None, "/candidates/pledges/{pledge}"),
    ("program", None, "/program/"),
    ("program-history", None, "/program/versions/"),
    ("program-diff", None, "/program/diff?from=1&to=2"),
    ("proposals", "member", "/program/proposals/"),
    ("proposal", "member", "/program/proposals/{proposal}"),
    ("ballots", "member", "/ballots/"),
    ("ballot-open", "member", "/ballots/{open_ballot}"),
    ("ballot-results", "member", "/ballots/{closed_ballot}"),
    ("candidates", None, "/candidates/"),
    ("election-slate", None, "/candidates/elections/{election}"),
    ("pledges", None, "/candidates/pledges/"),
    ("me", "member", "/me"),
    ("login", None, "/login"),
    ("search", None, "/search?q=an"),
    ("method", None, "/method"),
    ("imports", "admin", "/imports/"),
    ("import-run", "admin", "/imports/{import_run}"),
    ("import-review-queue", "admin", "/admin/review"),
    ("roll-call-review-queue", "committee", "/scorecards/roll-calls/unreviewed"),
    ("admin", "admin", "/admin/members"),
    # secondary pages and forms
    ("compare", None, "/scorecards/compare"),
    ("plank-scorecard", None, "/scorecards/planks/{plank}"),
    ("roll-call", None, "/scorecards/roll-calls/{roll_call}"),
    ("follow", None, "/follow/person/{flagged_person}"),
    ("new-proposal", "member", "/program/proposals/new"),
    ("endorsement", "committee", "/candidates/endorsements/{endorsement}"),
    ("vetting-report", "committee", "/candidates/endorsements/{endorsement}/report"),
    ("new-ballot", "committee", "/ballots/new"),
    ("upload", "committee", "/imports/upload"),
    ("person-edit", "committee", "/admin/people/{flagged_person}"),
    ("outbox", "admin", "/admin/notifications"),
    # in Spanish (the language link sets the cookie, then goes to the page)
    ("home-es", None, "/language/es?next=/"),
    ("official-es", None, "/language/es?next=/scorecards/people/{flagged_person}"),
    ("ballot-open-es", "member", "/language/es?next=/ballots/{open_ballot}"),
]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """One demo server for the whole module (building the demo takes seconds), with the ids the
    page paths need. The real House roll call is imported too, so the imports pages and the
    review queue (its voters are not on the demo roster) show real rows."""
    with serve_demo(tmp_path_factory.mktemp("a11y") / "live.db") as (base_url, app):
        with app.app_context():
            organization = db.session.scalar(select(Organization))
            house = ingest.run_import(organization, "votes", REALDATA / HOUSE_XML, jobs.LOADERS["votes"],
                                      ingest.ImportOptions(), display_name=Path(HOUSE_XML).name)
            assert house.status == "succeeded", house
            most_discussed = (select(ProposalComment.proposal_id).group_by(ProposalComment.proposal_id)
                              .order_by(func.count().desc(), ProposalComment.proposal_id).limit(1))
            ids = {
                "flagged_person": db.session.scalar(select(func.min(Flag.person_id))),
                "pledge": db.session.scalar(select(func.min(Pledge.id)).where(Pledge.signed_at.is_not(None))),
                "proposal": db.session.scalar(select(Proposal.id).where(Proposal.id.in_(most_discussed))),
                "open_ballot": db.session.scalar(select(func.min(Ballot.id)).where(Ballot.status == "open")),
                "closed_ballot": db.session.scalar(select(func.min(Ballot.id)).where(Ballot.status == "closed")),
                "import_run": db.session.scalar(select(func.max(ImportRun.id))),
                "election": endorsements.elections(organization)[0]["slug"],  # the newest
                "plank": db.session.scalar(select(func.min(Alignment.plank_id))),
                "roll_call": db.session.scalar(select(func.min(Alignment.roll_call_id))),
                "endorsement": db.session.scalar(select(func.min(Endorsement.id))),
            }
        assert None not in ids.values(), ids
        yield base_url, ids


@pytest.fixture(scope="module")
def module_browser():
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def sessions(demo_site, module_browser):
    """Signed-in browser state per role, made once through the login form."""
    base_url, _ids = demo_site
    states = {}

    def state_for(role):
        if role not in states:
            context = module_browser.new_context()
            sign_in(context.new_page(), base_url, f"{role}@demo.example")
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state_for


@pytest.fixture(scope="module")
def axe_source():
    source = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    assert source.startswith("/*! axe v"), source[:40]
    return source


def blocking_violations(page, axe_source) -> list[str]:
    """Run axe on the page; one line per serious or critical violation, with its targets."""
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in results["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ["; ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])
                       for node in violation["nodes"]]
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("name, role, path", PAGES, ids=[page[0] for page in PAGES])
def test_page_has_no_serious_accessibility_violations(demo_site, module_browser, sessions, axe_source,
                                                      name, role, path, width):
    base_url, ids = demo_site
    context = module_browser.new_context(viewport={"width": width, "height": 900},
                                         storage_state=sessions(role) if role else None)
    page = context.new_page()
    try:
        response = page.goto(base_url + path.format(**ids))
        assert response.status == 200, (path, response.status)
        page.wait_for_load_state("networkidle")  # charts are drawn by script after load
        if role:
            assert page.locator("form[action$='/logout'] button").count() == 1, "not signed in"  # in any language
        expected_language = "es" if path.startswith("/language/es") else "en"
        assert page.locator("html").get_attribute("lang") == expected_language
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        violations = blocking_violations(page, axe_source)
        assert not violations, "\n".join(violations)
    finally:
        context.close()


def test_a_table_too_wide_for_the_screen_scrolls_from_the_keyboard(demo_site, module_browser):
    """At 375 px the money page's flags table scrolls sideways inside its .table-wrap, a focusable
    region named like its caption (no script needed): Tab reaches it and the arrow keys scroll it."""
    base_url, ids = demo_site
    name = "Receipts a pledge clause flags, with the evidence from the filing"
    context = module_browser.new_context(viewport={"width": 375, "height": 900})
    page = context.new_page()
    try:
        page.goto(base_url + f"/money/people/{ids['flagged_person']}")
        region = page.get_by_role("region", name=name)
        assert region.evaluate("e => e.scrollWidth > e.clientWidth")
        # Focus the last keyboard stop before the region, then Tab once.
        region.evaluate("""region => {
            const stops = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')];
            const before = stops.filter(e => e.compareDocumentPosition(region) & Node.DOCUMENT_POSITION_FOLLOWING);
            before[before.length - 1].focus();
        }""")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == name
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # a function: the CSP forbids eval
    finally:
        context.close()
