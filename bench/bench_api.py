"""/api/tours/ (issue 9): a page of 50 tours as JSON with the filters of /tours/, for 10,000 tours (`manage.py
seed_demo --tours 10000`): constant SQL queries (at most 4), a median server time of 60 ms for a page of 50
(the HTML page's target: 30 ms for 20) and 200 ms for a page of 200.
Run alone: .venv/bin/python bench/run.py "/api/"

The anonymous rate limit is lifted while the benchmark runs (it sends hundreds of requests in a few seconds).
"""

from django.conf import settings
from django.test import override_settings

from bench.harness import page_benchmark

MAX_QUERIES = 4  # the count, the page (and for ?near= the page's cut-off distance), a subprefecture's lookup

TYPICAL = [
    ("no filter", ""),
    ("class of 38 in October with a bus", "group_size=38&month=10&bus_parking=1"),
    ("near Kitami, free", "near=012084&free=1"),
    ("Okhotsk, junior high, machinery", "subprefecture=okhotsk&audience=junior_high&industry=machinery"),
    ("page 5", "page=5"),
    ("near Sapporo, page 10", "near=011002&page=10"),
    ("q 2 chars 溶接", "q=溶接"),
    ("200 a page", "page_size=200"),
]


def without_rate_limit(benchmark):
    def run():
        rates = {"DEFAULT_THROTTLE_RATES": {"anon": None}}
        with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
            return benchmark()

    return run


BENCHMARKS = [
    without_rate_limit(
        page_benchmark(
            f"/api/tours/ {label}",
            f"/api/tours/?{query}",
            max_ms=200 if "200" in label else 60,
            max_queries=MAX_QUERIES,
        )
    )
    for label, query in TYPICAL
]
