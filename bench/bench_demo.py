"""Building the demo database from scratch (the `flask demo` command's work)."""
from bench.harness import median_time, runs_from_env, scratch_app, write_result


def main() -> None:
    app = scratch_app()
    with app.app_context():
        from tracker.services import demo

        runs = runs_from_env(5)
        median, times = median_time(lambda: demo.build(seed=2026), runs=runs)
    write_result("demo_build", median_s=round(median, 4), runs=runs, times_s=[round(t, 4) for t in times])


if __name__ == "__main__":
    main()
