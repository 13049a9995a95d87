"""tally_ranked on 20,000 random ranked ballots of 8 options (equal ranks and unranked options
included), unweighted and with weights, against a baseline that counts d with a Python loop per
ballot (what the house rules forbid). Also reading the same ballots from a CSV file."""
import sys
from pathlib import Path

import numpy as np

from bench.harness import median_time, runs_from_env, write_result

BALLOTS, OPTIONS = 20_000, 8


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tracker.ballots import read_ballot_csv, tally_ranked

    rng = np.random.default_rng(2026)
    ranks = rng.integers(0, OPTIONS + 1, size=(BALLOTS, OPTIONS))
    weights = rng.integers(1, 4, size=BALLOTS)
    options = [f"option {i}" for i in range(1, OPTIONS + 1)]
    runs = runs_from_env(20)

    def baseline():
        d = [[0] * OPTIONS for _ in range(OPTIONS)]
        for ballot in ranks.tolist():
            place = [r or OPTIONS + 1 for r in ballot]
            for x in range(OPTIONS):
                for y in range(OPTIONS):
                    if place[x] < place[y]:
                        d[x][y] += 1
        return d

    median, _ = median_time(lambda: tally_ranked(options, ranks), runs=runs)
    weighted, _ = median_time(lambda: tally_ranked(options, ranks, weights=weights), runs=runs)
    base, _ = median_time(baseline, runs=3)
    text = ",".join(options) + "\n" + "\n".join(",".join(str(r) if r else "" for r in row) for row in ranks.tolist())
    parse, _ = median_time(lambda: read_ballot_csv(text), runs=max(3, runs // 4))
    assert tally_ranked(options, ranks).pairwise["option 1"]["option 2"] == baseline()[0][1]
    write_result("ballots_tally", median_s=round(median, 5), weighted_median_s=round(weighted, 5),
                 baseline_median_s=round(base, 4), read_csv_median_s=round(parse, 4), runs=runs,
                 rows=BALLOTS, options=OPTIONS)


if __name__ == "__main__":
    main()
