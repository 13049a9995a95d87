"""A mixed load on the real server: `gunicorn wsgi:app` (4 workers) on the demo database.

Builds the demo (`flask db upgrade` and `flask demo`) in a temporary SQLite file, or in
BENCH_LOAD_DATABASE_URL (an empty PostgreSQL database: the demo is written into it), starts
gunicorn, signs in once through the real login form (CSRF token and all; sign-in is rate-limited,
so the session cookie is reused for the whole run), and sends for BENCH_LOAD_SECONDS (60) a mix of
public pages, signed-in pages and CSV downloads: wrk (2 threads, 16 connections,
bench/wrk_mixed.lua) when installed, else a Python client with as many threads.

Every path is first checked to answer 200 (signed-in paths with the cookie, so an expired or
refused sign-in cannot pass as a fast redirect). The run fails (exit 1) on any socket error, any
answer that is not 2xx, or any 5xx. Writes bench/results/load.json: requests, errors, 5xx count,
p50/p95/p99 latency.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.bench_pages import free_port, wait_until_up
from bench.harness import write_result

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("BENCH_LOAD_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "4"))
DEMO_MEMBER = ("member@demo.example", "demo-password-1")  # printed by `flask demo`
REPORT = re.compile(r"LOAD requests=(\d+) rps=([\d.]+) p50_ms=([\d.]+) p95_ms=([\d.]+) p99_ms=([\d.]+) "
                    r"max_ms=([\d.]+) socket_errors=(\d+) ok=(\d+) redirects=(\d+) client_errors=(\d+) "
                    r"server_errors=(\d+)")


def build_demo(env: dict) -> None:
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "tracker"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def demo_paths(database_url: str) -> list[tuple[str, str]]:
    """(public | signed, path) of the mix, with ids read from the demo database."""
    from sqlalchemy import create_engine, text
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    with create_engine(url).connect() as connection:
        def first(query):
            return connection.execute(text(query)).scalar_one()
        person = first("SELECT person_id FROM score WHERE scope = 'overall' AND status = 'ok' ORDER BY person_id LIMIT 1")
        person2 = first("SELECT person_id FROM score WHERE scope = 'overall' AND status = 'ok' ORDER BY person_id DESC LIMIT 1")
        roll_call = first("SELECT id FROM roll_call ORDER BY id LIMIT 1")
        money_person = first("SELECT p.id FROM person p JOIN committee c ON c.person_id = p.id ORDER BY p.id LIMIT 1")
    public = ["/", "/scorecards/", f"/scorecards/people/{person}", "/program/", f"/scorecards/roll-calls/{roll_call}",
              f"/money/people/{money_person}", "/candidates/", "/api/v1/scores", "/healthz"]
    signed = ["/me", "/ballots/", "/program/proposals/", "/scorecards/roll-calls/unreviewed"]
    downloads = ["/scorecards/officials.csv", f"/scorecards/roll-calls/{roll_call}/positions.csv",
                 f"/scorecards/compare.csv?person={person}&person={person2}"]
    # Weights: mostly public pages, a third signed-in, a CSV download every few requests.
    return ([("public", p) for p in public] * 3 + [("signed", p) for p in signed] * 3
            + [("public", p) for p in downloads] * 2)


def sign_in(base: str) -> str:
    """Sign in through the login form; returns the Cookie header value of the signed-in session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    form = urllib.parse.urlencode({"csrf_token": token[1] if token else "", "email": DEMO_MEMBER[0],
                                   "password": DEMO_MEMBER[1]}).encode()
    opener.open(urllib.request.Request(base + "/login", data=form, headers={"Referer": base + "/login"})).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    request = urllib.request.Request(base + "/me", headers={"Cookie": cookie})
    with urllib.request.build_opener(NoRedirect).open(request) as response:
        if response.status != 200:
            raise RuntimeError(f"sign-in failed: /me answered {response.status}")
    return cookie


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def preflight(base: str, paths: list[tuple[str, str]], cookie: str) -> None:
    """Every path of the mix answers 200 before the load starts (a redirect would be a cheap lie)."""
    opener = urllib.request.build_opener(NoRedirect)
    for kind, path in sorted(set(paths)):
        headers = {"Cookie": cookie} if kind == "signed" else {}
        try:
            with opener.open(urllib.request.Request(base + path, headers=headers)) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            raise RuntimeError(f"{kind} {path} answered {status} before the load")


def run_wrk(base: str, paths: list[tuple[str, str]], cookie: str, workdir: Path) -> dict:
    listing = workdir / "paths.txt"
    listing.write_text("".join(f"{kind} {path}\n" for kind, path in paths))
    env = {**os.environ, "LOAD_PATHS_FILE": str(listing), "LOAD_COOKIE": cookie}
    output = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "--latency", "-s",
                             str(ROOT / "bench" / "wrk_mixed.lua"), base], env=env,
                            capture_output=True, text=True, check=True).stdout
    match = REPORT.search(output)
    if not match:
        raise RuntimeError(f"could not parse wrk output:\n{output}")
    requests, rps, p50, p95, p99, top, socket_errors, ok, redirects, client_errors, server_errors = match.groups()
    return {"client": "wrk", "requests": int(requests), "rps": float(rps), "p50_ms": float(p50), "p95_ms": float(p95),
            "p99_ms": float(p99), "max_ms": float(top), "socket_errors": int(socket_errors), "ok": int(ok),
            "redirects": int(redirects), "client_errors": int(client_errors), "server_errors": int(server_errors)}


def run_python(base: str, paths: list[tuple[str, str]], cookie: str) -> dict:
    """The same mix from CONNECTIONS Python threads (when wrk is not installed)."""
    import http.client
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    counts = {"ok": 0, "redirects": 0, "client_errors": 0, "server_errors": 0, "socket_errors": 0}
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def worker(start: int):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        index, mine, tally = start, [], dict.fromkeys(counts, 0)
        while time.monotonic() < stop:
            kind, path = paths[index % len(paths)]
            index += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie} if kind == "signed" else {})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                tally["socket_errors"] += 1
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=30)
                continue
            mine.append(time.perf_counter() - began)
            tally["server_errors" if status >= 500 else "client_errors" if status >= 400
                  else "redirects" if status >= 300 else "ok"] += 1
        with lock:
            latencies.extend(mine)
            for key, value in tally.items():
                counts[key] += value

    threads = [threading.Thread(target=worker, args=(i * 7,)) for i in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"client": "python", "requests": len(latencies) + counts["socket_errors"], "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(cuts[49] * 1000, 3), "p95_ms": round(cuts[94] * 1000, 3), "p99_ms": round(cuts[98] * 1000, 3),
            "max_ms": round(max(latencies, default=0) * 1000, 3), **counts}


def main() -> int:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise SystemExit("bench_load needs gunicorn (requirements.txt)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url = os.environ.get("BENCH_LOAD_DATABASE_URL") or f"sqlite:///{workdir / 'load.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-load-secret", "TRACKER_ENV": "production"}
    env.pop("REDIS_URL", None)  # rate-limit counts in each worker's memory: no Redis needed
    server = None
    try:
        started = time.perf_counter()
        build_demo(env)
        build_seconds = time.perf_counter() - started
        paths = demo_paths(database_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([str(gunicorn), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                   "wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
        wait_until_up(base + "/healthz")
        cookie = sign_in(base)
        preflight(base, paths, cookie)
        figures = run_wrk(base, paths, cookie, workdir) if shutil.which("wrk") else run_python(base, paths, cookie)
        preflight(base, paths, cookie)  # still signed in, every page still answers
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    errors = figures["socket_errors"] + figures["redirects"] + figures["client_errors"] + figures["server_errors"]
    write_result("load", **figures, errors=errors, seconds=SECONDS, connections=CONNECTIONS, workers=WORKERS,
                 database="postgresql" if database_url.startswith("postgresql") else "sqlite",
                 demo_build_s=round(build_seconds, 1), mix={"public": sum(k == "public" for k, _ in paths),
                                                           "signed_in": sum(k == "signed" for k, _ in paths)},
                 paths=sorted({p for _, p in paths}), cpus=os.cpu_count(), load_average=os.getloadavg())
    if errors or figures["server_errors"]:
        print(f"FAILED: {errors} errors ({figures['server_errors']} 5xx) in {figures['requests']} requests", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
