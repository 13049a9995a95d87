"""The vote loader: bodies, roll calls, positions, matching, review queue, re-import, export."""
import csv
import io
import json
from datetime import date

import pytest

from imports import FormatError, detect
from tests.factories import make_body, make_person, make_term
from tracker.extensions import db
from tracker.models import (Body, ImportRowError, ImportRun, PersonIdentifier, RollCall, Voter, VotePosition,
                            VoterReview)
from tracker.services import ingest, votes
from tracker.services.jobs import LOADERS

HEADER = "body,date,motion_id,title,result,person,option,person_id\n"
SMALL = HEADER + (
    'City Council,2024-03-01,M-1,"Rent control, phase 2",passed,Council Member Ann Jones,Aye,\n'
    "City Council,2024-03-01,M-1,\"Rent control, phase 2\",passed,Bob Smith,No,legistar:12\n"
    "City Council,2024-03-01,M-1,\"Rent control, phase 2\",passed,Cy Lee,Hold,\n"
    "City Council,2024-03-08,M-2,Budget,failed,Ann Jones,Nay,\n"
    "City Council,2024-03-08,M-2,Budget,failed,Bob Smith,Absent,legistar:12\n"
)


def write(tmp_path, text, name="votes.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run(org, path, kind="votes", **options):
    return ingest.run_import(org, kind, path, LOADERS[kind], ingest.ImportOptions(**options))


def count(model, **where):
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**where)).scalar()


def test_generic_csv_import_matches_people_and_reports_unknown_label(app, org, tmp_path):
    council = make_body(org, name="City Council")
    jones = make_person(org, "Ann Jones")
    make_term(org, jones, council, start_on=date(2023, 1, 1))
    smith = make_person(org, "Robert Smith", ids={"legistar": "12"})
    make_term(org, smith, council, start_on=date(2023, 1, 1))
    db.session.commit()

    result = run(org, write(tmp_path, SMALL))

    assert result.status == "succeeded", result.message
    assert (result.format, result.read, result.imported, result.duplicates) == ("csv", 5, 5, 0)
    assert count(RollCall, organization_id=org.id) == 2
    rows = {(p.voter_key, p.roll_call.source_id): p for p in db.session.execute(db.select(VotePosition)).scalars()}
    first = rows[("name:ann jones", "City Council|2024-03-01|M-1")]
    assert (first.person_id, first.raw_label, first.position, first.source_line) == (jones.id, "Aye", "yes", 2)
    assert rows[("legistar:12", "City Council|2024-03-08|M-2")].person_id == smith.id
    assert rows[("legistar:12", "City Council|2024-03-08|M-2")].position == "absent"
    hold = rows[("name:cy lee", "City Council|2024-03-01|M-1")]
    assert (hold.position, hold.raw_label, hold.person_id) == ("unknown", "Hold", None)
    assert hold.roll_call.needs_review is True
    assert rows[("name:ann jones", "City Council|2024-03-08|M-2")].roll_call.needs_review is False
    assert result.report["review_labels"] == [{"line": 4, "label": "Hold", "roll_call": "City Council|2024-03-01|M-1"}]
    assert result.report["unmatched_voters"] == 1
    review = db.session.execute(db.select(VoterReview)).scalar_one()
    assert (review.voter_key, review.voter_name, review.reason, review.status) == ("name:cy lee", "Cy Lee", "no match", "open")
    run_row = db.session.get(ImportRun, result.run_id)
    assert (run_row.status, run_row.read_count, run_row.imported_count, run_row.report["unmatched_voters"]) == ("succeeded", 5, 5, 1)


def test_reimport_is_a_no_op(app, org, tmp_path):
    path = write(tmp_path, SMALL)
    run(org, path)
    before = votes_export(org)
    again = run(org, path)
    assert (again.status, again.imported, again.duplicates) == ("succeeded", 0, 5)
    assert votes_export(org) == before
    assert count(VoterReview) == 3  # Ann Jones, Bob Smith (legistar:12), Cy Lee: once each, not twice


def test_new_voter_on_existing_roll_call_is_added_and_roll_call_unchanged(app, org, tmp_path):
    run(org, write(tmp_path, SMALL))
    extra = HEADER + "City Council,2024-03-01,M-1,Changed title,failed,Dee Park,Yes,\n" \
                     "City Council,2024-03-01,M-1,Changed title,failed,Bob Smith,No,legistar:12\n"
    result = run(org, write(tmp_path, extra, "more.csv"))
    assert (result.imported, result.duplicates) == (1, 1)
    roll_call = db.session.execute(db.select(RollCall).filter_by(source_id="City Council|2024-03-01|M-1")).scalar_one()
    assert (roll_call.title, roll_call.result) == ("Rent control, phase 2", "passed")
    assert count(VotePosition, roll_call_id=roll_call.id) == 4


def test_body_option_overrides_file(app, org, tmp_path):
    result = run(org, write(tmp_path, SMALL), params={"body": "Richmond City Council"})
    assert result.ok
    assert [b.name for b in db.session.execute(db.select(Body)).scalars()] == ["Richmond City Council"]


def test_bad_rows_reported_and_skipped_strict_rejects(app, org, tmp_path):
    text = SMALL + "City Council,2024-13-45,M-3,Bad,passed,Ann Jones,Aye,\n" \
                   "City Council,2024-03-09,M-3,Bad,passed,,Aye,\n" \
                   "City Council,2024-03-09,M-3,Bad,passed,Ann Jones,Aye,bioguide\n"
    path = write(tmp_path, text)
    strict = run(org, path, strict=True)
    assert strict.status == "rejected" and strict.imported == 0
    assert count(VotePosition) == 0 and count(RollCall) == 0
    assert [(e.line, e.field) for e in strict.errors] == [(8, "person"), (7, "date"), (9, "person_id")]

    result = run(org, path)
    assert (result.status, result.read, result.imported, len(result.errors)) == ("succeeded", 8, 5, 3)
    stored = db.session.execute(db.select(ImportRowError).filter_by(import_run_id=result.run_id)
                                .order_by(ImportRowError.line)).scalars().all()
    assert [(e.line, e.field) for e in stored] == [(7, "date"), (8, "person"), (9, "person_id")]
    assert stored[0].raw == "City Council,2024-13-45,M-3,Bad,passed,Ann Jones,Aye,"
    assert "YYYY-MM-DD" in stored[0].message


@pytest.mark.parametrize("content, message", [
    (b"", "the file is empty"),
    (b"body,date,person,option\nX,2024-01-01,A,Aye\n", "missing column(s) motion_id, title, result"),
    ("body,date,motion_id,title,result,person,option\nCity,2024-01-01,M,T,R,Jos\u00e9 N\u00fa\u00f1ez,Aye\n".encode("latin-1"), "not UTF-8"),
])
def test_bad_files_are_rejected_with_a_clear_message(app, org, tmp_path, content, message):
    path = write(tmp_path, content)
    result = run(org, path, fmt="csv")
    assert result.status == "rejected"
    assert message in result.message and "votes.csv" in result.message
    assert count(VotePosition) == 0


def test_wrong_encoding_names_the_line(tmp_path):
    path = write(tmp_path, HEADER.encode() + b"City,2024-01-01,M,T,R,Ann,Aye,\nCity,2024-01-01,M,T,R,Jos\xe9,Aye,\n")
    with pytest.raises(FormatError) as error:
        list(detect(path, "votes").parse(path))
    assert error.value.line == 3


def test_crash_part_way_writes_nothing(app, org, tmp_path, monkeypatch):
    def boom(self, *args):
        raise RuntimeError("disk full")
    monkeypatch.setattr(votes.VoteLoader, "_insert_positions", boom)
    result = run(org, write(tmp_path, SMALL))
    assert result.status == "failed" and "disk full" in result.message
    assert count(RollCall) == 0 and count(Body) == 0 and count(VoterReview) == 0
    assert db.session.get(ImportRun, result.run_id).status == "failed"


def test_dry_run_writes_nothing(app, org, tmp_path):
    result = run(org, write(tmp_path, SMALL), dry_run=True)
    assert (result.status, result.imported) == ("dry_run", 5)
    assert count(RollCall) == 0 and count(ImportRun) == 0


def test_name_match_needs_term_on_that_body_and_date(app, org, tmp_path):
    council = make_body(org, name="City Council")
    other = make_body(org, name="School Board")
    jones = make_person(org, "Ann B. Jones")
    make_term(org, jones, council, start_on=date(2024, 3, 5))  # seated after the first vote only
    lee = make_person(org, "Cy Lee")
    make_term(org, lee, other, start_on=date(2020, 1, 1))  # the right name on the wrong body
    db.session.commit()
    run(org, write(tmp_path, SMALL))
    matched = db.session.execute(db.select(Voter.voter_key, VotePosition.person_id).join(VotePosition.voter)).all()
    # Ann Jones voted on 1 and 8 March; her term covers 8 March, so the voter matches.
    assert ("name:ann jones", jones.id) in matched
    assert ("name:cy lee", None) in matched


def test_ambiguous_name_goes_to_review_with_candidates(app, org, tmp_path):
    council = make_body(org, name="City Council")
    a = make_person(org, "Ann Jones")
    b = make_person(org, "Anne Jones")
    for person in (a, b):
        make_term(org, person, council)
    db.session.commit()
    run(org, write(tmp_path, HEADER + "City Council,2024-03-01,M-1,T,passed,Jones,Aye,\n"))
    review = db.session.execute(db.select(VoterReview)).scalar_one()
    assert review.reason == "2 people match"
    assert sorted(review.candidate_person_ids) == sorted([a.id, b.id])


def test_fuzzy_name_and_identifier_gained(app, org, tmp_path):
    council = make_body(org, name="City Council")
    person = make_person(org, "Robert Smith")
    make_term(org, person, council)
    db.session.commit()
    run(org, write(tmp_path, HEADER + "City Council,2024-03-01,M-1,T,passed,Rep. Robert Smith Jr,Aye,legistar:99\n"))
    assert db.session.execute(db.select(VotePosition.person_id)).scalar_one() == person.id
    assert db.session.execute(db.select(PersonIdentifier.person_id).filter_by(scheme="legistar", value="99")).scalar_one() == person.id


def test_roster_import_attaches_waiting_positions(app, org, tmp_path):
    run(org, write(tmp_path, SMALL))
    assert count(VotePosition, person_id=None) == 5
    roster = ("name,scheme,id,body,office,district,party,start,end\n"
              "Bob Smith,legistar,12,City Council,Member,3,,2023-01-01,\n"
              "Ann Jones,,,City Council,Member,1,,2022-01-01,2026-12-31\n")
    result = run(org, write(tmp_path, roster, "people.csv"), kind="people")
    assert result.status == "succeeded", result.message
    assert result.report["reviews_resolved"] == 2
    assert count(VotePosition, person_id=None) == 1  # only Cy Lee waits
    again = run(org, write(tmp_path, roster, "people.csv"), kind="people")
    assert again.imported == 0 and again.duplicates >= 2


def votes_export(org, fmt="csv"):
    handle = io.StringIO()
    votes.export_votes(org.id, handle, fmt)
    return handle.getvalue()


def test_export_columns_and_round_trip(app, org, tmp_path):
    council = make_body(org, name="City Council")
    smith = make_person(org, "Robert Smith", ids={"legistar": "12", "ocd_person": "ocd-person/1"})
    make_term(org, smith, council)
    db.session.commit()
    run(org, write(tmp_path, SMALL + "City Council,2024-03-09,M-9,=HYPERLINK(1),passed,Ann Jones,Aye,\n"))
    text = votes_export(org)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:10] == ["body", "roll_call_source_id", "date", "motion", "title", "result",
                                  "person_name", "person_ids", "position", "raw_label"]
    smith_row = next(r for r in rows if r["voter_key"] == "legistar:12")
    assert (smith_row["person_name"], smith_row["person_ids"]) == ("Robert Smith", "legistar:12;ocd_person:ocd-person/1")
    lee = next(r for r in rows if r["voter_key"] == "name:cy lee")
    assert (lee["person_name"], lee["person_ids"], lee["position"], lee["raw_label"]) == ("Cy Lee", "", "unknown", "Hold")
    assert any(r["title"] == "'=HYPERLINK(1)" for r in rows)
    assert json.loads(votes_export(org, "json"))[0]["body"] == "City Council"

    # Same organization: the export reads back as duplicates only.
    exported = write(tmp_path, text, "export.csv")
    again = run(org, exported)
    assert (again.status, again.imported, again.duplicates) == ("succeeded", 0, 6)
    # Another organization: the same positions.
    from tests.factories import make_org
    other = make_org()
    result = run(other, exported)
    assert result.imported == 6
    keep = ("body", "roll_call_source_id", "date", "motion", "result", "position", "raw_label", "voter_key")
    mine = sorted(tuple(r[k] for k in keep) for r in rows)
    theirs = sorted(tuple(r[k] for k in keep) for r in csv.DictReader(io.StringIO(votes_export(other))))
    assert mine == theirs


def test_people_csv_trims_cells_and_reports_bad_dates(app, org, tmp_path):
    roster = ("name,scheme,id,body,office,district,party,start,end\n"
              " Ann Jones , legistar , 7 , City Council ,Member,1,Green, 2022-01-01 ,\n"
              "Bob Smith,legistar,8,City Council,Member,2,,January 2022,\n")
    result = run(org, write(tmp_path, roster, "people.csv"), kind="people")
    assert (result.status, result.format, result.read) == ("succeeded", "csv", 2)
    assert [(e.line, e.field) for e in result.errors] == [(3, "start")]
    from tracker.models import Person, Term
    ann = db.session.execute(db.select(Person).filter_by(name="Ann Jones")).scalar_one()
    assert ann.ids_text() == "legistar:7"
    term = db.session.execute(db.select(Term).filter_by(person_id=ann.id)).scalar_one()
    assert (term.body.name, term.start_on, term.end_on, term.party) == ("City Council", date(2022, 1, 1), None, "Green")


def test_rematching_thousands_of_waiting_voters_keeps_each_voters_dates(app, org):
    """Every waiting voter is rematched within the dates they voted on, however many wait (an IN
    list once capped at 2,000 keys gave the rest 'any date', matching people out of term)."""
    from datetime import date

    from sqlalchemy import insert

    from tests.factories import make_body, make_roll_call
    from tracker.models import Person, Term, Voter, VotePosition, VoterReview
    from tracker.services.people import rematch_open_reviews

    body = make_body(org)
    roll_call = make_roll_call(org, body, voted_on=date(2020, 1, 7))
    count = 2_050
    letters = "abcdefghijklmnopqrstuvwxyz"
    families = [letters[n // 676] + letters[n // 26 % 26] + letters[n % 26] for n in range(count)]
    names = [f"Pat Q{family}" for family in families]  # names normalize without digits: letters only
    keys = [f"name:pat q{family}" for family in families]
    voter_ids = db.session.execute(insert(Voter).returning(Voter.id, sort_by_parameter_order=True), [
        {"organization_id": org.id, "voter_key": k, "voter_name": n} for n, k in zip(names, keys)]).scalars().all()
    db.session.execute(insert(VotePosition), [
        {"organization_id": org.id, "roll_call_id": roll_call.id, "voter_id": v, "raw_label": "Yes", "position": "yes"}
        for v in voter_ids])
    db.session.execute(insert(VoterReview), [
        {"organization_id": org.id, "body_id": body.id, "voter_key": k, "voter_name": n, "reason": "no match",
         "status": "open"} for n, k in zip(names, keys)])
    person_ids = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
        {"organization_id": org.id, "name": n, "sort_name": n} for n in names]).scalars().all()
    # Their seats start in 2024: the 2020 votes were cast by someone else of the same name.
    db.session.execute(insert(Term), [{"organization_id": org.id, "person_id": p, "body_id": body.id,
                                       "start_on": date(2024, 1, 1)} for p in person_ids])
    db.session.commit()
    assert rematch_open_reviews(org.id) == 0


def _index_names(table="vote_position"):
    return sorted(index["name"] for index in db.inspect(db.engine).get_indexes(table))


@pytest.mark.parametrize("fail", [False, True], ids=["succeeds", "fails"])
def test_a_big_sqlite_import_builds_the_position_indexes_after_its_rows(app, org, tmp_path, monkeypatch, fail):
    """SQLite defers vote_position's secondary indexes when an import at least doubles the table,
    inside the import's transaction: after it they exist again, whether it succeeded or failed.
    PostgreSQL never drops them."""
    from sqlalchemy import event

    before = _index_names()
    assert before == ["ix_vote_position_person", "ix_vote_position_waiting"]
    monkeypatch.setattr(votes, "DEFER_INDEXES_MIN_ROWS", 3)  # SMALL's 5 positions count as big
    if fail:
        def audit_down(*args, **kwargs):  # fails in finish(), after the indexes were built again
            raise RuntimeError("audit down")
        monkeypatch.setattr(votes.audit, "record", audit_down)
    seen = []

    def listener(conn, cursor, statement, *rest):
        seen.append(" ".join(statement.split()))
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = run(org, write(tmp_path, SMALL))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    ddl = [s for s in seen if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    if app.config["DB_KIND"] == "sqlite":
        assert [s.split(" ON ")[0] for s in ddl] == [
            "DROP INDEX ix_vote_position_person", "DROP INDEX ix_vote_position_waiting",
            "CREATE INDEX ix_vote_position_person", "CREATE INDEX ix_vote_position_waiting"]
        assert "WHERE person_id IS NULL" in ddl[-1]  # the partial index stays partial
    else:
        assert ddl == []
    assert _index_names() == before
    if fail:
        assert result.status == "failed" and count(VotePosition) == 0
    else:
        assert result.status == "succeeded" and count(VotePosition) == 5
        # A second import no bigger than the table keeps the indexes in place.
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            more = SMALL.replace("M-1", "M-3").replace("M-2", "M-4")
            assert run(org, write(tmp_path, more, name="more.csv")).imported == 5
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert not [s for s in seen if "INDEX" in s]


@pytest.mark.parametrize("big", [False, True], ids=["checked-row-by-row", "checked-set-wise"])
def test_a_position_that_refers_to_a_missing_person_fails_the_import(app, org, tmp_path, monkeypatch, big):
    """A big SQLite import turns the per-row foreign key checks off for its own transaction and
    checks the ids it refers to at the end instead. Either way a reference to a missing row fails
    the whole import, and the connection goes back to the pool with the checks on."""
    if big:
        monkeypatch.setattr(votes, "DEFER_INDEXES_MIN_ROWS", 3)  # SMALL's 5 positions count as big
    real_match, real_verify = votes.VoteLoader._match, votes.VoteLoader._verify_references
    checks_during_import, import_connections = [], []

    def match_one_to_a_missing_person(self, *args):
        person_ids = real_match(self, *args)
        person_ids[0] = 999_999
        return person_ids

    def verify(self):
        if app.config["DB_KIND"] == "sqlite":
            connection = db.session.connection()
            checks_during_import.append(connection.exec_driver_sql("PRAGMA foreign_keys").scalar())
            import_connections.append(connection.connection.driver_connection)
        return real_verify(self)

    monkeypatch.setattr(votes.VoteLoader, "_verify_references", verify)
    assert run(org, write(tmp_path, SMALL)).status == "succeeded"  # all references stored: accepted
    monkeypatch.setattr(votes.VoteLoader, "_match", match_one_to_a_missing_person)
    result = run(org, write(tmp_path, SMALL.replace("M-1", "M-3").replace("M-2", "M-4"), name="more.csv"))
    assert result.status == "failed" and "foreign key constraint" in result.message.lower(), result.message
    assert count(VotePosition) == 5 and count(RollCall, organization_id=org.id) == 2  # the first file's only
    if app.config["DB_KIND"] == "sqlite":
        # Off through both big imports; on through the small ones, the second failing at its insert.
        assert checks_during_import == ([0, 0] if big else [1])
        # The very connection the big import turned them off on has them on again, back in the pool.
        assert import_connections
        assert all(c.execute("PRAGMA foreign_keys").fetchone()[0] == 1 for c in import_connections)


def test_voters_filed_by_names_differing_in_digits_stay_apart(app, org, tmp_path):
    """"Number0" ... "Number99" are a hundred voters, not one voter with a hundred positions."""
    rows = "".join(f"City Council,2024-03-01,M-1,Budget,passed,Number{i},Aye,\n" for i in range(100))
    result = run(org, write(tmp_path, HEADER + rows))
    assert result.status == "succeeded", result.message
    assert (result.read, result.imported) == (100, 100)
    keys = set(db.session.execute(db.select(Voter.voter_key).where(Voter.organization_id == org.id)).scalars())
    assert keys == {f"name:number{i}" for i in range(100)}
    assert count(VotePosition) == 100


def test_people_filed_by_names_differing_in_digits_stay_apart(app, org, tmp_path):
    rows = "".join(f"Number{i},,,,,,,,\n" for i in range(3))
    path = write(tmp_path, "name,scheme,id,body,office,district,party,start,end\n" + rows, name="people.csv")
    result = run(org, path, kind="people")
    assert result.status == "succeeded", result.message
    from tracker.models import Person
    assert sorted(db.session.execute(db.select(Person.name).where(Person.organization_id == org.id)).scalars()) == \
        ["Number0", "Number1", "Number2"]
