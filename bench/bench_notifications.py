"""Following: one event for an official with 10,000 e-mail followers, fanned out and handed to a
local SMTP server (aiosmtpd on loopback, counting what it receives); and an official's Atom feed
answered from the per-process cache against the official's scorecard page (gunicorn, 4 workers).

Targets (issue 17): fan-out plus hand-over under 30 s; the feed at least at the scorecard page's rate.
Writes bench/results/notifications.json: median_s of the 10,000 messages (3 runs), and the
requests per second of both pages.
"""
import http.client
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.harness import median_time, scratch_app, write_result

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", 10_000))
RUNS = 3
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", 8))
LOAD_CONNECTIONS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_sink(port, counter, ready) -> None:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()  # until the parent terminates this process


def smtp_sink():
    """aiosmtpd on a loopback port in its own process (as a mail server would be, not competing
    with the sender for this process's interpreter); returns (process, port, counter)."""
    import multiprocessing

    port, counter, ready = free_port(), multiprocessing.Value("i", 0), multiprocessing.Event()
    process = multiprocessing.Process(target=_serve_sink, args=(port, counter, ready), daemon=True)
    process.start()
    if not ready.wait(30):
        raise RuntimeError("the SMTP sink did not start")
    return process, port, counter


def fan_out_and_send() -> dict:
    from sqlalchemy import delete, insert

    from tracker.extensions import db
    from tracker.models import Delivery, Follow, OutboxEvent, Person
    from tracker.models.base import utcnow
    from tracker.services import notifications, outbox
    from tests.factories import make_org

    sink, port, counter = smtp_sink()
    app = scratch_app()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="alerts@bench.test",
                      PUBLIC_URL="https://tracker.bench.test")
    try:
        with app.app_context():
            org = make_org(name="Bench Organization")
            person = Person(organization_id=org.id, name="Followed Official", sort_name="Official, Followed")
            db.session.add(person)
            db.session.commit()
            now = utcnow()
            db.session.execute(insert(Follow), [
                {"organization_id": org.id, "email": f"reader{n}@bench.test", "target_kind": "person",
                 "target_key": str(person.id), "cadence": "immediate", "language": ("en", "es")[n % 2], "confirmed_at": now,
                 "created_at": now} for n in range(FOLLOWERS)])
            db.session.commit()
            sent, cpu = [], []

            def setup():
                db.session.execute(delete(Delivery))
                db.session.execute(delete(OutboxEvent))
                # Half the followers read Spanish: the event is put into words once per language.
                outbox.record(org.id, "pledge.withdrawn",
                              title=outbox.N_("%(name)s's pledge withdrawn", name="Followed Official"),
                              summary=outbox.N_("%(name)s's pledge was withdrawn: %(reason)s", name="Followed Official",
                                                reason="a benchmark"),
                              path=outbox.path_for("scorecards.official", person_id=person.id),
                              subjects=outbox.person_subjects([person.id]))
                db.session.commit()
                with counter.get_lock():
                    counter.value = 0

            def run():
                before = resource.getrusage(resource.RUSAGE_SELF)
                result = notifications.send_due()
                after = resource.getrusage(resource.RUSAGE_SELF)
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                for _ in range(100):  # the sink counts asynchronously: let it catch up with the last message
                    if counter.value >= result["messages"]:
                        break
                    time.sleep(0.01)
                sent.append((result["messages"], counter.value))

            median, times = median_time(run, runs=RUNS, setup=setup)
            assert all(messages == FOLLOWERS and received == FOLLOWERS for messages, received in sent), sent
            return {"median_s": round(median, 2), "times_s": [round(t, 2) for t in times], "followers": FOLLOWERS,
                    "messages_received_per_run": [received for _, received in sent],
                    "meets_target": median < 30, "database": db.engine.dialect.name,
                    # The sender's own CPU (this process: fan-out, rendering, SMTP client): the rest
                    # of the time is the SMTP server's.
                    "sender_cpu_s": [round(c, 2) for c in cpu]}
    finally:
        sink.terminate()
        sink.join(10)


def load(port: int, path: str) -> float:
    """Requests per second over LOAD_CONNECTIONS keep-alive connections for LOAD_SECONDS."""
    counts = [0] * LOAD_CONNECTIONS
    stop = time.perf_counter() + LOAD_SECONDS

    def worker(index):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(LOAD_CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(counts) / (time.perf_counter() - started), 1)


def feed_against_scorecard() -> dict:
    """The demo in SQLite behind gunicorn (4 workers); the feed of the official with the most
    events against that official's scorecard page, both anonymous (both from their caches)."""
    from bench.bench_pages import wait_until_up

    workdir = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
    database = workdir / "feeds.db"
    app = scratch_app(f"sqlite:///{database}")
    with app.app_context():
        from sqlalchemy import func, select

        from tracker.models import OutboxSubject
        from tracker.services import demo
        demo.build(seed=2026)
        person_id = int(select_one(select(OutboxSubject.key).where(OutboxSubject.kind == "person")
                                   .group_by(OutboxSubject.key).order_by(func.count().desc()).limit(1)))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench-feeds",
           "TRACKER_ENV": "production", "NOTIFICATIONS_SENDER": "cron"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "bench.pages_wsgi:app"], cwd=ROOT, env=env,
                              start_new_session=True)
    pages = {"feed": f"/feeds/person/{person_id}.atom", "scorecard": f"/scorecards/people/{person_id}"}
    try:
        wait_until_up(f"http://127.0.0.1:{port}/__bench/hello")
        for path in pages.values():  # every worker's caches warm before measuring
            load_once(port, path, 40)
        figures = {name: {"path": path, "rps": load(port, path)} for name, path in pages.items()}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)
    figures["feed_to_scorecard"] = round(figures["feed"]["rps"] / figures["scorecard"]["rps"], 2)
    figures["meets_target"] = figures["feed"]["rps"] >= figures["scorecard"]["rps"] * 0.95
    return figures


def select_one(statement):
    from tracker.extensions import db
    return db.session.execute(statement).scalar_one()


def load_once(port: int, path: str, times: int) -> None:
    for _ in range(times):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        connection.getresponse().read()
        connection.close()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    sending = fan_out_and_send()
    print(f"fan-out + SMTP of {FOLLOWERS} messages: median {sending['median_s']} s", flush=True)
    feeds = feed_against_scorecard()
    write_result("notifications", median_s=sending["median_s"], sending=sending, feeds=feeds, cpus=os.cpu_count(),
                 load_average=os.getloadavg(),
                 note=f"median of {RUNS} runs: one event, {FOLLOWERS} immediate followers (half English, half Spanish), fan-out and hand-over "
                      f"to aiosmtpd on loopback in its own process (4 SMTP connections); feeds vs scorecard: gunicorn 4 workers, "
                      f"{LOAD_CONNECTIONS} keep-alive client connections for {LOAD_SECONDS} s each (Python client)")


if __name__ == "__main__":
    main()
