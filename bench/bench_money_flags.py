"""The database side of the money rules on the demo organization: classify_contributions (bulk
read, classify, bulk UPDATE) and evaluate_organization (judge both signed pledges, upsert flags).
Each run starts from a freshly built demo, so the flags are created, not just re-checked."""
import time

from bench.harness import runs_from_env, scratch_app, write_result


def main() -> None:
    app = scratch_app()
    with app.app_context():
        from tracker.extensions import db
        from tracker.models import Contribution, Flag, Organization
        from tracker.services import demo, flags

        runs = runs_from_env(5)
        classify_times, evaluate_times = [], []
        for _ in range(runs):
            demo.build(seed=2026)
            org = db.session.execute(db.select(Organization).filter_by(slug=demo.DEMO_SLUG)).scalar_one()
            db.session.execute(db.update(Contribution).values(donor_class=None, tags=None, rule=None,
                                                              confidence=None, evidence=None))
            db.session.execute(db.delete(Flag))  # build() judged the pledges already: start clean
            start = time.perf_counter()
            flags.classify_contributions(org)
            classify_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            flags.evaluate_organization(org)
            evaluate_times.append(time.perf_counter() - start)
            db.session.commit()
        rows = db.session.execute(db.select(db.func.count()).select_from(Contribution)).scalar_one()
    classify_times.sort()
    evaluate_times.sort()
    write_result("money_flags_demo", rows=rows, runs=runs, median_s=round(evaluate_times[runs // 2], 4),
                 classify_median_s=round(classify_times[runs // 2], 4),
                 evaluate_times_s=[round(t, 4) for t in evaluate_times])


if __name__ == "__main__":
    main()
