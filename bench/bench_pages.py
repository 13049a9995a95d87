"""Public pages under load: the scorecard index and an official's page against a trivial "hello"
route on the same server (gunicorn, 4 workers; wrk on loopback, 2 threads, 16 connections, 10 s).

Target (issue): each page serves at least half the requests per second of "hello", p95 < 50 ms.
Writes bench/results/pages.json with, per page: rps, hello_rps, hello_fraction, p95_ms.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.harness import scratch_app, write_result

ROOT = Path(__file__).resolve().parent.parent
DURATION = os.environ.get("BENCH_WRK_DURATION", "10s")
REPORT = re.compile(r"BENCH rps=([\d.]+) p50_ms=([\d.]+) p95_ms=([\d.]+) p99_ms=([\d.]+) requests=(\d+) errors=(\d+)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database(path: Path) -> int:
    """The demo organization (scores recomputed) in a fresh SQLite file; returns one official's id."""
    app = scratch_app(f"sqlite:///{path}")
    with app.app_context():
        from tracker.extensions import db
        from tracker.models import Score
        from tracker.services import demo
        demo.build(seed=2026)
        db.session.commit()
        return db.session.execute(db.select(Score.person_id).where(Score.scope == "overall", Score.status == "ok")
                                  .order_by(Score.person_id).limit(1)).scalar_one()


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout}s")


def wrk(url: str) -> dict:
    """Run wrk against one URL; the Lua report gives rps and latency percentiles."""
    output = subprocess.run(["wrk", "-t2", "-c16", f"-d{DURATION}", "--latency", "-s",
                             str(ROOT / "bench" / "wrk_report.lua"), url],
                            capture_output=True, text=True, check=True).stdout
    match = REPORT.search(output)
    if not match:
        raise RuntimeError(f"could not parse wrk output:\n{output}")
    rps, p50, p95, p99, requests, errors = match.groups()
    return {"rps": float(rps), "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99),
            "requests": int(requests), "errors": int(errors)}


def measure(database: Path, person_id: int, cache_seconds, with_hello: bool = True, hello=None):
    """Start gunicorn (4 workers) on the database, wrk each page; returns (hello, {page: figures})."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench-pages",
           "TRACKER_ENV": "production"}
    if cache_seconds is not None:
        env["BENCH_CACHE_SECONDS"] = str(cache_seconds)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "bench.pages_wsgi:app"], cwd=ROOT, env=env,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    pages = {"index": "/scorecards/", "official": f"/scorecards/people/{person_id}"}
    try:
        wait_until_up(base + "/__bench/hello")
        for path in pages.values():  # warm every worker's caches before measuring
            for _ in range(20):
                urllib.request.urlopen(base + path).read()
        if with_hello:
            hello = wrk(base + "/__bench/hello")
        results = {}
        for name, path in pages.items():
            measured = wrk(base + path)
            results[name] = {"path": path, **measured, "hello_rps": hello["rps"],
                             "hello_fraction": round(measured["rps"] / hello["rps"], 3),
                             "meets_target": measured["rps"] >= 0.5 * hello["rps"] and measured["p95_ms"] < 50}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    return hello, results


def main() -> None:
    if not shutil.which("wrk") or not shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        raise SystemExit("bench_pages needs wrk (apt install wrk) and gunicorn (requirements.txt)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    database = workdir / "pages.db"
    person_id = build_database(database)
    try:
        hello, results = measure(database, person_id, cache_seconds=None)
        _, uncached = measure(database, person_id, cache_seconds=0, with_hello=False, hello=hello)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, page in uncached.items():
        results[name]["uncached"] = {k: page[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "hello_fraction")}
    write_result("pages", hello=hello, pages=results, workers=4, wrk="-t2 -c16 -d" + DURATION + " --latency",
                 database="sqlite (demo organization)", cpus=os.cpu_count(), load_average=os.getloadavg(),
                 note="page figures are with the anonymous micro-cache (10 s) on; 'uncached' with it off",
                 all_meet_target=all(page["meets_target"] for page in results.values()))


if __name__ == "__main__":
    main()
