"""Benchmark helpers: time a function several times, report the median, write bench/results/NAME.json.

Benchmarks are measured here, never in a timed test. Each benchmark module runs in its own
process (see __main__.py) so its peak memory is its own.
"""
import atexit
import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def median_time(function, runs: int = 5, setup=None) -> tuple[float, list[float]]:
    """Run ``setup()`` (untimed) then ``function()`` ``runs`` times; return (median seconds, all times)."""
    times = []
    for _ in range(runs):
        if setup:
            setup()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_result(name: str, **fields) -> dict:
    """Write bench/results/<name>.json (name, median_s, runs, peak_rss_mb, ...) and print it."""
    RESULTS.mkdir(exist_ok=True)
    result = {"name": name, **fields}
    result.setdefault("peak_rss_mb", peak_rss_mb())
    if "baseline_median_s" in result and "median_s" in result and "ratio" not in result:
        result["ratio"] = round(result["baseline_median_s"] / result["median_s"], 2)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result), flush=True)
    return result


_scratch_folder: list[Path] = []


def _fresh_sqlite_file() -> Path:
    """A new database file in this process's scratch folder, the previous ones deleted (a run of
    the contributions benchmark leaves gigabytes otherwise); the folder goes at exit."""
    if not _scratch_folder:
        folder = Path(tempfile.mkdtemp(prefix="bench-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _scratch_folder.append(folder)
    folder = _scratch_folder[0]
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()  # an engine still open on it keeps reading until disposed (POSIX)
    return folder / f"bench-{time.monotonic_ns()}.db"


def pg_schema() -> str:
    """This benchmark run's own PostgreSQL schema: named after the checkout and the process that
    started the run, so two checkouts (or two runs) sharing the database never touch each other's
    tables. Child processes the benchmark spawns inherit the name through the environment."""
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent.parent).encode()).hexdigest()[:8]
    return os.environ.setdefault("BENCH_PG_SCHEMA", f"bench_{checkout}_{os.getpid()}")


def _drop_schema_at_exit(engine_url: str, schema: str) -> None:
    """Drop the run's schema when the process ends (only the process that created it)."""
    def drop() -> None:
        from sqlalchemy import create_engine, text
        engine = create_engine(engine_url)
        try:
            with engine.begin() as connection:
                # A connection of this process still holding a lock must not hang the exit.
                connection.execute(text("SET LOCAL lock_timeout = '10s'"))
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        except Exception as error:  # noqa: BLE001 - name the schema left behind, never hang or fail the exit
            print(f"bench: could not drop schema {schema}: {error}", file=sys.stderr)
        finally:
            engine.dispose()
    atexit.register(drop)


_schemas_made: set[str] = set()


def scratch_app(database_url: str | None = None):
    """An app on a fresh, empty database with the schema created.

    SQLite by default (a new file each call). With BENCH_DATABASE_URL=postgresql://... the
    benchmark runs on PostgreSQL instead, in this run's own schema (``pg_schema``), dropped and
    created each call and dropped at exit.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sqlalchemy import text

    from tracker import create_app
    from tracker.extensions import db

    database_url = database_url or os.environ.get("BENCH_DATABASE_URL")
    settings = {"SECRET_KEY": "bench", "TESTING": True}
    if database_url and database_url.startswith("postgresql"):
        settings["SQLALCHEMY_DATABASE_URI"] = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={pg_schema()}"}}
    else:
        settings["SQLALCHEMY_DATABASE_URI"] = database_url or f"sqlite:///{_fresh_sqlite_file()}"
    app = create_app(settings)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            schema = pg_schema()
            with db.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            if schema not in _schemas_made:
                _schemas_made.add(schema)
                _drop_schema_at_exit(settings["SQLALCHEMY_DATABASE_URI"], schema)
        db.create_all()
    return app


def database_kind() -> str:
    """'postgresql' when BENCH_DATABASE_URL points there, else 'sqlite' (recorded in results)."""
    return "postgresql" if os.environ.get("BENCH_DATABASE_URL", "").startswith("postgresql") else "sqlite"


def runs_from_env(default: int) -> int:
    return int(os.environ.get("BENCH_RUNS", default))
