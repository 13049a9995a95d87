"""WSGI entry for bench_pages: the real app plus a trivial /__bench/hello route (the baseline).

The hello route lives here, not in the app, so production never has it.
"""
import os

from tracker import create_app

# BENCH_CACHE_SECONDS=0 measures the pages with the public-page micro-cache switched off.
_overrides = {}
if os.environ.get("BENCH_CACHE_SECONDS") is not None:
    _overrides["SCORECARD_CACHE_SECONDS"] = float(os.environ["BENCH_CACHE_SECONDS"])
app = create_app(_overrides)


@app.route("/__bench/hello")
def bench_hello():
    return "hello"
