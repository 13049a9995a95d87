"""`make bench`: run every bench/bench_*.py in its own process and print a summary of medians."""
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    failed = []
    for module in modules:
        print(f"== {module}", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{module}"], cwd=HERE.parent)
        if result.returncode:
            failed.append(module)
    print("\nSummary (bench/results/*.json):")
    for path in sorted((HERE / "results").glob("*.json")):
        data = json.loads(path.read_text())
        extras = {k: v for k, v in data.items() if k in ("ratio", "baseline_median_s", "peak_rss_mb", "rows")}
        print(f"  {data.get('name', path.stem)}: median {data.get('median_s')} s {extras}")  # make fuzz writes counts here too
    if failed:
        print("FAILED:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
