"""Throughput of `import contributions` on a generated FEC itcont file (default 5 million rows).

Three measurements on the same database kind, in this process:
- ours: ``contributions.import_contributions(org, file, "fec-itcont", classify=False)`` on a fresh
  database each run (parse in blocks + bulk insert + amendment/duplicate lookups); median of runs.
- baseline: the naive loader (csv.reader + one ORM ``Contribution`` object per row), timed on a
  slice of the file, reported as rows per second.
- raw load (the limit): pyarrow parse of the same file (streamed) + ``executemany`` of plain tuples
  into a bare table of the same columns (SQLite), or ``COPY`` (PostgreSQL), no checks.

Writes bench/results/contributions_import.json with rows, median_s, baseline_rows_per_s, ratio,
raw_load_median_s, raw_load_fraction (raw / ours), peak_rss_mb (of the spawned process that ran our
import: the import's own memory, imports of the app included).
Environment: BENCH_CONTRIB_ROWS (rows, default 5000000), BENCH_RUNS (default 3),
BENCH_DATABASE_URL (default: a fresh SQLite file per run).
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import peak_rss_mb, pg_schema, runs_from_env, scratch_app, write_result  # noqa: E402

ROWS = int(os.environ.get("BENCH_CONTRIB_ROWS", 5_000_000))
BASELINE_ROWS = int(os.environ.get("BENCH_BASELINE_ROWS", 20_000))
GENERATE_CHUNK = 250_000


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """A realistic itcont file: 2,000 recipient committees, individuals with employers, a few
    memo lines, earmarks and refunds; unique TRAN_ID per committee and unique SUB_ID. Written in
    chunks with pyarrow string kernels (a 5M-row file in well under a minute)."""
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    names = np.array([f"{l}, {f}" for l in ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER",
                                           "DAVIS", "LOPEZ", "NGUYEN") for f in ("MARY", "JAMES", "PATRICIA", "JOHN",
                                                                                  "LINDA", "ROBERT", "MARIA", "WEI")])
    employers = np.array(["RETIRED", "SELF-EMPLOYED", "ACME CORP", "STATE OF CALIFORNIA", "NOT EMPLOYED",
                          "GENERAL DYNAMICS", "KAISER PERMANENTE", "EXXON MOBIL CORPORATION"])
    occupations = np.array(["RETIRED", "ATTORNEY", "ENGINEER", "TEACHER", "CEO", "PHYSICIAN", "NURSE", "CONSULTANT"])
    places = np.array(["OAKLAND|CA|94612", "BALTIMORE|MD|21201", "CHICAGO|IL|606225956", "AUSTIN|TX|78701"])
    kinds = np.array(["15", "15E", "22Y", "11"])

    def text(values):
        return pa.array(values).cast(pa.string())

    with open(path, "wb") as handle:
        for start in range(0, rows, GENERATE_CHUNK):
            n = min(GENERATE_CHUNK, rows - start)
            number = np.arange(start, start + n, dtype=np.int64)
            memo = rng.random(n) < 0.03
            month, day = rng.integers(1, 13, n), rng.integers(1, 29, n)
            columns = [
                pc.binary_join_element_wise("C", text(rng.integers(0, 2000, n) + 10_000_000), ""),
                text(np.full(n, "N")), text(np.full(n, "Q1")), text(np.full(n, "P2024")),
                text(201_904_159_000_000_000 + number), text(kinds[rng.choice(4, n, p=[0.9, 0.06, 0.02, 0.02])]),
                text(np.full(n, "IND")), text(names[rng.integers(0, len(names), n)]), text(places[rng.integers(0, 4, n)]),
                text(employers[rng.integers(0, 8, n)]), text(occupations[rng.integers(0, 8, n)]),
                text((month * 1_000_000 + day * 10_000 + 2024)), text(rng.integers(5, 3300, n)), text(np.full(n, "")),
                pc.binary_join_element_wise("SA11AI.", text(number), ""), text(np.full(n, "1700001")),
                text(np.where(memo, "X", "")), text(np.where(memo, "EARMARKED FOR CANDIDATE", "")),
                text(4_000_000_000_000_000_000 + number),
            ]
            # Months below 10 need their leading zero: MMDDYYYY.
            columns[11] = pc.utf8_lpad(columns[11], 8, "0")
            lines = pc.binary_join_element_wise(*columns, "|")
            handle.write(("\n".join(lines.to_pylist()) + "\n").encode("latin-1"))


def ours(database_url: str, path: str, rows: int) -> tuple[float, float]:
    """One import in a fresh process (spawned: its peak memory is the import's own, not the
    generator's or the baseline's). Returns (seconds, peak RSS in MB of that process).

    The peak is VmHWM of the process's own memory map: getrusage's ru_maxrss would also count the
    parent's peak, which Linux carries across fork and exec."""
    from tracker import create_app

    def child_peak() -> float:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return float("nan")

    from tracker.services import accounts, contributions

    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "TESTING": True}
    if database_url.startswith("postgresql"):  # the scratch schema of bench.harness.scratch_app
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-csearch_path={pg_schema()}"}}
    app = create_app(settings)
    with app.app_context():
        org = accounts.ensure_organization("Bench", slug="bench")
        started = time.perf_counter()
        result = contributions.import_contributions(org, Path(path), "fec-itcont", classify=False)
        seconds = time.perf_counter() - started
        assert result.status == "succeeded" and result.imported == rows, result.summary()
    return seconds, child_peak()


def ours_in_child(app, path: Path) -> tuple[float, float]:
    import multiprocessing

    with app.app_context():
        from tracker.extensions import db
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(ours, (url, str(path), ROWS))


def baseline_rows_per_s(app, path: Path) -> float:
    """The naive loader: csv.reader + one ORM object per row, on the first BASELINE_ROWS rows."""
    from tracker.extensions import db
    from tracker.models import Contribution
    from tracker.services import accounts

    with app.app_context():
        org = accounts.ensure_organization("Baseline", slug="baseline")
        start = time.perf_counter()
        with open(path, encoding="latin-1", newline="") as handle:
            for number, r in enumerate(csv.reader(handle, delimiter="|", quoting=csv.QUOTE_NONE), 1):
                if number > BASELINE_ROWS:
                    break
                db.session.add(Contribution(
                    organization_id=org.id, source="fec-itcont", source_key=f"fec:{r[0]}:{r[16]}", source_file=path.name,
                    source_line=number, tran_id=r[16], sub_id=r[20], filing_id=r[17], amendment_indicator=r[1],
                    transaction_type=r[5], image_num=r[4], recipient_committee_id=r[0], donor_name=r[7],
                    donor_entity_type=r[6], employer=r[11], occupation=r[12], city=r[8], state=r[9], zip_code=r[10],
                    amount_cents=int(float(r[14]) * 100),
                    received_on=date(int(r[13][4:]), int(r[13][:2]), int(r[13][2:4])) if r[13] else None,
                    memo=r[18] == "X", memo_text=r[19] or None, receipt_kind="receipt"))
        db.session.commit()
        return BASELINE_ROWS / (time.perf_counter() - start)


RAW_COLUMNS = ["CMTE_ID", "AMNDT_IND", "RPT_TP", "TRANSACTION_PGI", "IMAGE_NUM", "TRANSACTION_TP", "ENTITY_TP", "NAME",
               "CITY", "STATE", "ZIP_CODE", "EMPLOYER", "OCCUPATION", "TRANSACTION_DT", "TRANSACTION_AMT", "OTHER_ID",
               "TRAN_ID", "FILE_NUM", "MEMO_CD", "MEMO_TEXT", "SUB_ID"]


# Bare-table columns fed from each FEC field (the same columns our loader writes, as plain text).
RAW_TO_STORED = {"CMTE_ID": ["recipient_committee_id"], "AMNDT_IND": ["amendment_indicator"], "IMAGE_NUM": ["image_num"],
                 "TRANSACTION_TP": ["transaction_type", "receipt_kind"], "ENTITY_TP": ["donor_entity_type"],
                 "NAME": ["donor_name"], "CITY": ["city"], "STATE": ["state"], "ZIP_CODE": ["zip_code"],
                 "EMPLOYER": ["employer"], "OCCUPATION": ["occupation"], "TRANSACTION_DT": ["received_on"],
                 "TRANSACTION_AMT": ["amount_cents"], "OTHER_ID": ["donor_committee_id", "candidate_id"],
                 "TRAN_ID": ["tran_id", "source_key"], "FILE_NUM": ["filing_id"], "MEMO_CD": ["memo"],
                 "MEMO_TEXT": ["memo_text"], "SUB_ID": ["sub_id", "raw_sha256"]}


def raw_load(app, path: Path) -> None:
    """The limit: streamed pyarrow parse + executemany of plain tuples (SQLite) / COPY (PostgreSQL)
    into a bare table with the same columns as ours (no constraints, no secondary index), fields
    copied as parsed: no checks, no conversions, no lookups."""
    from sqlalchemy import Column, Integer, MetaData, Table, Text

    from tracker.extensions import db

    targets = [(field, column) for field, columns in RAW_TO_STORED.items() for column in columns]
    constants = {"organization_id": 1, "source": "fec-itcont", "source_file": path.name, "superseded": 0,
                 "import_run_id": 1, "committee_pk": None}
    with app.app_context():
        metadata = MetaData()
        table = Table("raw_contribution", metadata, Column("id", Integer, primary_key=True),
                      *[Column(c, Text) for _, c in targets], *[Column(c, Text) for c in constants],
                      Column("source_line", Integer))
        metadata.drop_all(db.engine)
        metadata.create_all(db.engine)
        reader = pacsv.open_csv(path, read_options=pacsv.ReadOptions(column_names=RAW_COLUMNS, encoding="latin-1",
                                                                      block_size=8 << 20),
                                parse_options=pacsv.ParseOptions(delimiter="|", quote_char=False),
                                convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in RAW_COLUMNS}))
        names = [c for _, c in targets] + list(constants) + ["source_line"]
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            line = 0
            for batch in reader:
                values = {f: batch.column(f).to_pylist() for f in RAW_COLUMNS}
                n = batch.num_rows
                columns = [values[f] for f, _ in targets] + [[v] * n for v in constants.values()]
                columns.append(list(range(line + 1, line + n + 1)))
                line += n
                rows = list(zip(*columns))
                if db.engine.dialect.name == "postgresql":
                    with cursor.copy(f"COPY raw_contribution ({', '.join(names)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(f"INSERT INTO raw_contribution ({', '.join(names)}) "
                                       f"VALUES ({', '.join('?' for _ in names)})", rows)
            connection.commit()
        finally:
            connection.close()


def main() -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-contrib-"))
    try:
        return measure(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the generated file: about 800 MB


def measure(work: Path) -> dict:
    path = Path(os.environ.get("BENCH_CONTRIB_FILE", "")) if os.environ.get("BENCH_CONTRIB_FILE") else work / "itcont.txt"
    if not path.exists():
        started = time.perf_counter()
        generate(path, ROWS)
        print(f"generated {ROWS} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f}s", flush=True)
    url = os.environ.get("BENCH_DATABASE_URL")
    runs = runs_from_env(3)
    apps = []

    def fresh():
        apps.append(scratch_app(url) if url else scratch_app())

    def run_ours():
        ours(apps[-1], path)

    fresh()
    baseline = baseline_rows_per_s(apps[-1], path)
    database = "postgresql" if url and url.startswith("postgresql") else "sqlite"
    # Ours and the raw load alternate, run by run, so both see the same machine load; the result
    # file is rewritten after every run (a long benchmark interrupted still leaves its figures).
    times, raw_times, result = [], [], {}
    peak_after_ours = 0.0
    for _ in range(runs):
        fresh()
        seconds, child_peak_mb = ours_in_child(apps[-1], path)
        times.append(seconds)
        peak_after_ours = max(peak_after_ours, child_peak_mb)
        fresh()
        started = time.perf_counter()
        raw_load(apps[-1], path)
        raw_times.append(time.perf_counter() - started)
        print(f"run: ours {times[-1]:.1f}s, raw load {raw_times[-1]:.1f}s", flush=True)
        median_s, raw_median_s = statistics.median(times), statistics.median(raw_times)
        ours_rows_per_s = ROWS / median_s
        result = write_result(
            "contributions_import", rows=ROWS, database=database, runs=len(times), median_s=round(median_s, 2),
            times_s=[round(t, 2) for t in times], rows_per_s=round(ours_rows_per_s),
            baseline_rows=BASELINE_ROWS, baseline_rows_per_s=round(baseline), ratio=round(ours_rows_per_s / baseline, 1),
            raw_load_median_s=round(raw_median_s, 2), raw_load_times_s=[round(t, 2) for t in raw_times],
            raw_load_fraction=round(raw_median_s / median_s, 3), peak_rss_mb=peak_after_ours,
            peak_rss_mb_bench_process=peak_rss_mb(), file_mb=round(path.stat().st_size / 1e6),
            note="ours = parse + checks + duplicate/amendment lookups + bulk insert into the indexed "
                 "contribution table; classification not included; raw load = same columns, bare table")
    return result


if __name__ == "__main__":
    main()
