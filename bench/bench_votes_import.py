"""Importing 1,000,000 vote positions (435 members x 2,300 roll calls, generic vote CSV) vs the
naive baseline (csv.reader + one ORM VotePosition object added per row + commit).

Ours: `run_import` (pandas chunks, bulk inserts, one key lookup per batch, voters matched by id
against a 435-person roster), median of BENCH_RUNS (default 3) runs, each on a fresh SQLite file.
Baseline: measured on the whole file by default (BENCH_BASELINE_ROWS=0), also on a fresh database
each run. A smaller BENCH_BASELINE_ROWS times a slice and scales it linearly to the full file
(`baseline_scaled_from` in the JSON), which flatters the baseline: its per-row cost grows with
the table.
Ours and the baseline alternate, run by run. Writes bench/results/votes_import.json.
"""
import csv
import os
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.harness import database_kind, peak_rss_mb, runs_from_env, scratch_app, write_result

MEMBERS = int(os.environ.get("BENCH_MEMBERS", 435))
ROLL_CALLS = int(os.environ.get("BENCH_ROLL_CALLS", 2300))
BASELINE_ROWS = int(os.environ.get("BENCH_BASELINE_ROWS", 0))  # 0: the whole file
LABELS = ("Yea", "Nay", "Yea", "Nay", "Yea", "Not Voting", "Present")
BODY = "U.S. House of Representatives"


def write_file(folder: Path) -> tuple[Path, int]:
    """The generated votes CSV (rows = members x roll calls), one roll call after another."""
    path = folder / "votes_1m.csv"
    start = date(2019, 1, 3)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "date", "motion_id", "title", "result", "person", "option", "person_id", "roll_call_id"])
        for roll in range(1, ROLL_CALLS + 1):
            day = (start + timedelta(days=roll // 8)).isoformat()
            motion, title = f"H.R. {roll}", f"On passage of H.R. {roll}"
            source_id = f"bench-house-{roll}"
            for member in range(MEMBERS):
                writer.writerow([BODY, day, motion, title, "Passed", f"Member {member:03d}",
                                 LABELS[(roll + member) % len(LABELS)], f"bioguide:B{member:06d}", source_id])
    return path, ROLL_CALLS * MEMBERS


def make_roster(org):
    """435 people with a bioguide id and a term on the House, so every voter matches by id."""
    from sqlalchemy import insert

    from tracker.extensions import db
    from tracker.models import Body, Person, PersonIdentifier, Term

    body = Body(organization_id=org.id, name=BODY, kind="lower")
    db.session.add(body)
    db.session.flush()
    ids = db.session.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), [
        {"organization_id": org.id, "name": f"Member {m:03d}", "sort_name": f"{m:03d}, Member"} for m in range(MEMBERS)]).scalars().all()
    db.session.execute(insert(PersonIdentifier), [{"organization_id": org.id, "person_id": p, "scheme": "bioguide",
                                                   "value": f"B{m:06d}"} for m, p in enumerate(ids)])
    db.session.execute(insert(Term), [{"organization_id": org.id, "person_id": p, "body_id": body.id,
                                       "start_on": date(2019, 1, 3), "office": "Representative"} for p in ids])
    db.session.commit()


def fresh_org():
    from tracker.extensions import db
    from tracker.models import Organization

    org = Organization(slug="bench", name="Bench")
    db.session.add(org)
    db.session.commit()
    make_roster(org)
    return org


def ours_once(path: Path) -> float:
    """One timed run of `run_import` on a fresh database and roster."""
    from tracker.extensions import db
    from tracker.services import ingest
    from tracker.services.jobs import LOADERS

    app = scratch_app()
    with app.app_context():
        org = fresh_org()
        started = time.perf_counter()
        result = ingest.run_import(org, "votes", path, LOADERS["votes"], ingest.ImportOptions(fmt="csv"))
        elapsed = time.perf_counter() - started
        assert result.status == "succeeded" and result.imported == ROLL_CALLS * MEMBERS, result.summary()
        db.engine.dispose()
    return elapsed


def baseline_once(path: Path) -> float:
    """csv.reader, one RollCall per new roll call, one Voter per new voter key and one VotePosition
    ORM object per row, commit."""
    from imports.vote_options import canonical_position
    from tracker.extensions import db
    from tracker.models import Body, RollCall, Voter, VotePosition
    from tracker.services.people import persons_by_identifier

    app = scratch_app()
    with app.app_context():
        org = fresh_org()
        body_id = db.session.execute(db.select(Body.id)).scalar_one()
        start = time.perf_counter()
        roll_calls, voters = {}, {}
        # The baseline matches voters too, but generously: one lookup of all ids up front.
        people_by_key = persons_by_identifier(org.id, [f"bioguide:B{m:06d}" for m in range(MEMBERS)])
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            for number, row in enumerate(reader):
                if BASELINE_ROWS and number >= BASELINE_ROWS:
                    break
                body, day, motion, title, result, person, option, person_id, source_id = row
                roll_call = roll_calls.get(source_id)
                if roll_call is None:
                    roll_call = RollCall(organization_id=org.id, body_id=body_id, voted_on=date.fromisoformat(day),
                                         source="csv", source_id=source_id, motion=motion, title=title, result=result)
                    db.session.add(roll_call)
                    db.session.flush()
                    roll_calls[source_id] = roll_call
                voter = voters.get(person_id)
                if voter is None:
                    voter = Voter(organization_id=org.id, voter_key=person_id, voter_name=person)
                    db.session.add(voter)
                    db.session.flush()
                    voters[person_id] = voter
                db.session.add(VotePosition(organization_id=org.id, roll_call_id=roll_call.id, voter_id=voter.id,
                                            raw_label=option, position=canonical_position(option),
                                            person_id=people_by_key.get(person_id), source_line=number + 2))
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.engine.dispose()
    return elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-votes-"))
    path, rows = write_file(folder)
    # Ours and the baseline alternate, run by run, so both see the same machine (the baseline's
    # time moved between 57 and 80 s from one benchmark to the next when it ran after ours).
    times, baseline_times, ours_peak_rss = [], [], None
    for _ in range(runs_from_env(3)):
        times.append(ours_once(path))
        if ours_peak_rss is None:
            ours_peak_rss = peak_rss_mb()  # before any baseline run, whose ORM objects would count otherwise
        baseline_times.append(baseline_once(path))
    median, baseline_slice_median = statistics.median(times), statistics.median(baseline_times)
    scale = rows / BASELINE_ROWS if BASELINE_ROWS else 1
    baseline_median = round(baseline_slice_median * scale, 3)
    kind = database_kind()
    write_result("votes_import" if kind == "sqlite" else f"votes_import_{kind}", rows=rows, median_s=round(median, 3),
                 times_s=[round(t, 3) for t in times], baseline_median_s=baseline_median,
                 baseline_scaled_from=BASELINE_ROWS or rows, baseline_slice_median_s=round(baseline_slice_median, 3),
                 baseline_slice_times_s=[round(t, 3) for t in baseline_times],
                 ratio=round(baseline_median / median, 2), database=kind,
                 peak_rss_mb=ours_peak_rss, peak_rss_mb_with_baseline=peak_rss_mb(),
                 file=f"generic vote CSV, {MEMBERS} members x {ROLL_CALLS} roll calls, {path.stat().st_size // 1_000_000} MB")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
