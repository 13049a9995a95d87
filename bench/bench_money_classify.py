"""money.classify on 1,000,000 contribution lines built from the real FEC samples.

The real itcont + itpas2 lines are repeated with a counter appended to every donor name, so
(nearly) every name is distinct: the worst case for the per-distinct-name regex work. Baseline:
the same rules written as a plain Python loop over rows (what the house rules forbid), timed on
the same lines; ratio = baseline / vectorized. The process CPU time is recorded beside the wall
time because a shared machine's load stretches the wall time.
"""
import re
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from bench.harness import median_time, runs_from_env, write_result

ROWS = 1_000_000
BASELINE_ROWS = 200_000


def lines(rows: int):
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from tests import money_realdata
    realdata = root.parent / "shared" / "realdata"
    committees = money_realdata.committees(realdata)
    base = pd.concat([money_realdata.itcont(realdata), money_realdata.itpas2(realdata, committees)],
                     ignore_index=True)
    repeat = -(-rows // len(base))
    frame = pd.concat([base] * repeat, ignore_index=True).iloc[:rows].copy()
    frame["donor_name"] = frame["donor_name"] + " " + pd.Series(range(len(frame))).astype(str).str.zfill(7)
    return frame, committees


def row_loop(frame: pd.DataFrame, committees: pd.DataFrame) -> list:
    """The baseline: one Python iteration per line, same decisions for the main rules."""
    from tracker import money
    suffix = re.compile(money._LEGAL_SUFFIX_RE)
    labor = re.compile(money._LABOR_RE)
    by_id = {r.committee_id: r for r in committees.itertuples(index=False)}
    out = []
    for row in frame.itertuples(index=False):
        name = re.sub(r"\s+", " ", re.sub(r"[^\w&]+", " ", (row.donor_name or "").upper().replace(".", ""))).strip()
        entity = (row.donor_entity_type or "").upper()
        cm = by_id.get(row.donor_committee_id) if entity not in ("IND", "CAN") else None
        if row.transaction_type == "15C":
            out.append("candidate_self")
        elif cm is not None and cm.org_type in money.ORG_TYPE_CLASSES:
            out.append(money.ORG_TYPE_CLASSES[cm.org_type])
        elif cm is not None and cm.designation in money.DESIGNATION_CLASSES:
            out.append(money.DESIGNATION_CLASSES[cm.designation])
        elif entity == "IND":
            out.append("review" if suffix.search(name) else "individual")
        elif labor.search(name):
            out.append("labor_org")
        elif suffix.search(name):
            out.append("business_entity")
        else:
            out.append("other_org")
    return out


def main() -> None:
    from tracker import money
    frame, committees = lines(ROWS)
    runs = runs_from_env(3)
    cpu_times = []

    def classify_all():
        start = time.process_time()
        money.classify(frame, committees)
        cpu_times.append(time.process_time() - start)

    median, times = median_time(classify_all, runs=runs)
    small = frame.iloc[:BASELINE_ROWS]
    vector_small, _ = median_time(lambda: money.classify(small, committees), runs=runs)
    baseline, _ = median_time(lambda: row_loop(small, committees), runs=runs)
    write_result("money_classify", rows=ROWS, median_s=round(median, 3), runs=runs, times_s=[round(t, 3) for t in times],
                 rows_per_s=round(ROWS / median), cpu_median_s=round(statistics.median(cpu_times), 3),
                 load_average_1min=round(__import__("os").getloadavg()[0], 2), baseline_rows=BASELINE_ROWS,
                 vectorized_median_s_at_baseline_rows=round(vector_small, 3),
                 baseline_median_s=round(baseline, 3), ratio=round(baseline / vector_small, 2),
                 note="baseline = per-row Python loop with the main rules only (no tags, no evidence)")


if __name__ == "__main__":
    main()
