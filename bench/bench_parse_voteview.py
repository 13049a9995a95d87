"""Parsing a 1,000,000-row Voteview votes CSV (with rollcalls and members) into the contract's
DataFrames, against a naive baseline that builds one dict per row with csv.DictReader."""
import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.harness import median_time, runs_from_env, write_result

ROLLS, MEMBERS = 2000, 500  # 1,000,000 vote rows


def write_files(folder: Path) -> Path:
    rng = np.random.default_rng(2026)
    icpsr = np.arange(10000, 10000 + MEMBERS)
    pd.DataFrame({
        "congress": 118, "chamber": "House", "rollnumber": np.repeat(np.arange(1, ROLLS + 1), MEMBERS),
        "icpsr": np.tile(icpsr, ROLLS), "cast_code": rng.choice([1, 6, 9, 7, 2, 5], size=ROLLS * MEMBERS), "prob": 99.0,
    }).to_csv(folder / "HSall_votes.csv", index=False)
    pd.DataFrame({"congress": 118, "chamber": "House", "rollnumber": np.arange(1, ROLLS + 1), "date": "2023-03-01",
                  "yea_count": 250, "nay_count": 180, "vote_question": "On Passage"}).to_csv(folder / "HSall_rollcalls.csv", index=False)
    pd.DataFrame({"congress": 118, "chamber": "House", "icpsr": icpsr, "state_abbrev": "CA", "district_code": 1,
                  "party_code": 100, "bioname": [f"MEMBER, {i}" for i in icpsr]}).to_csv(folder / "HSall_members.csv", index=False)
    return folder / "HSall_votes.csv"


def naive_parse(votes_path: Path) -> list[dict]:
    """The per-row way: one dict per vote, labels mapped row by row."""
    from imports.voteview import CAST_CODES
    names = {}
    with open(votes_path.with_name("HSall_members.csv"), newline="") as handle:
        for row in csv.DictReader(handle):
            names[(row["congress"], row["chamber"], row["icpsr"])] = row["bioname"]
    rows = []
    with open(votes_path, newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            rows.append({
                "roll_call_source_id": f"voteview-{row['chamber'].lower()}-{row['congress']}-{row['rollnumber']}",
                "voter_key": f"icpsr:{row['icpsr']}", "voter_name": names.get((row["congress"], row["chamber"], row["icpsr"])),
                "raw_label": row["cast_code"], "position": CAST_CODES.get(row["cast_code"], "unknown"), "line": line,
            })
    return rows


def main() -> None:
    from imports import REGISTRY
    parser = REGISTRY["voteview"]
    with tempfile.TemporaryDirectory(prefix="bench-voteview-") as folder:
        votes_path = write_files(Path(folder))
        runs = runs_from_env(3)
        median, times = median_time(lambda: list(parser.parse(votes_path)), runs=runs)
        baseline, baseline_times = median_time(lambda: naive_parse(votes_path), runs=max(1, min(runs, 2)))
    write_result("parse_voteview", median_s=round(median, 3), runs=runs, times_s=[round(t, 3) for t in times],
                 rows=ROLLS * MEMBERS, baseline_median_s=round(baseline, 3),
                 baseline="csv.DictReader, one dict per row (no DataFrame)")


if __name__ == "__main__":
    main()
