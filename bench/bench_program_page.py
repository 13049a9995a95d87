"""The program pages with a 60-plank program, through the Flask test client (no HTTP server).

Data: one organization with adopted version 2 (60 planks of 2-6 sentences, eight categories, both
tiers), the version 1 it was drafted from (58 planks: version 2 changed 8 texts, moved 2 planks
to another category, removed 2 and added 4, each through a proposal), and draft version 3 (3
texts changed by passed proposals).

Measured, anonymous and signed in as a member (members see more: the draft, links to propose,
the proposals written into each version): GET /program/ (the adopted version; target: median
under 50 ms), /program/versions/ and /program/diff?from=1&to=2 (no target). Median of BENCH_RUNS
(default 50) requests after a warm-up; each request runs in its own request and app context, as
in production. Queries per page are counted with SQLAlchemy's before_cursor_execute event. This
process's CPU time per request is recorded too (on a shared machine the wall clock moves with the
load; the database server's own time is not in it).

Writes bench/results/program_page.json (program_page_postgresql.json with BENCH_DATABASE_URL).
"""
import os
import re
import statistics
import time
from datetime import datetime

import numpy as np

from bench.harness import database_kind, runs_from_env, scratch_app, write_result
from bench.program_world import CATEGORIES, plank_body, plank_specs

TARGET_S = 0.050
WARMUP = 5
# A fixed, precomputed scrypt hash: members are inserted, never given a password one by one.
PASSWORD_HASH = ("scrypt:32768:8:1$jHz4eIz1FsNQfuW6$60f902380f2ee278a923a6f7bed279e9c3a2e4ee93397abe69c30808f6d44fe9c852"
                 "c4b1ad9cdf1220b43229807e74f864891beadfcca4e25367af9d1bd711a5")
PAGES = {"program": "/program/", "versions": "/program/versions/", "diff": "/program/diff?from=1&to=2"}


def _add_version(org, program, number: int, specs: list[dict], based_on=None):
    from tracker.extensions import db
    from tracker.models import Plank, ProgramVersion

    version = ProgramVersion(organization_id=org.id, program_id=program.id, number=number,
                             based_on_id=based_on.id if based_on else None, created_at=datetime(2024 + number, 1, 10))
    db.session.add(version)
    db.session.flush()
    db.session.add_all([Plank(organization_id=org.id, version_id=version.id, position=position, key=spec["key"],
                              title=spec["title"], body=spec["body"], category=spec["category"], tier=spec["tier"])
                        for position, spec in enumerate(specs, start=1)])
    db.session.flush()
    db.session.refresh(version)
    return version


def _proposal(org, member, version_before, kind, spec, applied, status):
    from tracker.models import Proposal

    target = next((p for p in version_before.planks if p.key == spec["key"]), None) if version_before else None
    return Proposal(organization_id=org.id, version_id=version_before.id, kind=kind,
                    target_plank_id=target.id if target else None, target_plank_key=spec["key"] if target else None,
                    title=spec["title"], body=spec["body"] if kind != "repeal" else "", category=spec["category"],
                    tier=spec["tier"], rationale="Members asked for this at the spring assembly.", status=status,
                    proposed_by_id=member.id, created_at=applied.created_at, decided_at=applied.created_at,
                    applied_version_id=applied.id)


def build(app) -> dict:
    """The organization, its members, versions 1 (superseded), 2 (adopted) and 3 (draft)."""
    from sqlalchemy import insert

    from tracker.extensions import db
    from tracker.models import Member, Organization, Program
    from tracker.services import program as program_service

    rng = np.random.default_rng(2026)
    with app.app_context():
        org = Organization(slug="bench-program", name="Bench City Organization")
        db.session.add(org)
        db.session.flush()
        db.session.execute(insert(Member), [
            {"organization_id": org.id, "email": f"member{n}@bench.example", "name": f"Member {n}",
             "password_hash": PASSWORD_HASH, "role": "member", "active": True} for n in range(1, 201)])
        members = db.session.execute(db.select(Member).where(Member.organization_id == org.id)
                                     .order_by(Member.id)).scalars().all()
        program = Program(organization_id=org.id, title="Our program")
        db.session.add(program)
        db.session.flush()

        first = plank_specs(rng, 58)
        v1 = _add_version(org, program, 1, first)
        program_service.adopt(v1, adopted_at=datetime(2025, 3, 1, 19, 0))
        db.session.commit()

        # Version 2: 8 new texts, 2 planks moved to another category, 2 removed, 4 added.
        picks = rng.permutation(len(first))
        changed, moved, removed = set(picks[:8].tolist()), set(picks[8:10].tolist()), set(picks[10:12].tolist())
        second, proposals = [], []
        for index, spec in enumerate(first):
            if index in removed:
                proposals.append(("repeal", spec))
                continue
            spec = dict(spec)
            if index in changed:
                spec["body"] = plank_body(rng)
                proposals.append(("amendment", spec))
            elif index in moved:
                spec["category"] = CATEGORIES[(CATEGORIES.index(spec["category"]) + 1) % len(CATEGORIES)]
                proposals.append(("amendment", spec))
            second.append(spec)
        added = plank_specs(np.random.default_rng(7), 4)
        for number, spec in enumerate(added, start=len(first) + 1):
            spec["key"], spec["title"] = f"plank-{number}", f"{spec['title']} (new)"
            proposals.append(("new_plank", spec))
        second = sorted(second + added, key=lambda s: (s["tier"] != "minimum", CATEGORIES.index(s["category"])))
        assert len(second) == 60
        v2 = _add_version(org, program, 2, second, based_on=v1)
        program_service.adopt(v2, adopted_at=datetime(2026, 3, 1, 19, 0))
        rows = [_proposal(org, members[n % 50], v1, kind, spec, v2, "adopted") for n, (kind, spec) in enumerate(proposals)]
        db.session.add_all(rows)
        db.session.commit()

        # Draft version 3: three passed proposals written into it.
        draft = program_service.ensure_draft(org, now=datetime(2026, 5, 1))
        for n, plank in enumerate(draft.planks[5:8]):
            spec = {"key": plank.key, "title": plank.title, "category": plank.category, "tier": plank.tier,
                    "body": plank_body(rng)}
            plank.body = spec["body"]
            db.session.add(_proposal(org, members[60 + n], v2, "amendment", spec, draft, "passed"))
        db.session.commit()
        return {"member_id": members[-1].id, "planks": {v.number: len(v.planks) for v in (v1, v2, draft)},
                "proposals_applied": len(rows) + 3}


class QueryCounter:
    """Counts the statements the engine runs (SQLAlchemy's before_cursor_execute event)."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def during(self, function) -> list[str]:
        self.statements = []
        function()
        return list(self.statements)


def _check(name: str, who: str, html: str, built: dict) -> None:
    """Each page shows what it should (a page that broke must not look fast)."""
    if name == "program":
        planks = len(re.findall(r'<article class="plank"', html))
        assert planks == 60, f"program page shows {planks} planks"
        assert ("Propose a new text" in html) == (who == "member")
    elif name == "versions":
        assert "Version 2" in html and "Version 1" in html
        assert ("Version 3" in html) == (who == "member")
        assert ("Proposals written into it" in html) == (who == "member")
    else:
        assert "4 planks added, 2 removed, 8 changed" in " ".join(html.split()), "the diff from version 1 to 2"


def measure(app, built: dict, runs: int) -> dict:
    from tracker.extensions import db

    with app.app_context():
        engine = db.engine
    counter = QueryCounter(engine)
    results = {}
    for who in ("anonymous", "member"):
        client = app.test_client()
        if who == "member":
            # A real sign-in session (the cookie carries a session token, not the member's id).
            from datetime import timedelta

            from tracker.models import Member
            from tracker.services import accounts
            with app.app_context():
                token = accounts.start_session(db.session.get(Member, built["member_id"]), timedelta(days=1))
                db.session.commit()
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = token, True
        for name, path in PAGES.items():
            def get():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
                return response
            _check(name, who, get().get_data(as_text=True), built)
            for _ in range(WARMUP):
                get()
            statements = counter.during(get)
            times, cpu_times = [], []
            for _ in range(runs):
                start, cpu = time.perf_counter(), time.process_time()
                get()
                times.append(time.perf_counter() - start)
                cpu_times.append(time.process_time() - cpu)
            median = statistics.median(times)
            results[f"{name}_{who}"] = {
                "path": path, "median_ms": round(median * 1000, 2),
                "cpu_median_ms": round(statistics.median(cpu_times) * 1000, 2),
                "p90_ms": round(float(np.percentile(times, 90)) * 1000, 2), "runs": runs,
                "queries": len(statements), "statements": [" ".join(s.split())[:110] for s in statements],
                **({"target_ms": TARGET_S * 1000, "meets_target": median < TARGET_S} if name == "program" else {})}
    return results


def main() -> None:
    app = scratch_app()
    built = build(app)
    runs = runs_from_env(50)
    pages = measure(app, built, runs)
    kind = database_kind()
    program_medians = [pages[f"program_{who}"]["median_ms"] / 1000 for who in ("anonymous", "member")]
    write_result("program_page" if kind == "sqlite" else f"program_page_{kind}",
                 median_s=round(max(program_medians), 4), target_s=TARGET_S,
                 meets_target=all(page.get("meets_target", True) for page in pages.values()),
                 database=kind, runs=runs, planks=built["planks"], proposals_applied=built["proposals_applied"],
                 pages=pages, load_average=os.getloadavg()[0],
                 note="median_s is the slower of the program page's two medians (anonymous, member)")


if __name__ == "__main__":
    main()
