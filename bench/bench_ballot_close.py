"""Closing a secret online ballot with 20,000 electors: a ranked question of 8 options (7 competing
new texts for one plank and "keep the current text") and a yes/no question (a new plank).

Setup (untimed, rebuilt identically before every run: tables dropped and created, same seed):
an organization with 20,000 active members (and 1,000 lapsed ones, who are not electors) inserted
in bulk with one precomputed password hash; an adopted program of 20 planks; the 8 proposals,
each with more co-sponsors than the organization's setting needs; the ballot made by
``tracker.services.ballots.create`` (opened at once: 20,000 electors frozen); then every elector's
votes inserted in bulk into ballot_vote (rankings of 1 to 8 options with ties, the rest unranked;
yes, no and abstain; one receipt per member) and ballot_elector.voted_at set. On PostgreSQL the
tables are analyzed, as autovacuum would have done during a week-long ballot.

Timed: ``tracker.services.ballots.close(ballot, now=after closes_at)`` from a fresh session, as
``close_due`` calls it: counting, storing the results, moving the 40,000 choices to cast_ballot
(without their member) and deleting them from ballot_vote, writing the two passed proposals into a
new draft version, the audit event and the commit. Every run is checked afterwards (outcomes
equal to an independent count of the generated ballots, rows moved, draft written).

Target (issue 14): under 1 s on SQLite and on PostgreSQL. Median of BENCH_RUNS runs (default 5),
with this process's CPU seconds and, on PostgreSQL, the server backends' CPU seconds (read from
/proc: the server runs on this machine), since on a shared machine the wall clock moves with the
load; then three runs timed per phase (count, archive, apply, commit) and SQL statement (the one
with the median total is kept), and one under cProfile.
Writes bench/results/ballot_close.json (ballot_close_postgresql.json with BENCH_DATABASE_URL).
"""
import cProfile
import os
import pstats
import statistics
import time
from datetime import datetime, timedelta

import numpy as np

from bench.harness import database_kind, runs_from_env, scratch_app, write_result
from bench.program_world import plank_body, plank_specs

ELECTORS, LAPSED = 20_000, 1_000
COMPETING = 7  # + "keep the current text" = 8 options
TARGET_S = 1.0
NOW = datetime(2026, 3, 1, 12, 0)
OPENS, CLOSES = NOW - timedelta(hours=1), NOW + timedelta(days=7)
CLOSE_AT = CLOSES + timedelta(minutes=1)
# A fixed, precomputed scrypt hash: 21,000 members are inserted, never given a password one by one.
PASSWORD_HASH = ("scrypt:32768:8:1$jHz4eIz1FsNQfuW6$60f902380f2ee278a923a6f7bed279e9c3a2e4ee93397abe69c30808f6d44fe9c852"
                 "c4b1ad9cdf1220b43229807e74f864891beadfcca4e25367af9d1bd711a5")
RECEIPT_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
# How much members like each option (the last is "keep the current text"): option 3 should win.
APPEAL = np.array([0.2, 0.5, 0.9, 0.1, 0.3, 0.0, 0.4, 0.6])


def generate_votes(rng: np.random.Generator, n: int) -> dict:
    """Ranked ballots (n x 8 rank matrix, 0 = unranked), yes/no/abstain answers, receipts and times."""
    options = len(APPEAL)
    order = np.argsort(-(APPEAL + rng.normal(0, 0.6, (n, options))), axis=1)  # each member's order of preference
    ranked = rng.choice(np.arange(1, options + 1), n, p=[0.10, 0.15, 0.20, 0.15, 0.10, 0.08, 0.07, 0.15])
    new_level = rng.random((n, options)) >= 0.12  # about one option in eight ranked equal to the one before
    new_level[:, 0] = True
    level = np.cumsum(new_level, axis=1)
    level[np.arange(options)[None, :] >= ranked[:, None]] = 0  # past the member's last choice: unranked
    ranks = np.zeros((n, options), dtype=np.int64)
    np.put_along_axis(ranks, order, level, axis=1)
    answers = rng.choice(np.array(["yes", "no", "abstain"]), n, p=[0.56, 0.34, 0.10])
    letters = RECEIPT_ALPHABET[rng.integers(0, len(RECEIPT_ALPHABET), (n, 12))]
    receipts = ["-".join(("".join(row[:4]), "".join(row[4:8]), "".join(row[8:]))) for row in letters.tolist()]
    cast_at = [OPENS + timedelta(seconds=int(s)) for s in rng.integers(60, 6 * 86_400, n)]
    return {"ranks": ranks, "answers": answers, "receipts": receipts, "cast_at": cast_at}


def build(app) -> dict:
    """A fresh, identical state: returns the ballot id and what its close must find."""
    from sqlalchemy import insert, select, text, update

    from tracker import ballots as core
    from tracker.extensions import db
    from tracker.models import (BallotElector, BallotVote, Member, Organization, Plank, Program, ProgramVersion)
    from tracker.services import ballots, proposals
    from tracker.services import program as program_service

    rng = np.random.default_rng(2026)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        org = Organization(slug="bench-close", name="Bench City Organization")
        db.session.add(org)
        db.session.flush()
        db.session.execute(insert(Member), [
            {"organization_id": org.id, "email": f"member{n}@bench.example", "name": f"Member {n:05d}",
             "password_hash": PASSWORD_HASH, "role": "committee" if n == 1 else "member", "active": n <= ELECTORS,
             "created_at": datetime(2024, 1, 1) + timedelta(minutes=n)} for n in range(1, ELECTORS + LAPSED + 1)])
        members = db.session.execute(select(Member).where(Member.organization_id == org.id, Member.id <= 40)
                                     .order_by(Member.id)).scalars().all()
        committee = members[0]

        program = Program(organization_id=org.id, title="Our program")
        db.session.add(program)
        db.session.flush()
        version = ProgramVersion(organization_id=org.id, program_id=program.id, number=1, created_at=datetime(2025, 1, 1))
        db.session.add(version)
        db.session.flush()
        db.session.add_all([Plank(organization_id=org.id, version_id=version.id, position=position, **spec)
                            for position, spec in enumerate(plank_specs(rng, 20), start=1)])
        db.session.flush()
        db.session.refresh(version)
        program_service.adopt(version, adopted_at=datetime(2025, 3, 1))
        target = version.planks[0]

        needed = int(ballots.settings(org)["cosponsors_needed"])
        competing = [proposals.propose(org, members[1 + i], kind="amendment", title=target.title,
                                       body=plank_body(rng), target_plank=target, now=NOW - timedelta(days=30),
                                       rationale="The current text promises too little.") for i in range(COMPETING)]
        new_plank = proposals.propose(org, members[8], kind="new_plank", title="Public broadband",
                                      body=plank_body(rng), category=target.category, tier="minimum",
                                      now=NOW - timedelta(days=30))
        for index, proposal in enumerate(competing + [new_plank]):
            backers = [m for m in members[10:] if m.id != proposal.proposed_by_id]
            for member in backers[index:index + needed + 2]:
                proposals.cosponsor(proposal, member, now=NOW - timedelta(days=20))
        db.session.commit()

        ballot = ballots.create(org, committee, ballots.BallotPlan(
            title="Spring convention: housing plank and broadband", opens_at=OPENS, closes_at=CLOSES,
            proposal_groups=[[p.id for p in competing], [new_plank.id]], secret=True), now=NOW)
        db.session.commit()
        assert ballot.status == "open" and ballot.electorate_count == ELECTORS, (ballot.status, ballot.electorate_count)
        ranked, yes_no = ballot.questions
        assert ranked.kind == "ranked" and len(ranked.options) == COMPETING + 1 and yes_no.kind == "yes_no"

        electors = db.session.execute(select(BallotElector.member_id).where(BallotElector.ballot_id == ballot.id)
                                      .order_by(BallotElector.member_id)).scalars().all()
        votes = generate_votes(rng, len(electors))
        stored = [",".join(str(r) if r else "" for r in row) for row in votes["ranks"].tolist()]
        rows = []
        for index, member_id in enumerate(electors):
            common = {"organization_id": org.id, "member_id": member_id, "receipt": votes["receipts"][index],
                      "cast_at": votes["cast_at"][index]}
            rows.append({**common, "question_id": ranked.id, "choice": None, "ranks": stored[index]})
            rows.append({**common, "question_id": yes_no.id, "choice": str(votes["answers"][index]), "ranks": None})
        db.session.execute(insert(BallotVote), rows)
        last_vote = (select(db.func.max(BallotVote.cast_at)).where(BallotVote.member_id == BallotElector.member_id)
                     .scalar_subquery())
        db.session.execute(update(BallotElector).where(BallotElector.ballot_id == ballot.id).values(voted_at=last_vote))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:  # committed: statistics roll back with their transaction
                connection.execute(text("ANALYZE"))  # only this run's schema is on the search path
        labels = [option.label for option in ranked.options]
        expected = core.tally_ranked(labels, votes["ranks"], default=core.DEFAULT_OPTION,
                                     quorum=ballot.quorum_needed, majority=ranked.majority)
        answers = {choice: int((votes["answers"] == choice).sum()) for choice in ("yes", "no", "abstain")}
        winner = next(p for p, label in zip(competing, labels) if label == expected.winner)
        built = {"ballot_id": ballot.id, "ranked": expected, "answers": answers, "winner_body": winner.body,
                 "target_key": target.key, "new_plank_title": new_plank.title}
        db.session.remove()
        return built


APPLICATION_NAME = f"bench_ballot_close_{os.getpid()}"


def server_cpu_s(app) -> float | None:
    """CPU seconds used so far by this benchmark's PostgreSQL backends (the server runs on this
    machine), read from /proc; None on SQLite or when they cannot be read. On a shared machine
    the wall-clock time moves with the load; CPU seconds much less."""
    from sqlalchemy import text

    from tracker.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        with db.engine.connect() as connection:
            pids = connection.execute(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                      {"name": APPLICATION_NAME}).scalars().all()
    ticks = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat(5))
    return ticks / os.sysconf("SC_CLK_TCK")


def close_once(app, built: dict) -> dict:
    """The timed step: close the ballot from a fresh session. Returns wall-clock seconds, this
    process's CPU seconds and (PostgreSQL) the server backends' CPU seconds."""
    from tracker.extensions import db
    from tracker.models import Ballot
    from tracker.services import ballots

    server_before = server_cpu_s(app)
    with app.app_context():
        ballot = db.session.get(Ballot, built["ballot_id"])
        start, cpu = time.perf_counter(), time.process_time()
        assert ballots.close(ballot, now=CLOSE_AT) is True
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.session.remove()
    server_after = server_cpu_s(app)
    server = None if server_before is None or server_after is None else server_after - server_before
    return {"wall": wall, "cpu": cpu, "server_cpu": server}


def verify(app, built: dict) -> dict:
    """What the close did matches an independent count of the generated ballots."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Ballot, BallotVote, CastBallot
    from tracker.services import program as program_service

    with app.app_context():
        ballot = db.session.get(Ballot, built["ballot_id"])
        ranked, yes_no = ballot.questions
        expected = built["ranked"]
        assert ballot.status == "closed"
        assert ranked.outcome == "winner" and ranked.result["winner"] == expected.winner, ranked.result.get("winner")
        assert ranked.result["pairwise"] == expected.as_dict()["pairwise"]
        assert {k: yes_no.result[k] for k in built["answers"]} == built["answers"] and yes_no.outcome == "passed"
        assert db.session.execute(select(func.count()).select_from(BallotVote)).scalar_one() == 0
        cast = db.session.execute(select(func.count(), func.count(CastBallot.member_id))).one()
        assert tuple(cast) == (2 * ELECTORS, 0), tuple(cast)
        draft = program_service.draft_version(ballot.organization_id)
        by_key = {plank.key: plank for plank in draft.planks}
        assert by_key[built["target_key"]].body == built["winner_body"]
        assert built["new_plank_title"] in [plank.title for plank in draft.planks] and len(draft.planks) == 21
        summary = {"ranked_winner": expected.winner, "ranked_ballots": int(expected.as_dict().get("ballots", 0) or 0),
                   "yes_no": built["answers"], "yes_no_outcome": yes_no.outcome, "cast_ballots": cast[0]}
        db.session.remove()
    return summary


def phase_times(app, built: dict) -> dict:
    """One close with the phases of ``close`` timed (count, archive, apply, commit; "other" is
    the conditional UPDATE, loading the ballot and the audit event) and every SQL statement timed
    (the slowest are returned)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tracker.extensions import db
    from tracker.services import ballots

    spent = {"count": 0.0, "archive": 0.0, "apply": 0.0, "commit": 0.0}
    originals = {"count": ballots._count, "archive": ballots._archive_choices, "apply": ballots._apply}
    statements = []

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start
        return wrapper

    def before(conn, cursor, statement, *args):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, *args):
        statements.append((time.perf_counter() - conn.info.pop("bench_started"), " ".join(statement.split())[:90]))

    with app.app_context():
        engine = db.engine
    commit = Session.commit
    ballots._count, ballots._archive_choices, ballots._apply = (timed(name, originals[name])
                                                                for name in ("count", "archive", "apply"))
    Session.commit = timed("commit", commit)
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        total = close_once(app, built)["wall"]
    finally:
        ballots._count, ballots._archive_choices, ballots._apply = (originals[name] for name in ("count", "archive", "apply"))
        Session.commit = commit
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    spent = {name: round(seconds, 4) for name, seconds in spent.items()}
    spent["other"] = round(total - sum(spent.values()), 4)
    spent["total"] = round(total, 4)
    statements = [item for item in statements if "pg_stat_activity" not in item[1]]  # server_cpu_s's own
    spent["sql_statements"] = len(statements)
    spent["sql_s"] = round(sum(seconds for seconds, _ in statements), 4)
    spent["slowest_sql"] = [f"{seconds:.4f}s {text}" for seconds, text in sorted(statements, reverse=True)[:4]]
    return spent


def profile(app, built: dict) -> dict:
    """One close under cProfile: cumulative seconds of the phases and the heaviest functions."""
    from tracker.extensions import db
    from tracker.models import Ballot
    from tracker.services import ballots

    profiler = cProfile.Profile()
    with app.app_context():
        ballot = db.session.get(Ballot, built["ballot_id"])
        profiler.enable()
        ballots.close(ballot, now=CLOSE_AT)
        profiler.disable()
        db.session.remove()
    stats = pstats.Stats(profiler)
    rows = {f"{os.path.basename(file)}:{line}:{name}": (calls, own, cumulative)
            for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items()}
    phases = {}
    for label, name in (("close", "close"), ("count", "_count"), ("tally_ranked", "tally_ranked"),
                        ("ranks_matrix", "ranks_matrix"), ("archive", "_archive_choices"), ("apply", "_apply"),
                        ("commit", "commit")):
        matches = [cumulative for key, (_, _, cumulative) in rows.items()
                   if key.endswith(f":{name}") and (name != "commit" or key.startswith("session.py"))]
        phases[label] = round(max(matches), 4) if matches else None
    heaviest = sorted(rows.items(), key=lambda item: -item[1][2])[:15]
    return {"cumulative_s": phases,
            "top_cumulative": [f"{cumulative:.4f}s {calls}x {key}" for key, (calls, _, cumulative) in heaviest]}


def main() -> None:
    kind = database_kind()
    url = os.environ.get("BENCH_DATABASE_URL")
    # Named connections, so the server's CPU spent on them can be read (server_cpu_s).
    app = scratch_app(f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"
                      if kind == "postgresql" else None)
    runs = runs_from_env(5)
    times, cpu_times, server_times, setup_times = [], [], [], []
    summary = None
    for _ in range(runs):
        started = time.perf_counter()
        built = build(app)
        setup_times.append(time.perf_counter() - started)
        measured = close_once(app, built)
        times.append(measured["wall"])
        cpu_times.append(measured["cpu"])
        server_times.append(measured["server_cpu"])
        summary = verify(app, built)
    # The phases of the close: three more runs, the one with the median total kept.
    phase_runs = sorted((phase_times(app, build(app)) for _ in range(3)), key=lambda phases: phases["total"])
    phases = phase_runs[1]
    profiled = profile(app, build(app))
    median = statistics.median(times)
    write_result("ballot_close" if kind == "sqlite" else f"ballot_close_{kind}", median_s=round(median, 4),
                 target_s=TARGET_S, meets_target=median < TARGET_S, database=kind, runs=runs,
                 times_s=[round(t, 4) for t in times], cpu_median_s=round(statistics.median(cpu_times), 4),
                 server_cpu_median_s=round(statistics.median(server_times), 3) if None not in server_times else None,
                 electors=ELECTORS, options=COMPETING + 1, questions=2, phases_s=phases, profile=profiled,
                 setup_median_s=round(statistics.median(setup_times), 2), load_average=os.getloadavg()[0],
                 checked=summary)


if __name__ == "__main__":
    main()
