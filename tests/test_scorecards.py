"""Public scorecard pages: index, official, plank, comparison, roll call, downloads; no N+1."""
import csv
import io
import json

import pytest

from tests.factories import make_person, make_score, make_term
from tests.queries import count_queries
from tests.scorecards_world import add_flag, load_house_roll_call, scored_world, sign_pledge
from tracker.extensions import db
from tracker.services.votes import voter_for


# Official A: positions by roll call n are yes when (n + 0) % 3 != 0 -> no, yes, yes, no, yes with
# weights 2,1,1,1,1: agree on 1,2,4 = 3 points of 6 -> 50.00. B: yes,yes,no,yes,yes -> 2+1+1+1 = 5/6 = 83.
def test_index_lists_officials_with_score_pledge_and_corporate_money(client, org):
    world = scored_world(org)
    sign_pledge(org, world.people[1], world.version)
    from tracker.models import Contribution
    db.session.add(Contribution(organization_id=org.id, source="test", source_key="unclassified-1",
                                source_file="form460.csv", source_line=9, recipient_committee_id=f"C-{org.id}-0",
                                donor_name="Someone", amount_cents=5000))
    db.session.commit()
    html = client.get("/scorecards/").data.decode()
    assert "1 receipt not yet classified" in html  # a $0 total never hides unclassified money
    assert "Official A" in html and "Official B" in html and "Official C" in html
    assert ">50</strong>" in html and ">83</strong>" in html
    assert "status-signed" in html
    # Corporate money = corporate_pac + business_entity receipts (not individuals): A 1000 + 500.
    assert "$1,500.00" in html and "$2,500.00" in html
    assert "<caption>" in html and 'scope="col"' in html


def test_index_sorts_and_filters_through_an_allow_list(client, org):
    world = scored_world(org)
    other_body_person = make_person(org, name="Zed Outsider")
    from tests.factories import make_body
    make_term(org, other_body_person, make_body(org, name="School Board"), office="Trustee")
    db.session.commit()
    html = client.get("/scorecards/?sort=score&dir=desc").data.decode()
    assert html.index("Official B") < html.index("Official A")
    html = client.get(f"/scorecards/?body={world.body.id}").data.decode()
    assert "Zed Outsider" not in html and "Official A" in html
    html = client.get("/scorecards/?office=Trustee").data.decode()
    assert "Zed Outsider" in html and "Official A" not in html
    # An unknown sort key falls back to name order instead of reaching the query.
    html = client.get("/scorecards/?sort=password_hash").data.decode()
    assert html.index("Official A") < html.index("Official B")
    assert client.get("/scorecards/?body=abc&year=x").status_code == 200


def test_index_year_filter_reads_the_year_window(client, org):
    world = scored_world(org)
    make_score(org, world.people[0], window="year:2023", score=12)
    db.session.commit()
    html = client.get("/scorecards/?year=2023").data.decode()
    assert ">12</strong>" in html and "year 2023" in html


def test_index_paginates(client, org):
    scored_world(org, people=3)
    from tests.factories import make_body
    body = make_body(org)
    for n in range(30):
        make_term(org, make_person(org, name=f"Extra {n:02d}"), body)
    db.session.commit()
    first = client.get("/scorecards/").data.decode()
    assert "Page 1 of 2" in first and "Extra 21" in first and "Official A" not in first
    second = client.get("/scorecards/?page=2").data.decode()
    assert "Official A" in second


def test_insufficient_data_says_so_instead_of_a_number(client, org):
    world = scored_world(org)
    person = make_person(org, name="New Member")
    make_term(org, person, world.body)
    make_score(org, person, counted=1)
    db.session.commit()
    assert "too few votes" in client.get("/scorecards/").data.decode()
    html = client.get(f"/scorecards/people/{person.id}").data.decode()
    assert "Not enough votes to score" in html and "Only 1 counted roll call: too few for a score" in html


def test_official_page_shows_how_the_score_was_worked_out(client, org):
    world = scored_world(org)
    person = world.people[0]
    org.score_bands = [{"min": 40, "label": "mixed record"}, {"min": 60, "label": "mostly keeps it"}]
    db.session.commit()
    html = client.get(f"/scorecards/people/{person.id}").data.decode()
    assert "How this was worked out" in html and "absence=exclude" in html
    assert "Absences are left out of the score." in html  # the rule set in plain words
    assert "100 × 3 ÷ 6 = 50.00" in html and "mixed record" in html
    for n in range(1, 6):
        assert f'href="https://council.example.gov/votes/{n}"' in html  # every source record linked
    assert "Ordinance 1" in html and "Plank 1" in html
    # Chart JSON beside its table, drawn by the local plotly, never from a CDN.
    # Plank scores here rest on 2-3 votes (too few): no bar chart, but the yearly line chart is drawn.
    assert 'id="chart-planks"' not in html
    assert 'type="application/json" id="chart-time"' in html and "/static/vendor/plotly.min.js" in html
    assert "cdn" not in html.lower()


def test_official_page_money_summary_pledge_and_published_flags_only(client, org):
    world = scored_world(org)
    person = world.people[0]
    pledge, clause = sign_pledge(org, person, world.version)
    add_flag(org, person, clause, publication="published")
    other = world.people[1]
    _, other_clause = sign_pledge(org, other, world.version)
    add_flag(org, other, other_clause, publication="draft")
    html = client.get(f"/scorecards/people/{person.id}").data.decode()
    assert "corporate pac" in html and "$1,000.00" in html and "$250.00" in html
    assert "status-signed" in html and "a" * 64 in html
    assert "violation" in html and "form460.csv line 3" in html and "The donor is a corporate PAC" in html
    assert "Accept no corporate money" in html and "cure days" not in html  # clauses as sentences
    assert f"/money/people/{person.id}" in html
    other_html = client.get(f"/scorecards/people/{other.id}").data.decode()
    assert "form460.csv line 3" not in other_html  # a draft flag is not public


def test_official_page_escapes_names_and_chart_json(client, org):
    world = scored_world(org, plank_titles=["</script><script>alert(1)</script>"])
    world.people[0].name = "<b>Bold</b>"
    db.session.commit()
    html = client.get(f"/scorecards/people/{world.people[0].id}").data.decode()
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "<script>alert(1)" not in html


def test_official_and_index_pages_do_not_grow_queries_with_rows(client, org):
    world = scored_world(org, people=3)
    sign_pledge(org, world.people[0], world.version)
    client.get("/scorecards/")  # warm caches (organization lookup, etc.)
    with count_queries() as small_index:
        client.get("/scorecards/")
    from tracker.scorecards import queries as page_queries
    page_queries._explanations.clear()  # measure the explanation's queries too, both times
    with count_queries() as small_official:
        client.get(f"/scorecards/people/{world.people[0].id}")
    for n in range(10):
        person = make_person(org, name=f"More {n}")
        make_term(org, person, world.body)
        make_score(org, person, counted=1)
        sign_pledge(org, person, world.version)
    db.session.commit()
    with count_queries() as big_index:
        client.get("/scorecards/")
    page_queries._explanations.clear()
    with count_queries() as big_official:
        client.get(f"/scorecards/people/{world.people[0].id}")
    assert len(big_index) == len(small_index) <= 5
    assert len(big_official) == len(small_official) <= 12, "\n".join(s[:90] for s in big_official)


def test_plank_page_lists_every_official_and_the_roll_calls(client, org):
    world = scored_world(org)
    plank = world.planks[0]
    html = client.get(f"/scorecards/planks/{plank.id}").data.decode()
    assert all(p.name in html for p in world.people)
    assert "Ordinance 1" in html and "Ordinance 3" in html and "Ordinance 2" not in html


def test_draft_plank_is_not_public(client, org):
    from tests.factories import make_program
    draft = make_program(org, adopt=False)
    assert client.get(f"/scorecards/planks/{draft.planks[0].id}").status_code == 404


def test_compare_two_to_four_officials(client, org):
    world = scored_world(org)
    a, b, c = world.people
    html = client.get(f"/scorecards/compare?person={a.id}&person={b.id}").data.decode()
    assert "Scores side by side" in html and ">50<" in html and ">83<" in html
    assert "Choose two to four" in client.get(f"/scorecards/compare?person={a.id}").data.decode()
    response = client.get(f"/scorecards/compare.csv?person={a.id}&person={c.id}")
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0] == ["Scope", "Official A", "Official C"] and rows[1][0] == "Overall"
    assert client.get(f"/scorecards/compare.csv?person={a.id}").status_code == 400


def test_downloads_have_the_page_columns_and_neutralize_formulas(client, org):
    world = scored_world(org)
    person = world.people[0]
    response = client.get("/scorecards/officials.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode())))
    assert rows[0][:4] == ["Official", "Body", "Office", "Score"]
    assert ["Official A", "Harbor Council", "Mayor", "50"] == rows[1][:4]
    data = client.get("/scorecards/officials.json").json
    assert data["data"][0]["name"] == "Official A" and data["data"][0]["corporate_dollars"] == 1500.0
    roll_calls = client.get(f"/scorecards/people/{person.id}/roll-calls.json").json["data"]
    assert len(roll_calls) == 5 and roll_calls[0]["source_url"].startswith("https://council.example.gov/")
    money = client.get(f"/scorecards/people/{person.id}/money.csv").data.decode()
    assert "corporate_pac" in money
    pledge, clause = sign_pledge(org, person, world.version)
    add_flag(org, person, clause)
    flags = list(csv.reader(io.StringIO(client.get(f"/scorecards/people/{person.id}/flags.csv").data.decode())))
    assert flags[1][0] == "violation"
    # A donor name starting with "=" is prefixed with ' so spreadsheets never run it.
    from tracker.csv_cells import cell_text
    assert cell_text('=HYPERLINK("x")') == "'=HYPERLINK(\"x\")" and cell_text("-5") == "'-5" and cell_text("ok") == "ok"
    assert cell_text(-250.5) == "-250.5" and cell_text(None) == ""  # a number is not a formula
    assert client.get(f"/scorecards/planks/{world.planks[0].id}/scores.json").json["data"][0]["name"]
    assert client.get(f"/scorecards/people/{person.id}/nope.csv").status_code == 404


def test_home_lists_officials_linking_to_their_pages(client, org):
    world = scored_world(org)
    html = client.get("/").data.decode()
    assert f'href="/scorecards/people/{world.people[0].id}"' in html and "Official A" in html


def test_pages_of_another_organization_are_not_found(client, org):
    from tests.factories import make_org
    other = make_org()
    world = scored_world(other)
    # The public site shows the first organization (org); the other one's people are not reachable.
    assert client.get(f"/scorecards/people/{world.people[0].id}").status_code == 404
    assert client.get(f"/scorecards/roll-calls/{world.roll_calls[0].id}").status_code == 404


def test_real_house_roll_call_page_and_download(client, org, realdata):
    roll_call, people = load_house_roll_call(org, realdata / "house-clerk-rollcall-xml" / "roll240_2025.xml")
    html = client.get(f"/scorecards/roll-calls/{roll_call.id}").data.decode()
    assert "SPACE Act" in html and "Passed" in html and "H R 3424" in html
    assert 'href="https://clerk.house.gov/evs/2025/roll240.xml"' in html
    rows = list(csv.reader(io.StringIO(client.get(f"/scorecards/roll-calls/{roll_call.id}/positions.csv").data.decode())))
    assert len(rows) == 1 + 430
    by_voter = {row[0]: row for row in rows[1:]}
    assert by_voter["Beyer"][1:3] == ["Nay", "no"]
    assert sum(row[2] == "not_voting" for row in rows[1:]) == 32
    assert sum(row[2] == "yes" for row in rows[1:]) == 397
    # The official's page of a real member renders (no score yet: says so).
    page = client.get(f"/scorecards/people/{people['B001292'].id}").data.decode()
    assert "Beyer" in page and "Not scored yet" in page


@pytest.mark.parametrize("url", ["/scorecards/", "/scorecards/people/1", "/scorecards/planks/1",
                                 "/scorecards/compare", "/scorecards/roll-calls/1"])
def test_public_pages_need_no_sign_in_and_have_landmarks(client, org, url):
    scored_world(org)
    response = client.get(url)
    assert response.status_code == 200
    html = response.data.decode()
    assert '<main id="content"' in html and "<h1>" in html


def test_json_download_is_valid_and_cached(client, org):
    scored_world(org)
    response = client.get("/scorecards/officials.json")
    assert json.loads(response.data)["columns"][0] == "name"
    assert response.headers["Cache-Control"] == "public, max-age=60"


def test_charts_build_plotly_figures_from_table_rows():
    from tracker import charts
    figure = json.loads(charts.plank_scores_figure(
        [{"plank": "Rent", "score": 80}, {"plank": "Wage", "score": None}, {"plank": "Bus", "score": 40}], "t"))
    assert figure["data"][0]["type"] == "bar" and list(figure["data"][0]["x"]) == ["Rent", "Bus"]
    assert charts.plank_scores_figure([{"plank": "Rent", "score": None}], "t") is None
    line = json.loads(charts.scores_over_time_figure([{"year": "2023", "score": 10}, {"year": "2024", "score": 30}], "t"))
    assert line["data"][0]["mode"] == "lines+markers"


def test_chart_json_cannot_close_its_script_tag():
    from tracker.charts import embeddable
    safe = str(embeddable('{"title": "</script><!--<b>&"}'))
    assert "<" not in safe and json.loads(safe)["title"] == "</script><!--<b>&"


def test_anonymous_public_pages_are_micro_cached_but_members_see_fresh_pages(make_app):
    app = make_app(SCORECARD_CACHE_SECONDS=60)
    from tests.factories import PASSWORD, make_member, make_org
    from tracker.scorecards import views
    views._page_cache.clear()
    with app.app_context():
        org = make_org()
        world = scored_world(org)
        member = make_member(org, role="member")
        client = app.test_client()
        assert "Official A" in client.get("/scorecards/").data.decode()
        world.people[0].name = "Renamed Official"
        db.session.commit()
        with count_queries() as queries:
            cached = client.get("/scorecards/").data.decode()
        assert "Official A" in cached and queries == []  # served from the cache, no query
        client.post("/login", data={"email": member.email, "password": PASSWORD})
        assert "Renamed Official" in client.get("/scorecards/").data.decode()  # members: always fresh
    views._page_cache.clear()


def test_the_micro_cache_keeps_one_copy_per_language(make_app):
    app = make_app(SCORECARD_CACHE_SECONDS=60)
    from tests.factories import make_org
    from tracker.scorecards import views
    views._page_cache.clear()
    with app.app_context():
        scored_world(make_org())
        english = app.test_client()
        assert "Filter and sort" in english.get("/scorecards/").data.decode()
        spanish = app.test_client()
        spanish.get("/language/es")
        page = spanish.get("/scorecards/").data.decode()
        assert "Filtrar y ordenar" in page and "Filter and sort" not in page  # not the English copy
        assert "Filter and sort" in english.get("/scorecards/").data.decode()
        by_browser = app.test_client().get("/scorecards/", headers={"Accept-Language": "es"}).data.decode()
        assert "Filtrar y ordenar" in by_browser
    views._page_cache.clear()


def test_every_plank_score_has_its_own_how_box(client, org):
    world = scored_world(org, people=2)
    # Two more approved roll calls on plank 1 give A four votes there: no(2), yes, yes, yes.
    from datetime import date
    from tests.factories import make_roll_call
    from tracker.models import Alignment, VotePosition
    from tracker.services import scores
    for n in range(2):
        rc = make_roll_call(org, world.body, voted_on=date(2024, 9 + n, 1), title=f"Extra {n}",
                            source_url=f"https://council.example.gov/votes/extra-{n}")
        db.session.add(Alignment(organization_id=org.id, roll_call_id=rc.id, plank_id=world.planks[0].id,
                                 pro_position="yes", rationale="r", status="approved"))
        for person in world.people:
            db.session.add(VotePosition(organization_id=org.id, roll_call_id=rc.id, person_id=person.id,
                                        voter=voter_for(org.id, f"k{person.id}", person.name), raw_label="Aye",
                                        position="yes"))
    db.session.commit()
    scores.recompute(org)
    html = client.get(f"/scorecards/people/{world.people[0].id}").data.decode()
    # Plank 1 for A: roll calls 1 (no, weight 2), 3 (yes), 5 (yes), extra 0 and 1 (yes): 4 of 6 points.
    assert "How the score on “Plank 1” was worked out" in html
    assert "100 × 4 ÷ 6 = <strong>67</strong>" in html
    assert "How the score on “Plank 2” was worked out" in html and "on this plank: too few for a score" in html
    assert 'href="https://council.example.gov/votes/extra-1"' in html


def test_explanations_are_reused_only_for_the_same_stored_score(client, org, monkeypatch):
    from tracker.scorecards import queries
    from tracker.services import scores
    queries._explanations.clear()
    world = scored_world(org)
    calls = []
    real = scores.explain
    monkeypatch.setattr(scores, "explain", lambda score: calls.append(score.id) or real(score))
    url = f"/scorecards/people/{world.people[0].id}"
    client.get(url)
    client.get(url)
    assert len(calls) == 1
    # An excused absence (or any input change) recomputes: new score rows, a new explanation.
    world.people[0].name = "Official A"
    scores.recompute(org)
    assert "100 × 3 ÷ 6 = 50.00" in client.get(url).data.decode()
    assert len(calls) == 2


def test_pledge_status_and_money_flags_sit_beside_the_score(client, org):
    """Home cards, the index and the top of an official's page carry the score, the pledge status
    and the money flags together (before the roll-call table)."""
    world = scored_world(org)
    person = world.people[0]
    pledge, clause = sign_pledge(org, person, world.version)
    add_flag(org, person, clause, publication="published")
    pledge.status = "broken"
    db.session.commit()
    html = client.get(f"/scorecards/people/{person.id}").data.decode()
    top = html[html.index('class="score-summary"'):html.index('id="votes-h"')]
    assert 'class="big-score">50<' in top
    assert "Pledge broken" in top and "1 receipt breaking the pledge" in top
    assert "$1,500.00 corporate money" in top  # corporate PAC $1,000 + business $500
    index = client.get("/scorecards/").data.decode()
    row = index[index.index(">Official A<"):index.index(">Official B<")]
    assert "Pledge broken" in row and "1 receipt breaking the pledge" in row and "$1,500.00 corporate money" in row
    row_b = index[index.index(">Official B<"):index.index(">Official C<")]
    assert "No pledge signed" in row_b and "breaking" not in row_b and "$2,500.00 corporate money" in row_b
    home = client.get("/").data.decode()
    card = home[home.index("Official A"):home.index("Official B")]
    assert "Pledge broken" in card and "1 receipt breaking the pledge" in card
    downloaded = list(csv.DictReader(io.StringIO(client.get("/scorecards/officials.csv").data.decode())))
    assert [r["Receipts breaking the pledge"] for r in downloaded] == ["1", "0", "0"]
    assert [r["Other flagged receipts"] for r in downloaded] == ["0", "0", "0"]


def test_a_draft_flag_is_not_counted_beside_the_score(client, org):
    world = scored_world(org)
    _, clause = sign_pledge(org, world.people[0], world.version)
    add_flag(org, world.people[0], clause, publication="draft")
    html = client.get(f"/scorecards/people/{world.people[0].id}").data.decode()
    assert "Pledge signed" in html and "breaking the pledge" not in html


@pytest.mark.parametrize("status", ["pending", "withdrawn"])
def test_an_unsigned_pledge_is_public_nowhere(client, org, status):
    """A pledge never signed (pending, or withdrawn before signing) is hidden on its own page from
    the public, so the scorecard, the index, its CSV, the badge and the API do not show it either."""
    world = scored_world(org)
    person = world.people[0]
    pledge, _ = sign_pledge(org, person, world.version, status="pending")
    pledge.status = status
    db.session.commit()
    assert client.get(f"/candidates/pledges/{pledge.id}").status_code == 404
    official = client.get(f"/scorecards/people/{person.id}").data.decode()
    assert "status-pending" not in official and "status-withdrawn" not in official
    assert "No pledge signed" in official and "a" * 64 not in official
    index = client.get("/scorecards/").data.decode()
    assert "status-pending" not in index and "status-withdrawn" not in index
    downloaded = list(csv.DictReader(io.StringIO(client.get("/scorecards/officials.csv").data.decode())))
    assert [r["Pledge"] for r in downloaded] == ["none", "none", "none"]
    assert client.get("/scorecards/officials.json").json["data"][0]["pledge"] == "none"
    assert "pledge none" in client.get(f"/badge/{person.id}.svg").data.decode()
    assert client.get("/api/v1/pledges").json["data"] == []


def test_a_flag_on_an_individual_shows_employer_and_title_not_a_rule_id(client, org):
    world = scored_world(org)
    person = world.people[0]
    _, clause = sign_pledge(org, person, world.version)
    from tracker.models import Committee, Contribution, Flag
    donor = db.session.execute(db.select(Contribution).join(
        Committee, Committee.committee_id == Contribution.recipient_committee_id)
        .where(Committee.person_id == person.id, Contribution.donor_class == "individual")).scalar_one()
    donor.employer, donor.occupation, donor.rule = "ACME OIL CORP", "CHIEF EXECUTIVE OFFICER", "entity.IND"
    db.session.add(Flag(organization_id=org.id, pledge_clause_id=clause.id, contribution_id=donor.id,
                        person_id=person.id, status="warning", amount_cents=donor.amount_cents,
                        net_cents=donor.amount_cents, publication="published",
                        evidence={"rule": "entity.IND", "reason": "executive", "classification": {"donor_class": "individual"}}))
    db.session.commit()
    html = client.get(f"/scorecards/people/{person.id}").data.decode()
    assert ("The donor is a company executive, by the title filed: CHIEF EXECUTIVE OFFICER at ACME OIL CORP. "
            "Rule: the filing lists the donor with entity code IND.") in html
    assert "rule entity.IND" not in html
    top = html[html.index('class="score-summary"'):html.index('id="votes-h"')]
    assert "1 other flagged receipt" in top and "breaking the pledge" not in top  # a warning, not a violation
    money_page = client.get(f"/money/people/{person.id}").data.decode()
    assert "by the title filed: CHIEF EXECUTIVE OFFICER at ACME OIL CORP" in money_page
    downloaded = list(csv.DictReader(io.StringIO(client.get(f"/scorecards/people/{person.id}/flags.csv").data.decode())))
    assert "CHIEF EXECUTIVE OFFICER at ACME OIL CORP" in downloaded[0]["Why it is flagged"]


def test_the_how_box_gives_the_rules_in_words_before_the_rule_set_id(client, org):
    world = scored_world(org)
    html = client.get(f"/scorecards/people/{world.people[0].id}").data.decode()
    box = html[html.index('<details class="how" open>'):]
    box = box[:box.index("</details>")]
    assert box.index("Absences are left out of the score.") < box.index("absence=exclude;")
    assert "A score needs at least 4 counted roll calls." in box
    assert 'href="/method#62-vote-score-default-formula"' in box
    assert "Rule set in force" not in box


def test_planks_left_out_of_the_chart_are_listed_under_it(client, org):
    """Plank 1 of the world has 3 counted roll calls, plank 2 has 2: with a minimum of 3 the chart
    draws plank 1 only, and says which plank it leaves out and why."""
    from tracker.services import scores as score_service
    world = scored_world(org, plank_titles=["Housing", "Transit", "Air"])
    score_service.set_options(org, {"min_counted_votes": 3})
    db.session.commit()
    html = client.get(f"/scorecards/people/{world.people[1].id}").data.decode()
    note = html[html.index('class="chart-note"'):]
    note = note[:note.index("</div>")]
    assert "Not in the chart: 1 plank" in note and "fewer than 3 counted roll calls" in note
    assert "<li>Transit (2 counted)</li>" in note and "Housing" not in note
    chart = json.loads(html.split('id="chart-planks">', 1)[1].split("</script>", 1)[0])
    assert chart["data"][0]["x"] == ["Housing"]


def test_official_page_and_home_in_spanish_with_the_cookie(client, org):
    world = scored_world(org)
    person = world.people[0]
    pledge, clause = sign_pledge(org, person, world.version)
    add_flag(org, person, clause, publication="published")
    url = f"/scorecards/people/{person.id}"
    english = client.get(url).data.decode()
    assert "Overall score on our program" in english and "Pledge signed" in english and "$1,000.00" in english
    client.get("/language/es")
    html = client.get(url).data.decode()
    assert "Puntuación general en nuestro programa" in html and "Compromiso firmado" in html
    assert "Cada votación nominal detrás de la puntuación" in html and "Cómo se calculó" in html
    assert "Dinero recibido" in html and "PAC corporativo" in html and "1.000,00" in html  # money in Spanish
    assert "100 × 3 ÷ 6 = 50.00" in html  # the arithmetic is data, unchanged
    # The scoring core's English sentences are worded again at the view layer.
    assert "Las ausencias quedan fuera de la puntuación." in html and "Absences are left out" not in html
    assert "votó la posición a favor" in html and "voted the pro position" not in html
    assert "Overall score on our program" not in html and "Pledge signed" not in html
    home = client.get("/").data.decode()
    assert "Buscar un cargo electo" in home and "Ver todas las evaluaciones" in home and "De un vistazo" in home
    assert "Official A" in home  # names are data, never translated
    index = client.get("/scorecards/").data.decode()
    assert "Filtrar y ordenar" in index and "Cargo electo" in index
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "Página no encontrada" in missing.get_data(as_text=True)
    client.get("/language/en")
    assert "Overall score on our program" in client.get(url).data.decode()
