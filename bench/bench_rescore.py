"""Full recompute of every score at national scale, against a naive per-official baseline.

Data (numpy, seeded, bulk-inserted into a scratch SQLite database): 535 officials (435 House,
100 Senate; 10 of them join mid-period), 20,000 roll calls over 2023-2024 (10,000 per chamber),
about 5.3 million positions, 20 planks and 2,000 approved alignments (1,800 roll calls, 200 of
them tagged with a second plank). Writes bench/results/rescore.json with median_s,
baseline_median_s, ratio, positions (all positions in the database), aligned_positions (the
ones a recompute reads), scores, baseline_scaled_from.

Baseline = the same output computed naively: for each official, one ORM query for their
positions on aligned roll calls, then Python loops per scope/window/crucial flag, and one Score
ORM object (with its details) per result. It is run on a sample of officials and scaled linearly.
The two alternate, run by run, so that both see the same load on a shared machine.
"""
import os
import shutil
import statistics
import time
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from bench.harness import runs_from_env, scratch_app, write_result

HOUSE, SENATE, LATE_JOINERS = 435, 100, 10
ROLL_CALLS_PER_CHAMBER = 10_000
PLANKS, ALIGNED_ROLL_CALLS, SECOND_PLANK = 20, 1_800, 200
START, DAYS = np.datetime64("2023-01-09"), 700
JOIN_ON = date(2024, 1, 3)
SAMPLE = int(os.environ.get("BENCH_BASELINE_SAMPLE", 12))


def _bulk(connection, table, columns, rows):
    """Insert many tuples through the DB-API (the statement is compiled from the table, not written)."""
    from operator import itemgetter

    from sqlalchemy import insert

    from datetime import datetime

    compiled = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    # Columns with Python-side defaults (created_at) are compiled in too: give them one value.
    extra = [name for name in compiled.positiontup if name not in columns]
    now = datetime(2026, 1, 1)
    width = len(columns)
    order = itemgetter(*[columns.index(name) if name in columns else width + extra.index(name)
                         for name in compiled.positiontup])
    tail = tuple(now for _ in extra)
    cursor = connection.connection.driver_connection.cursor()
    cursor.executemany(str(compiled), (order(tuple(row) + tail) for row in rows))


def generate(app) -> dict:
    """Build the national-scale data set; returns counts."""
    from tracker.extensions import db
    from tracker.models import (Alignment, Body, Organization, Person, Plank, Program, ProgramVersion, RollCall, Term,
                                Voter, VotePosition)

    rng = np.random.default_rng(2026)
    with app.app_context():
        org = Organization(slug="national", name="National scale")
        db.session.add(org)
        db.session.flush()
        program = Program(organization_id=org.id, title="Program")
        db.session.add(program)
        db.session.flush()
        version = ProgramVersion(organization_id=org.id, program_id=program.id, number=1, status="adopted",
                                 text_sha256="0" * 64)
        db.session.add(version)
        db.session.flush()
        planks = [Plank(organization_id=org.id, version_id=version.id, position=i + 1, title=f"Plank {i + 1}",
                        body="", category="General", key=f"p{i + 1}") for i in range(PLANKS)]
        house = Body(organization_id=org.id, name="House", kind="lower", seats=HOUSE)
        senate = Body(organization_id=org.id, name="Senate", kind="upper", seats=SENATE)
        db.session.add_all(planks + [house, senate])
        db.session.flush()
        people = [Person(organization_id=org.id, name=f"Official {i}", sort_name=f"Official {i:04d}")
                  for i in range(HOUSE + SENATE)]
        db.session.add_all(people)
        db.session.flush()
        person_ids = np.array([p.id for p in people])
        voters = [Voter(organization_id=org.id, voter_key=f"id:{p.id}", voter_name=p.name) for p in people]
        db.session.add_all(voters)
        db.session.flush()
        voter_of_person = dict(zip(person_ids.tolist(), (v.id for v in voters)))
        late = set(rng.choice(HOUSE + SENATE, LATE_JOINERS, replace=False).tolist())
        for index, person in enumerate(people):
            db.session.add(Term(organization_id=org.id, person_id=person.id,
                                body_id=house.id if index < HOUSE else senate.id,
                                start_on=JOIN_ON if index in late else date(2023, 1, 3)))
        db.session.commit()
        connection = db.session.connection()

        count = 2 * ROLL_CALLS_PER_CHAMBER
        days = np.sort(rng.integers(0, DAYS, count))
        voted_on = (START + days).astype("datetime64[D]").astype(object)
        chamber = rng.permutation(np.repeat([0, 1], ROLL_CALLS_PER_CHAMBER))
        yes_counts = np.where(chamber == 0, rng.integers(180, 260, count), rng.integers(40, 62, count))
        rc_rows = [(org.id, int(house.id if c == 0 else senate.id), d, "bench", f"rc-{i}", f"Motion {i}", "1/2",
                    int(y), int((HOUSE if c == 0 else SENATE) - y - 5), False)
                   for i, (c, d, y) in enumerate(zip(chamber, voted_on, yes_counts))]
        _bulk(connection, RollCall.__table__, ["organization_id", "body_id", "voted_on", "source", "source_id", "title",
                                               "required_majority", "yes_count", "no_count", "needs_review"], rc_rows)
        first_rc = db.session.execute(db.select(db.func.min(RollCall.id))).scalar()
        rc_ids = np.arange(first_rc, first_rc + count)

        positions = 0
        labels = np.array(["Yea", "Nay", "Not Voting", "Present"])
        canonical = np.array(["yes", "no", "not_voting", "present"])
        late_ids = person_ids[sorted(late)]
        for c, members in ((0, person_ids[:HOUSE]), (1, person_ids[HOUSE:])):
            chamber_rcs = rc_ids[chamber == c]
            chamber_days = voted_on[chamber == c]
            for start in range(0, len(chamber_rcs), 1000):
                block = chamber_rcs[start:start + 1000]
                block_days = chamber_days[start:start + 1000]
                rc_col = np.repeat(block, len(members))
                person_col = np.tile(members, len(block))
                day_col = np.repeat(block_days, len(members))
                seated = ~(np.isin(person_col, late_ids) & (day_col < JOIN_ON))
                choice = rng.choice(4, len(rc_col), p=[0.55, 0.40, 0.04, 0.01])
                rows = list(zip([org.id] * int(seated.sum()), rc_col[seated].tolist(), person_col[seated].tolist(),
                                [voter_of_person[p] for p in person_col[seated].tolist()],
                                labels[choice[seated]].tolist(), canonical[choice[seated]].tolist()))
                _bulk(connection, VotePosition.__table__, ["organization_id", "roll_call_id", "person_id", "voter_id",
                                                           "raw_label", "position"], rows)
                positions += len(rows)

        aligned = rng.choice(rc_ids, ALIGNED_ROLL_CALLS, replace=False)
        plank_ids = np.array([p.id for p in planks])
        first = rng.choice(plank_ids, ALIGNED_ROLL_CALLS)
        second_rcs = aligned[:SECOND_PLANK]
        second = (first[:SECOND_PLANK] - plank_ids[0] + 1) % PLANKS + plank_ids[0]
        pro = rng.choice(["yes", "no"], ALIGNED_ROLL_CALLS + SECOND_PLANK, p=[0.7, 0.3])
        pro[ALIGNED_ROLL_CALLS:] = pro[:SECOND_PLANK]  # the second plank agrees on the pro position
        weights = rng.choice([1, 2], ALIGNED_ROLL_CALLS + SECOND_PLANK, p=[0.85, 0.15])
        al_rows = [(org.id, int(r), int(p), str(s), int(w), "", "approved")
                   for r, p, s, w in zip(np.concatenate([aligned, second_rcs]), np.concatenate([first, second]), pro, weights)]
        _bulk(connection, Alignment.__table__, ["organization_id", "roll_call_id", "plank_id", "pro_position", "weight",
                                                "rationale", "status"], al_rows)
        db.session.commit()
        aligned_positions = db.session.execute(db.select(db.func.count()).select_from(VotePosition).where(
            VotePosition.roll_call_id.in_(db.select(Alignment.roll_call_id)))).scalar()
        return {"organization_id": org.id, "positions": positions, "roll_calls": count,
                "alignments": len(al_rows), "officials": len(people), "aligned_positions": aligned_positions}


def naive_recompute(org, person_ids) -> int:
    """The baseline: per official, ORM queries and Python loops; Score objects added then rolled back."""
    from tracker.extensions import db
    from tracker.models import Alignment, Excusal, RollCall, Score, Term, VotePosition
    from tracker.services.scores import get_options

    options = get_options(org)
    made = 0
    for person_id in person_ids:
        terms = db.session.execute(db.select(Term).filter_by(person_id=person_id)).scalars().all()
        excused = {e.roll_call_id for e in db.session.execute(db.select(Excusal).filter_by(person_id=person_id)).scalars()}
        rows = db.session.execute(
            db.select(VotePosition, Alignment, RollCall).join(Alignment, Alignment.roll_call_id == VotePosition.roll_call_id)
            .join(RollCall, RollCall.id == VotePosition.roll_call_id)
            .where(VotePosition.person_id == person_id, Alignment.status == "approved")).all()
        buckets = defaultdict(list)
        for position, alignment, roll_call in rows:
            term = next((t for t in terms if t.body_id == roll_call.body_id and t.start_on <= roll_call.voted_on
                         and (t.end_on is None or roll_call.voted_on <= t.end_on)), None)
            if term is None:
                continue
            crucial = abs((roll_call.yes_count or 0) - (roll_call.no_count or 0)) // 2 + 1 <= options.crucial_swing_max
            if position.position == alignment.pro_position:
                outcome = "agree"
            elif position.position in ("yes", "no"):
                outcome = "disagree"
            elif options.absence_policy != "exclude" and position.position in options.counted_against \
                    and position.roll_call_id not in excused:
                outcome = "missed"
            else:
                outcome = "excluded"
            vote = {"roll_call_id": roll_call.id, "source_id": roll_call.source_id, "weight": alignment.weight,
                    "outcome": outcome, "position": position.position, "raw_label": position.raw_label}
            for scope in ("overall", f"plank:{alignment.plank_id}"):
                for window in ("lifetime", f"year:{roll_call.voted_on.year}", f"term:{term.id}"):
                    for crucial_only in ((False, True) if crucial else (False,)):
                        buckets[(scope, window, crucial_only)].append(vote)
        for (scope, window, crucial_only), votes in buckets.items():
            if scope == "overall":  # a roll call on two planks counts once
                votes = list({v["roll_call_id"]: v for v in votes}.values())
            agree = sum(v["weight"] for v in votes if v["outcome"] == "agree")
            den = sum(v["weight"] for v in votes if v["outcome"] != "excluded")
            counted = sum(1 for v in votes if v["outcome"] != "excluded")
            exact = (Decimal(100 * agree) / den).quantize(Decimal("0.01"), ROUND_HALF_UP) \
                if den and counted >= options.min_counted_votes else None
            db.session.add(Score(organization_id=org.id, person_id=person_id, scope=scope, window=window,
                                 crucial_only=crucial_only, score_exact=exact, status="ok" if exact is not None else
                                 "insufficient_data", counted=counted, rule_set=options.rule_set_name(),
                                 details={"votes": votes}))
            made += 1
        db.session.flush()
    db.session.rollback()
    return made


def main() -> None:
    app = scratch_app()
    try:
        _measure(app)
    finally:  # the scratch database is several hundred MB
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def _measure(app) -> None:
    started = time.perf_counter()
    counts = generate(app)
    generated_s = time.perf_counter() - started
    with app.app_context():
        from tracker.extensions import db
        from tracker.models import Organization, Person, Score
        from tracker.services import scores

        org = db.session.get(Organization, counts["organization_id"])
        runs = runs_from_env(3)
        summaries, cpu_times = [], []

        def timed_recompute():
            cpu = time.process_time()
            summaries.append(scores.recompute(org))
            cpu_times.append(time.process_time() - cpu)

        person_ids = db.session.execute(db.select(Person.id).order_by(Person.id)).scalars().all()
        sample = person_ids[:: max(1, len(person_ids) // SAMPLE)][:SAMPLE]
        scale = len(person_ids) / len(sample)
        times, baseline_times, baseline_cpu = [], [], []
        # Ours and the baseline alternate, run by run, so both see the same load on a shared machine.
        for _ in range(runs):
            start = time.perf_counter()
            timed_recompute()  # the first run writes every score, later ones rewrite them
            times.append(time.perf_counter() - start)
            stored = db.session.execute(db.select(db.func.count(Score.id))).scalar()
            # The baseline starts from an empty table; it rolls back, which brings the scores back.
            db.session.execute(db.delete(Score))
            start, cpu = time.perf_counter(), time.process_time()
            naive_recompute(org, sample)
            baseline_times.append((time.perf_counter() - start) * scale)
            baseline_cpu.append((time.process_time() - cpu) * scale)
        median = statistics.median(times)
        baseline = statistics.median(baseline_times)
    write_result("rescore", median_s=round(median, 3), runs=runs, times_s=[round(t, 3) for t in times],
                 baseline_median_s=round(baseline, 3), ratio=round(baseline / median, 1),
                 baseline_scaled_from=f"{len(sample)} of {len(person_ids)} officials, scaled linearly",
                 baseline_times_s=[round(t, 3) for t in baseline_times],
                 # CPU seconds as well: on a shared machine wall-clock medians move with the load.
                 cpu_median_s=round(statistics.median(cpu_times), 3),
                 baseline_cpu_median_s=round(statistics.median(baseline_cpu), 3),
                 cpu_ratio=round(statistics.median(baseline_cpu) / statistics.median(cpu_times), 1),
                 load_average=os.getloadavg()[0],
                 positions=counts["positions"], aligned_positions=counts["aligned_positions"],
                 roll_calls=counts["roll_calls"], alignments=counts["alignments"], officials=counts["officials"],
                 scores=stored, target_s=10, target_ratio=50, generate_s=round(generated_s, 1),
                 last_recompute=summaries[-1] if summaries else None)


if __name__ == "__main__":
    main()
