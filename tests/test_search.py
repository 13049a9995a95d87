"""The search page: officials by name (with score, pledge and money beside them) and planks of the
adopted program (linking to their anchor on the program page)."""
from tests.factories import make_person, make_term
from tests.queries import count_queries
from tests.scorecards_world import scored_world, sign_pledge
from tracker.extensions import db


def test_search_finds_officials_with_score_pledge_and_money(client, org):
    world = scored_world(org)
    sign_pledge(org, world.people[1], world.version)
    html = client.get("/search?q=official b").data.decode()
    assert f'href="/scorecards/people/{world.people[1].id}"' in html
    assert "Official A" not in html and "Official C" not in html
    found = html[html.index('id="found-officials"'):html.index('id="found-planks"')]
    assert "83" in found and "Pledge signed" in found and "$2,500.00 corporate money" in found


def test_search_finds_planks_and_links_their_program_anchor(client, org):
    world = scored_world(org, plank_titles=["Public housing for all", "Free transit", "Clean air"])
    plank = world.planks[1]
    html = client.get("/search?q=TRANSIT").data.decode()
    assert f'href="/program/#plank-{plank.key}"' in html and f'href="/scorecards/planks/{plank.id}"' in html
    assert "Public housing for all" not in html
    assert f'id="plank-{plank.key}"' in client.get("/program/").data.decode()  # the anchor exists
    assert "No official's name contains “TRANSIT”" in html


def test_search_takes_percent_and_underscore_literally(client, org):
    scored_world(org)
    make_person(org, name="Not An Official")  # no term: not on the scorecards
    db.session.commit()
    for query in ("%", "_f", "%%%"):
        html = client.get("/search", query_string={"q": query}).data.decode()
        assert "Official A" not in html, query
    assert "Type at least two letters" in client.get("/search?q=a").data.decode()
    assert "Not An Official" not in client.get("/search?q=official").data.decode()
    assert client.get("/search?q=" + "x" * 5000).status_code == 200


def test_search_runs_two_queries_whatever_it_finds(client, org):
    world = scored_world(org, people=3)
    client.get("/search?q=official")
    with count_queries() as few:
        client.get("/search?q=official")
    for n in range(8):
        person = make_person(org, name=f"Official extra {n}")
        make_term(org, person, world.body)
        sign_pledge(org, person, world.version)
    db.session.commit()
    with count_queries() as more:
        client.get("/search?q=official")
    assert len(more) == len(few) <= 3, "\n".join(s[:90] for s in more)
