"""Stored scores follow the votes: importing positions or resolving a voter recomputes them."""
from tests.factories import make_program
from tracker.extensions import db
from tracker.models import Score
from tracker.services import ingest, scores
from tracker.services.people import roster_loader
from tracker.services.votes import vote_loader

HEADER = "body,date,motion_id,title,result,person,option,person_id\n"


def _votes_csv(tmp_path, name, voters):
    lines = [HEADER]
    for number in range(1, 5):
        for person, person_id, option in voters:
            lines.append(f"Council,2024-0{number}-10,M-{number},Motion {number},Pass,{person},{option},{person_id}\n")
    path = tmp_path / name
    path.write_text("".join(lines))
    return path


def _people_csv(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,scheme,id,body,office,district,party,start,end\n"
                    "Ana Morales,local,a1,Council,Member,1,,2020-01-01,\n"
                    "Ben Ode,local,b2,Council,Member,2,,2020-01-01,\n")
    return path


def _lifetime(name):
    from tracker.models import Person
    return db.session.execute(db.select(Score).join(Person, Person.id == Score.person_id).where(
        Person.name == name, Score.scope == "overall", Score.window == "lifetime",
        Score.crucial_only.is_(False))).scalar_one()


def test_vote_import_recomputes_stored_scores(app, org, tmp_path):
    make_program(org, planks=1)
    ingest.run_import(org, "people", _people_csv(tmp_path), roster_loader, ingest.ImportOptions(fmt="csv"))
    first = ingest.run_import(org, "votes", _votes_csv(tmp_path, "a.csv", [("Ana Morales", "local:a1", "Yes")]),
                              vote_loader, ingest.ImportOptions(fmt="csv"))
    assert first.status == "succeeded", first.summary()
    alignments = tmp_path / "alignments.csv"
    from tracker.models import Plank, RollCall
    plank_id = db.session.execute(db.select(Plank.id)).scalar_one()
    rows = ["roll_call_source_id,plank,pro_position,weight,rationale"]
    rows += [f"{sid},{plank_id},yes,1,keeps it" for sid in db.session.execute(db.select(RollCall.source_id)).scalars()]
    alignments.write_text("\n".join(rows) + "\n")
    assert scores.import_alignments(org, alignments).status == "succeeded"
    assert _lifetime("Ana Morales").agreeing == 4
    assert _lifetime("Ben Ode").disagreeing == 0 and _lifetime("Ben Ode").status == "insufficient_data"
    second = ingest.run_import(org, "votes", _votes_csv(tmp_path, "b.csv", [("Ben Ode", "local:b2", "No")]),
                               vote_loader, ingest.ImportOptions(fmt="csv"))
    assert second.status == "succeeded" and second.imported == 4, second.summary()
    db.session.expire_all()
    ben = _lifetime("Ben Ode")  # his new positions are scored without a manual recompute
    assert ben.disagreeing == 4 and ben.score_display == 0 and ben.status == "ok"


def test_a_failing_recompute_does_not_turn_a_committed_import_into_a_failure(app, org, tmp_path, monkeypatch):
    from tracker.models import VotePosition

    def broken(organization):
        raise RuntimeError("scores table locked")

    monkeypatch.setattr(scores, "recompute", broken)
    result = ingest.run_import(org, "votes", _votes_csv(tmp_path, "c.csv", [("Ana Morales", "local:a1", "Yes")]),
                               vote_loader, ingest.ImportOptions(fmt="csv"))
    assert result.status == "succeeded" and result.imported == 4
    assert "follow-up work failed" in result.message and "flask --app tracker recompute" in result.message
    assert db.session.execute(db.select(db.func.count()).select_from(VotePosition)).scalar() == 4
    from tracker.models import ImportRun
    assert db.session.get(ImportRun, result.run_id).message == result.message  # the report page shows it
